import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './problems.js';

/** A 1-based position in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Finds where a field path sits in a parsed YAML document. */
export class SourceLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path`; with `key`, of the key that names it. When the path does not
   * exist, the position of its deepest existing ancestor (so a missing field points at its parent).
   */
  locate(path: FieldPath, options: { key?: boolean } = {}): Position | undefined {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const segment of path) {
      const next = child(node, segment);
      if (next === undefined) break;
      [keyNode, node] = next;
      if (node === null || node === undefined) break;
    }
    const target = options.key && isNode(keyNode) ? keyNode : isNode(node) ? node : keyNode;
    const offset = isNode(target) ? (target as Node).range?.[0] : undefined;
    if (offset === undefined) return undefined;

    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** The key and value nodes of one step into a map or sequence, or `undefined` when absent. */
function child(node: unknown, segment: string | number): [unknown, unknown] | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
    return pair ? [pair.key, pair.value] : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : [undefined, item];
  }
  return undefined;
}
