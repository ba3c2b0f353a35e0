import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfigFile, synthesizeConfig } from 'kfp-events';
import { argoPodSpec, ARGO_WORKLOAD_KINDS } from '../support/argo-pods.js';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoObjects,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import { restrictedViolations, type PodSpecLike } from '../support/pod-security.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');
const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kfp-events-app-'));
  temps.push(dir);
  return dir;
}

/** Synthesizes the example config into a fresh folder; returns file name → content. */
function synthesizeExample(): Map<string, string> {
  const outdir = tempDir();
  synthesizeConfig(loadConfigFile(join(ROOT, 'kfp-events.yaml'), 'kfp-events.yaml'), outdir);
  return readFolder(outdir);
}

function readFolder(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

function manifestsOf(files: Map<string, string>): Record<string, unknown>[] {
  return [...files.values()].flatMap((text) =>
    parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>),
  );
}

describe('the example app', () => {
  const fresh = synthesizeExample();

  it('writes one file per chart, named after the chart', () => {
    expect([...fresh.keys()]).toEqual(['consumer-penguin-team.yaml', 'platform-kfp-operator.yaml']);
  });

  it('synthesizes byte for byte the same output every time', () => {
    const again = synthesizeExample();

    expect(again).toEqual(fresh);
  });

  it('matches the committed dist/', () => {
    const committed = existsSync(DIST) ? readFolder(DIST) : new Map<string, string>();
    const stale = !(
      committed.size === fresh.size && [...fresh].every(([name, text]) => committed.get(name) === text)
    );

    expect(stale, 'dist/ is stale: run `npm run synth`').toBe(false);
  });

  it('reproduces the documented system', () => {
    const manifests = manifestsOf(fresh);
    const names = manifests.map((m) => `${String(m.kind)}/${(m.metadata as { name: string }).name}`);

    expect(names).toEqual(
      expect.arrayContaining([
        'EventBus/kfp-operator-events',
        'Deployment/kfp-events-publisher',
        'EventBus/default',
        'EventSource/run-completion',
        'Sensor/penguin-pipeline-model-update',
        'Sensor/taxi-pipeline-succeeded',
      ]),
    );
    const eventSource = manifests.find((m) => m.kind === 'EventSource')!;
    expect(eventSource.spec).toMatchObject({
      eventBusName: 'default',
      nats: {
        'run-completion': {
          url: 'nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222',
          subject: 'events',
          jsonBody: true,
          connectionBackoff: { duration: '10s', factor: 2, jitter: 0.2, steps: 5 },
        },
      },
    });
  });

  it.skipIf(!ARGO_SCHEMA_AVAILABLE)(
    'synthesizes only Argo objects that the Argo Events schema accepts',
    () => {
      const objects = argoObjects(manifestsOf(fresh));
      const problems = objects.flatMap((o) =>
        argoSchemaProblems(o).map((p) => `${o.kind}/${o.metadata?.name}${p}`),
      );

      expect(objects).toHaveLength(5);
      expect(problems).toEqual([]);
    },
  );

  it('runs every workload, and every pod Argo Events makes from its objects, under the restricted PSS', () => {
    const manifests = manifestsOf(fresh);
    const workloads = manifests.filter((m) =>
      ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(String(m.kind)),
    );
    const argo = manifests.filter((m) => (ARGO_WORKLOAD_KINDS as readonly string[]).includes(String(m.kind)));
    const pods = [
      ...workloads.map((w) => ({ w, pod: (w.spec as { template: { spec: PodSpecLike } }).template.spec })),
      ...argo.map((w) => ({ w, pod: argoPodSpec(w as { kind: string; spec?: unknown }) })),
    ];

    const violations = pods.flatMap(({ w, pod }) =>
      restrictedViolations(pod).map(
        (v) => `${String(w.kind)}/${(w.metadata as { name: string }).name}: ${v}`,
      ),
    );

    expect(pods.map(({ w }) => `${String(w.kind)}/${(w.metadata as { name: string }).name}`)).toEqual([
      'Deployment/kfp-events-publisher',
      'EventBus/default',
      'EventSource/run-completion',
      'Sensor/penguin-pipeline-model-update',
      'Sensor/taxi-pipeline-succeeded',
      'EventBus/kfp-operator-events',
    ]);
    expect(violations).toEqual([]);
  });
});

describe('cdk8s app entry (src/main.ts)', () => {
  function runMain(env: Record<string, string>, args: string[] = []) {
    return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it('synthesizes the file named by $KFP_EVENTS_CONFIG into $CDK8S_OUTDIR', () => {
    const outdir = tempDir();

    const result = runMain({ KFP_EVENTS_CONFIG: 'kfp-events.yaml', CDK8S_OUTDIR: outdir });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFolder(outdir)).toEqual(synthesizeExample());
  });

  it('reads kfp-events.yaml from the working directory by default', () => {
    const outdir = tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: outdir };
    delete env.KFP_EVENTS_CONFIG;

    const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });

    expect(result.status).toBe(0);
    expect(readFolder(outdir)).toEqual(synthesizeExample());
  });

  it('prints every config problem to stderr without a stack trace and exits 1', () => {
    const dir = tempDir();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'platform:\n  namespace: Bad_Name\n  publisher: {}\n');

    const result = runMain({ KFP_EVENTS_CONFIG: file, CDK8S_OUTDIR: join(dir, 'out') });

    const shown = relative(ROOT, file);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${shown}: 2 problems`,
        `  ${shown}:2:14: platform.namespace: "Bad_Name" is not valid; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
        `  ${shown}:3:14: platform.publisher.image: is required`,
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('with --check-config validates and writes nothing, so npm run synth keeps dist/ on a broken config', () => {
    const outdir = join(tempDir(), 'out');

    const good = runMain({ KFP_EVENTS_CONFIG: 'kfp-events.yaml', CDK8S_OUTDIR: outdir }, ['--check-config']);
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.yaml'), 'platform:\n  namespace: Bad_Name\n  publisher: {}\n');
    const bad = runMain({ KFP_EVENTS_CONFIG: join(dir, 'broken.yaml'), CDK8S_OUTDIR: outdir }, [
      '--check-config',
    ]);

    expect([good.status, good.stderr]).toEqual([0, '']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('platform.publisher.image: is required');
    expect(existsSync(outdir)).toBe(false);
  });
});

if (!ARGO_SCHEMA_AVAILABLE) console.warn(ARGO_SCHEMA_SKIP_MESSAGE);
