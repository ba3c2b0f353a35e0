import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_REPO_ROOT, describeTree, type ProductTree } from './product.js';

const BUILD_TIMEOUT_MS = 180_000;

/** The compiled product: where `src/main.js` and `src/cli.js` are, once built. */
export interface BuiltProduct {
  readonly tree: ProductTree;
  /** The folder holding the compiled `src/` and `imports/`. */
  readonly libDir: string;
  /** The build error, when the tree did not compile; every product row then says so. */
  readonly error?: string;
  /** Removes a build made outside the tree. */
  dispose(): void;
}

/**
 * Locates or makes the compiled product. This repository is built by `npm run build` before the bench
 * starts (the `bench` script does it), so its `lib/` is used as is. Another tree is compiled with this
 * repository's TypeScript into a temporary folder, so nothing is written into it.
 */
export function buildProduct(tree: ProductTree): BuiltProduct {
  if (tree.isBenchRepo) return { tree, libDir: join(tree.root, 'lib'), dispose: () => undefined };

  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-bench-product-'));
  const libDir = join(dir, 'lib');
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  // Compiled ESM finds its dependencies and its module type through these two entries.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(BENCH_REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));

  try {
    execFileSync(
      join(BENCH_REPO_ROOT, 'node_modules', '.bin', 'tsc'),
      ['-p', join(tree.root, 'tsconfig.build.json'), '--outDir', libDir],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: BUILD_TIMEOUT_MS },
    );
    const schemas = join(tree.root, 'src', 'schemas');
    if (existsSync(schemas)) cpSync(schemas, join(libDir, 'src', 'schemas'), { recursive: true });
    return { tree, libDir, dispose };
  } catch (err) {
    const output = (err as { stdout?: Buffer }).stdout?.toString('utf8').slice(0, 1_000) ?? '';
    return {
      tree,
      libDir,
      error: `${describeTree(tree)} does not compile: ${output || (err as Error).message}`,
      dispose,
    };
  }
}
