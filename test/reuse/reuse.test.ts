import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoObjects,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import { at, only, type Manifest } from '../support/synth.js';

const ROOT = resolve(import.meta.dirname, '../..');
const APP = join(import.meta.dirname, 'app.ts');
const outdir = mkdtempSync(join(tmpdir(), 'kfp-events-reuse-'));

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs the reuse app as its own process, as `cdk8s synth` would, and reads what it wrote. */
function runApp(): Manifest[] {
  const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', APP], {
    cwd: ROOT,
    env: { ...process.env, CDK8S_OUTDIR: outdir },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);

  expect(readdirSync(outdir)).toEqual(['fraud-team.yaml']);
  return parseAllDocuments(readFileSync(join(outdir, 'fraud-team.yaml'), 'utf8')).map(
    (doc) => doc.toJS() as Manifest,
  );
}

describe('reusing the constructs from another cdk8s app', () => {
  const manifests = runApp();

  it('imports nothing but the kfp-events package and cdk8s', () => {
    const imports = [...readFileSync(APP, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);

    expect(imports).toEqual(['cdk8s', 'kfp-events']);
  });

  it('refers to the existing operator bus without synthesizing it', () => {
    const buses = manifests.filter((m) => m.kind === 'EventBus');

    expect(buses.map((b) => `${b.metadata?.name}`)).toEqual(['default']);
    expect(at(only(manifests, 'EventSource'), 'spec.nats.run-completion.url')).toBe(
      'nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222',
    );
  });

  it('synthesizes the custom Sensor with its triggers and the RBAC its patch needs', () => {
    const sensor = only(manifests, 'Sensor', 'fraud-detector-deploy');

    expect(at(sensor, 'spec.dependencies.0.filters.data.1')).toEqual({
      path: 'body.data.pipelineName',
      type: 'string',
      value: ['^fraud-detector$'],
    });
    expect(
      (at(sensor, 'spec.triggers') as { template: { name: string } }[]).map((t) => t.template.name),
    ).toEqual(['k8s', 'http']);
    expect(at(sensor, 'spec.triggers.0.template.k8s.parameters.0.src.dataKey')).toBe(
      'body.data.servingModelArtifacts.0.location',
    );
    expect(only(manifests, 'Role').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['fraud-detector-serving'],
        verbs: ['get', 'patch'],
      },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
    ]);
    expect(
      manifests.every((m) => m.metadata && (m.metadata as { namespace?: string }).namespace === 'fraud-team'),
    ).toBe(true);
  });

  it.skipIf(!ARGO_SCHEMA_AVAILABLE)('produces Argo objects that the Argo Events schema accepts', () => {
    expect(argoObjects(manifests).flatMap(argoSchemaProblems)).toEqual([]);
  });
});

if (!ARGO_SCHEMA_AVAILABLE) console.warn(ARGO_SCHEMA_SKIP_MESSAGE);
