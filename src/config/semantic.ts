import { asArray, asRecord, checkDuration } from './check-helpers.js';
import { CONFIG_DEFAULTS } from './defaults.js';
import { sensorNameOf } from './names.js';
import { formatPath, formatValue, type FieldPath, type FieldProblem } from './problems.js';
import { checkTriggers } from './semantic-triggers.js';
import { PIPELINE_STATUSES } from './types.js';

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
    if (consumer) checkConsumer(consumer, ['consumers', i], bus, namespaces, problems);
  });

  return problems;
}

function checkConsumer(
  consumer: Record<string, unknown>,
  path: FieldPath,
  platformBus: Record<string, unknown> | undefined,
  namespaces: Map<string, number>,
  problems: FieldProblem[],
): void {
  if (typeof consumer.namespace === 'string') {
    const first = namespaces.get(consumer.namespace);
    if (first === undefined) namespaces.set(consumer.namespace, Number(path[1]));
    else
      problems.push({
        path: [...path, 'namespace'],
        message: `${formatValue(consumer.namespace)} is already used by consumers[${first}]; each consumer namespace may appear once`,
      });
  }

  const eventSource = asRecord(consumer.eventSource);
  const backoff = asRecord(eventSource?.connectionBackoff);
  if (backoff)
    checkDuration(backoff.duration, [...path, 'eventSource', 'connectionBackoff', 'duration'], problems);
  checkBus(asRecord(consumer.eventBus), [...path, 'eventBus'], problems);
  checkBusCredentials(platformBus, eventSource, [...path, 'eventSource'], problems);
  checkPipelines(asArray(consumer.pipelines), [...path, 'pipelines'], problems);
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
