import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository this bench lives in. */
export const BENCH_REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * The tree whose product is measured: by default this repository; `--product-root DIR` points the
 * drivers at another checkout, which is then only read (its code runs from there, nothing is written
 * into it and npm never runs in it).
 */
export interface ProductTree {
  readonly root: string;
  /** Whether the tree is this repository (then `npm run build` builds it in place). */
  readonly isBenchRepo: boolean;
}

/** How the report names a tree: `this repository`, or the folder given with `--product-root`. */
export function describeTree(tree: ProductTree): string {
  return tree.isBenchRepo ? 'this repository' : tree.root;
}

/** Resolves the product tree from `--product-root`, defaulting to this repository. */
export function productTree(root: string | undefined): ProductTree {
  const resolved = resolve(root ?? BENCH_REPO_ROOT);
  return { root: resolved, isBenchRepo: resolved === BENCH_REPO_ROOT };
}

/** True when the product tree holds every one of `paths` (relative to its root). */
export function hasFiles(tree: ProductTree, ...paths: string[]): boolean {
  return paths.every((path) => existsSync(join(tree.root, path)));
}

/** The first of `paths` (relative to the tree root) that the tree lacks, if any. */
export function firstMissing(tree: ProductTree, ...paths: string[]): string | undefined {
  return paths.find((path) => !existsSync(join(tree.root, path)));
}
