import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SHARED_CRDS = resolve(ROOT, '../shared/crds/argo-events');
const AVAILABLE = existsSync(join(SHARED_CRDS, 'schema.json'));

if (!AVAILABLE)
  console.warn(`skipped: the imports/ freshness check needs ${SHARED_CRDS} (../shared is absent)`);

describe.skipIf(!AVAILABLE)('generated imports', () => {
  it('are up to date with the Argo Events CRDs', () => {
    const output = execFileSync('npm', ['run', '--silent', 'import', '--', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });

    expect(output).toContain('import: imports/argoproj.io.ts is up to date');
  });
});
