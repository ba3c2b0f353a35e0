import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as check } from '../../src/tools/cli/check.js';
import { run as graph } from '../../src/tools/cli/graph.js';
import type { CliIo } from '../../src/tools/cli/io.js';
import { run as simulate } from '../../src/tools/cli/simulate.js';
import { fixture } from './helpers.js';

function capture(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

const VALID = fixture('valid');
const BROKEN = fixture('broken');
const SUCCEEDED = fixture('events', 'succeeded.json');

describe('kfp-events simulate', () => {
  it('prints what fires and the resolved parameters, exit 0', async () => {
    const io = capture();
    expect(await simulate(['--event', SUCCEEDED, '--dist', VALID], io)).toBe(0);
    expect(io.out()).toContain('Sensor penguin-team/penguin-pipeline-model-update: fires\n');
    expect(io.out()).toContain('    data.modelLocation = gs://penguin-bucket/serving/1764583200\n');
    expect(io.out()).toContain('Sensor penguin-team/penguin-pipeline-failure: does not fire\n');
  });

  it('prints JSON with --output json', async () => {
    const io = capture();
    expect(
      await simulate(['--event', SUCCEEDED, '--dist', VALID, '--output', 'json', '--encoding', 'binary'], io),
    ).toBe(0);
    const result = JSON.parse(io.out()) as { encoding: string; sensors: { name: string; fires: boolean }[] };
    expect(result.encoding).toBe('binary');
    expect(result.sensors.map((s) => [s.name, s.fires])).toEqual([
      ['penguin-pipeline-model-update', false],
      ['penguin-pipeline-failure', false],
    ]);
  });

  it('exits 2 with the usage when --event is missing or a choice is wrong', async () => {
    const missing = capture();
    expect(await simulate(['--dist', VALID], missing)).toBe(2);
    expect(missing.err()).toBe(
      'UsageError: --event FILE is required\nusage: kfp-events simulate --event FILE [--dist DIR] [--output text|json] [--encoding structured|binary]\n',
    );

    const wrong = capture();
    expect(await simulate(['--event', SUCCEEDED, '--encoding', 'protobuf'], wrong)).toBe(2);
    expect(wrong.err()).toContain('UsageError: --encoding "protobuf" is not one of structured, binary\n');
  });

  it('exits 2 naming the directory when --dist cannot be read', async () => {
    const io = capture();
    expect(await simulate(['--event', SUCCEEDED, '--dist', fixture('no-such-dir')], io)).toBe(2);
    expect(io.err()).toMatch(/^ManifestError: cannot read manifests directory .*no-such-dir: ENOENT/);
  });
});

describe('kfp-events check', () => {
  it('exits 0 with a one-line summary on valid manifests', async () => {
    const io = capture();
    expect(await check(['--dist', VALID], io)).toBe(0);
    expect(io.out()).toBe(
      'check passed: 2 Sensors, 1 EventSource, 7 filter paths and parameter keys (encoding structured)\n',
    );
  });

  it('exits 1 listing every problem on stderr', async () => {
    const io = capture();
    expect(await check(['--dist', BROKEN], io)).toBe(1);
    const lines = io.err().trimEnd().split('\n');
    expect(lines[0]).toBe('check found 8 problems (encoding structured):');
    expect(lines).toHaveLength(9);
  });
});

describe('kfp-events graph', () => {
  it('prints dot with --format dot and refuses unknown formats', async () => {
    const io = capture();
    expect(await graph(['--dist', VALID, '--format', 'dot'], io)).toBe(0);
    expect(io.out().startsWith('digraph kfp_events {')).toBe(true);

    const bad = capture();
    expect(await graph(['--dist', VALID, '--format', 'svg'], bad)).toBe(2);
    expect(bad.err()).toContain('UsageError: --format "svg" is not one of mermaid, dot\n');
  });
});

describe('the commands as processes', () => {
  const runner = fileURLToPath(new URL('./run-cli.ts', import.meta.url));
  const exec = (...args: string[]) =>
    spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', runner, ...args], {
      encoding: 'utf8',
      timeout: 20_000,
    });

  it('exit with the command’s code: 0 for a passing check, 1 for problems, 2 for bad flags', () => {
    expect(exec('check', '--dist', VALID).status).toBe(0);
    const broken = exec('check', '--dist', BROKEN);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('check found 8 problems');
    expect(exec('graph', '--bogus').status).toBe(2);
  });
});
