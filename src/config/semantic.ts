import { CONFIG_DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import { sensorNameOf } from './names.js';
import { formatPath, formatValue, type FieldPath, type FieldProblem } from './problems.js';
import { PIPELINE_STATUSES } from './types.js';

/** The parameter sources that take an `index`. */
const INDEXED_FIELDS = new Set(['servingModelLocation', 'servingModelName']);

/**
 * The checks a JSON Schema cannot express: uniqueness across entries, rules that depend on other
 * fields, Argo Events' own limits. It reads the parsed document defensively (anything of the wrong
 * type was already reported by the schema) and returns every problem found.
 */
export function checkSemantics(document: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const root = asRecord(document);
  if (!root) return problems;

  const platform = asRecord(root.platform);
  checkPlatform(platform, problems);
  const bus = asRecord(platform?.bus);
  const namespaces = new Map<string, number>();
  asArray(root.consumers).forEach((raw, i) => {
    const consumer = asRecord(raw);
    if (!consumer) return;
    const path = ['consumers', i];

    if (typeof consumer.namespace === 'string') {
      const first = namespaces.get(consumer.namespace);
      if (first === undefined) namespaces.set(consumer.namespace, i);
      else
        problems.push({
          path: [...path, 'namespace'],
          message: `${formatValue(consumer.namespace)} is already used by consumers[${first}]; each consumer namespace may appear once`,
        });
    }
    const backoff = asRecord(asRecord(consumer.eventSource)?.connectionBackoff);
    if (backoff)
      checkDuration(backoff.duration, [...path, 'eventSource', 'connectionBackoff', 'duration'], problems);
    checkBus(asRecord(consumer.eventBus), [...path, 'eventBus'], problems);
    checkBusCredentials(bus, asRecord(consumer.eventSource), [...path, 'eventSource'], problems);
    checkPipelines(asArray(consumer.pipelines), [...path, 'pipelines'], problems);
  });

  return problems;
}

function checkPlatform(platform: Record<string, unknown> | undefined, problems: FieldProblem[]): void {
  const kind = checkBus(asRecord(platform?.bus), ['platform', 'bus'], problems);

  const publisher = asRecord(platform?.publisher);
  if (publisher?.delivery === 'jetstream' && kind !== 'jetstream')
    problems.push({
      path: ['platform', 'publisher', 'delivery'],
      message: `"jetstream" needs a jetstream bus, but platform.bus.kind is ${formatValue(kind)}; allowed here: core`,
    });
}

/** Argo Events' rules for an EventBus that its schema does not state; returns the bus kind. */
function checkBus(
  bus: Record<string, unknown> | undefined,
  path: FieldPath,
  problems: FieldProblem[],
): unknown {
  const kind = bus?.kind ?? CONFIG_DEFAULTS.bus.kind;
  if (!bus) return kind;

  if (typeof bus.replicas === 'number') {
    if (kind === 'native' && bus.replicas < 3)
      problems.push({
        path: [...path, 'replicas'],
        message: `${bus.replicas} is too few for a native bus; must be at least 3 (Argo Events would silently run 3)`,
      });
    if (kind === 'jetstream' && bus.replicas === 2)
      problems.push({
        path: [...path, 'replicas'],
        message: '2 is rejected by Argo Events for a jetstream bus; must be 1 or at least 3',
      });
  }
  if (kind === 'jetstream' && bus.auth !== undefined)
    problems.push({
      path: [...path, 'auth'],
      message: `${formatValue(bus.auth)} applies to native buses only; a jetstream bus always uses TLS with user/password, so remove it`,
    });
  if (kind === 'native' && bus.jetstreamVersion !== undefined)
    problems.push({
      path: [...path, 'jetstreamVersion'],
      message: `${formatValue(bus.jetstreamVersion)} applies to jetstream buses only; remove it or set kind: jetstream`,
    });
  return kind;
}

/** The EventSource must bring the credentials (and TLS) the platform bus demands. */
function checkBusCredentials(
  bus: Record<string, unknown> | undefined,
  eventSource: Record<string, unknown> | undefined,
  path: FieldPath,
  problems: FieldProblem[],
): void {
  const kind = bus?.kind ?? CONFIG_DEFAULTS.bus.kind;
  const name = typeof bus?.name === 'string' ? bus.name : CONFIG_DEFAULTS.bus.name;
  const auth = asRecord(eventSource?.auth);

  if (kind === 'jetstream') {
    if (!auth?.basic)
      problems.push({
        path: [...path, 'auth', 'basic'],
        message: `is required: the jetstream bus "${name}" always uses user/password (give Secret keys in this namespace)`,
      });
    if (!eventSource?.tls)
      problems.push({
        path: [...path, 'tls'],
        message: `is required: the jetstream bus "${name}" always uses TLS (give the CA certificate's Secret key)`,
      });
  } else if (bus?.auth === 'token' && !auth?.token) {
    problems.push({
      path: [...path, 'auth', 'token'],
      message: `is required: the bus "${name}" uses token auth (give the token's Secret key in this namespace)`,
    });
  }
}

function checkPipelines(pipelines: unknown[], path: FieldPath, problems: FieldProblem[]): void {
  const sensors = new Map<string, { index: number; pipeline: string }>();
  pipelines.forEach((raw, i) => {
    const entry = asRecord(raw);
    if (!entry) return;

    checkSensorName(entry, [...path, i], sensors, problems);
    checkTriggers(asArray(entry.triggers), [...path, i, 'triggers'], problems);
  });
}

/** Reports a Sensor name (given or derived) that an earlier entry of the namespace already has. */
function checkSensorName(
  entry: Record<string, unknown>,
  path: FieldPath,
  seen: Map<string, { index: number; pipeline: string }>,
  problems: FieldProblem[],
): void {
  const status = entry.status ?? CONFIG_DEFAULTS.pipeline.status;
  if (typeof entry.pipeline !== 'string' || entry.pipeline === '') return;
  if (typeof status !== 'string' || !(PIPELINE_STATUSES as readonly string[]).includes(status)) return;
  const explicit = typeof entry.sensor === 'string' ? entry.sensor : undefined;

  const name = sensorNameOf({ pipeline: entry.pipeline, status, ...(explicit ? { sensor: explicit } : {}) });
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, { index: Number(path[path.length - 1]), pipeline: entry.pipeline });
    return;
  }
  problems.push({
    path: [...path, explicit ? 'sensor' : 'pipeline'],
    message:
      `Sensor name ${formatValue(name)}${explicit ? '' : ' (derived)'} is also the Sensor of ` +
      `${formatPath([...path.slice(0, -1), first.index])} (pipeline ${formatValue(first.pipeline)}); ` +
      'Sensor names must be unique in a namespace: set a distinct "sensor" on one of them',
  });
}

function checkTriggers(triggers: unknown[], path: FieldPath, problems: FieldProblem[]): void {
  const names = new Map<string, number>();
  triggers.forEach((raw, i) => {
    const trigger = asRecord(raw);
    if (!trigger) return;
    const at = [...path, i];

    if (typeof trigger.name === 'string') {
      const first = names.get(trigger.name);
      if (first === undefined) names.set(trigger.name, i);
      else
        problems.push({
          path: [...at, 'name'],
          message: `${formatValue(trigger.name)} is already the name of trigger ${first}; trigger names must be unique in a Sensor`,
        });
    }
    const retry = asRecord(trigger.retry);
    if (retry) checkDuration(retry.duration, [...at, 'retry', 'duration'], problems);
    for (const list of ['parameters', 'payload'])
      asArray(trigger[list]).forEach((param, j) =>
        checkParameter(asRecord(param), [...at, list, j], problems),
      );

    if (trigger.kind === 'k8s') checkK8sTrigger(trigger, at, problems);
    if (trigger.kind === 'argoWorkflow')
      checkWorkflow(asRecord(trigger.workflow), [...at, 'workflow'], problems);
  });
}

function checkK8sTrigger(trigger: Record<string, unknown>, path: FieldPath, problems: FieldProblem[]): void {
  const operation =
    typeof trigger.operation === 'string' ? trigger.operation : CONFIG_DEFAULTS.trigger.k8sOperation;

  if (trigger.target === undefined && trigger.manifest === undefined)
    problems.push({
      path,
      message: `k8s trigger (operation ${operation}) has no target; give "target" ({apiVersion, kind, name}) or "manifest"`,
    });
  if (trigger.target !== undefined && trigger.manifest !== undefined)
    problems.push({
      path: [...path, 'manifest'],
      message: 'is given together with "target"; give one of them',
    });
  if (trigger.patchStrategy !== undefined && operation !== 'patch')
    problems.push({
      path: [...path, 'patchStrategy'],
      message: `${formatValue(trigger.patchStrategy)} applies to operation patch only, but the operation is ${operation}`,
    });

  const manifest = asRecord(trigger.manifest);
  if (manifest) {
    for (const field of ['apiVersion', 'kind'])
      if (typeof manifest[field] !== 'string' || manifest[field] === '')
        problems.push({ path: [...path, 'manifest', field], message: 'is required (a non-empty string)' });
    const metadata = asRecord(manifest.metadata);
    if (typeof metadata?.name !== 'string' && typeof metadata?.generateName !== 'string')
      problems.push({ path: [...path, 'manifest', 'metadata'], message: 'needs a name or generateName' });
    if (metadata?.namespace !== undefined)
      problems.push({
        path: [...path, 'manifest', 'metadata', 'namespace'],
        message: `${formatValue(metadata.namespace)} is not allowed; the object lives in the consumer namespace (the Sensor's Role covers only that)`,
      });
  }
}

function checkWorkflow(
  workflow: Record<string, unknown> | undefined,
  path: FieldPath,
  problems: FieldProblem[],
) {
  if (!workflow) return;

  if (workflow.apiVersion !== 'argoproj.io/v1alpha1')
    problems.push({
      path: [...path, 'apiVersion'],
      message: `${formatValue(workflow.apiVersion)} is not allowed; must be argoproj.io/v1alpha1`,
    });
  if (workflow.kind !== 'Workflow')
    problems.push({
      path: [...path, 'kind'],
      message: `${formatValue(workflow.kind)} is not allowed; must be Workflow`,
    });
}

function checkParameter(
  param: Record<string, unknown> | undefined,
  path: FieldPath,
  problems: FieldProblem[],
): void {
  if (!param || param.index === undefined || typeof param.from !== 'string') return;

  if (!INDEXED_FIELDS.has(param.from))
    problems.push({
      path: [...path, 'index'],
      message: `applies to servingModelLocation and servingModelName only, not to ${formatValue(param.from)}`,
    });
}

function checkDuration(value: unknown, path: FieldPath, problems: FieldProblem[]): void {
  if (typeof value === 'string' && parseDuration(value) === 0)
    problems.push({ path, message: `${formatValue(value)} is zero; must be longer than 0` });
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
