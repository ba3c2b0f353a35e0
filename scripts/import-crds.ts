/**
 * Generates `imports/argoproj.io.ts`: typed cdk8s classes for the Argo Events EventBus, EventSource and
 * Sensor kinds.
 *
 * The upstream CRDs are "slim" (their `spec` is an open object), so `cdk8s import` of them alone yields
 * classes that carry metadata only. This script grafts the full JSON Schema of each kind's spec from
 * `schema.json` into a copy of its CRD, inlining `$ref`s (CRD schemas cannot hold references), and runs
 * `cdk8s import` once on one multi-document file so the three kinds share one module.
 *
 * Usage: `npm run import` (reads `../shared/crds/argo-events`, or the folder in `KFP_EVENTS_CRDS_DIR`).
 * `npm run import -- --check` regenerates into a temporary folder and fails when `imports/` differs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

type Schema = Record<string, unknown>;

const ROOT = resolve(import.meta.dirname, '..');
const CRDS_DIR = resolve(ROOT, process.env.KFP_EVENTS_CRDS_DIR ?? '../shared/crds/argo-events');
const KINDS = [
  { file: 'argoproj.io_eventbus.yaml', spec: 'io.argoproj.events.v1alpha1.EventBusSpec' },
  { file: 'argoproj.io_eventsources.yaml', spec: 'io.argoproj.events.v1alpha1.EventSourceSpec' },
  { file: 'argoproj.io_sensors.yaml', spec: 'io.argoproj.events.v1alpha1.SensorSpec' },
];
/** Keys that cdk8s import does not understand or that only carry documentation for other generators. */
const DROPPED_KEYS = new Set(['$schema', '$id', 'x-kubernetes-group-version-kind', 'x-kubernetes-unions']);

function inline(schema: unknown, definitions: Record<string, Schema>, stack: string[]): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inline(item, definitions, stack));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Schema;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/definitions/', '');
    const target = definitions[name];
    if (!target) throw new Error(`schema.json: unresolved $ref ${ref}`);
    const siblings = { ...node };
    delete siblings.$ref;
    if (stack.includes(name)) {
      // A recursive type cannot be inlined; keep it open rather than loop forever.
      return { ...siblings, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    }
    return { ...(inline(target, definitions, [...stack, name]) as Schema), ...siblings };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    out[key] =
      key === 'properties' || key === 'definitions'
        ? inlineMap(value, definitions, stack)
        : inline(value, definitions, stack);
  }
  return out;
}

function inlineMap(map: unknown, definitions: Record<string, Schema>, stack: string[]): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(map as Schema)) out[key] = inline(value, definitions, stack);
  return out;
}

function buildCrds(): string {
  const { definitions } = JSON.parse(readFileSync(join(CRDS_DIR, 'schema.json'), 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const docs = KINDS.map(({ file, spec }) => {
    const [doc] = parseAllDocuments(readFileSync(join(CRDS_DIR, file), 'utf8'));
    const crd = doc!.toJS() as {
      spec: { versions: { schema: { openAPIV3Schema: { properties: Schema } } }[] };
    };
    for (const version of crd.spec.versions) {
      const props = version.schema.openAPIV3Schema.properties;
      props.spec = inline({ $ref: `#/definitions/${spec}` }, definitions, []);
      delete props.status;
    }
    return stringify(crd);
  });
  return docs.join('---\n');
}

function generate(outDir: string): void {
  const work = mkdtempSync(join(tmpdir(), 'kfp-events-import-'));
  try {
    const file = join(work, 'argoproj.io.yaml');
    writeFileSync(file, buildCrds());
    execFileSync(
      join(ROOT, 'node_modules/.bin/cdk8s'),
      ['import', file, '--output', outDir, '--no-save', '--no-check-upgrade', '--language', 'typescript'],
      { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (!existsSync(join(CRDS_DIR, 'schema.json'))) {
  console.error(
    `import: ${join(CRDS_DIR, 'schema.json')} not found; set KFP_EVENTS_CRDS_DIR to the Argo Events CRD folder`,
  );
  process.exit(2);
}
if (process.argv.includes('--check')) {
  const out = mkdtempSync(join(tmpdir(), 'kfp-events-imports-'));
  try {
    generate(out);
    const fresh = readFileSync(join(out, 'argoproj.io.ts'), 'utf8');
    const committed = readFileSync(join(ROOT, 'imports/argoproj.io.ts'), 'utf8');
    if (fresh !== committed) {
      console.error('import: imports/argoproj.io.ts is out of date; run `npm run import` and commit it');
      process.exit(1);
    }
    console.log('import: imports/argoproj.io.ts is up to date');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else {
  generate(join(ROOT, 'imports'));
  console.log('import: wrote imports/argoproj.io.ts');
}
