import { fileURLToPath } from 'node:url';
import { loadManifests, type Manifest } from '../../src/tools/manifests.js';

/** A fixture directory of this test suite. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(['fixtures', ...parts].join('/'), import.meta.url));
}

/** Loads a fixture directory's manifests. */
export async function loadFixture(name: string): Promise<Manifest[]> {
  return loadManifests(fixture(name));
}

/**
 * A deep copy of manifests with fields of the first object of `kind` named `name` replaced: each key
 * is a dotted path (array indexes as numbers), each value the new value (`undefined` deletes the field).
 */
export function editObject(
  manifests: readonly Manifest[],
  kind: string,
  name: string,
  changes: Readonly<Record<string, unknown>>,
): Manifest[] {
  const copy = structuredClone(manifests) as Manifest[];
  const target = copy.find((m) => m.object.kind === kind && m.object.metadata?.name === name);
  if (target === undefined) throw new Error(`no ${kind} ${name} in the fixture`);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let node = target.object as Record<string, unknown>;
    for (const key of keys) {
      const next = node[key];
      if (next === null || typeof next !== 'object') throw new Error(`${kind} ${name} has no ${path}`);
      node = next as Record<string, unknown>;
    }
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return copy;
}
