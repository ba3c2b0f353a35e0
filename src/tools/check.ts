/**
 * `check`: static checks of synthesized manifests against the event contract and Argo Events'
 * traps. Every Sensor filter path and parameter key must exist in a run-completion event (in the
 * encoding in use), filter types must fit their fields, string filter values must be anchored,
 * NATS EventSources must set `jsonBody: true`, and Sensors that act on the cluster must run as a
 * ServiceAccount whose Roles grant exactly what their triggers do.
 */
import { PUBLISHER_ENV, sensorPaths, type WireEncoding } from '../contract/index.js';
import type { ArgoEventDependency, ArgoTrigger, ArgoTriggerParameter } from './argo.js';
import { gjsonGet, type GjsonResult } from './gjson.js';
import {
  argoObjects,
  describeObject,
  encodingInUse,
  nameOf,
  namespaceOf,
  publisherSetting,
  type Manifest,
} from './manifests.js';
import { UNNAMEABLE_VERBS, boundRules, missingVerbs, requiredAccess } from './rbac.js';
import { sampleEventSourceData } from './sample-event.js';

/** Options of {@link check}. */
export interface CheckOptions {
  /**
   * The wire encoding.
   * @default - the publisher Deployment's `KFP_EVENTS_ENCODING`, else `structured`
   */
  readonly encoding?: WireEncoding;
}

/** One thing wrong, where it is, and how to fix it. */
export interface CheckProblem {
  /** The manifest file. */
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Field path inside the object, e.g. `spec.dependencies[0].filters.data[1].value[0]`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** What to do instead. */
  readonly fix: string;
}

/** The outcome of {@link check}. */
export interface CheckResult {
  readonly encoding: WireEncoding;
  readonly problems: readonly CheckProblem[];
  /** What was looked at, for the summary line. */
  readonly counts: { readonly sensors: number; readonly eventSources: number; readonly paths: number };
}

/** Renders a problem as one line: `file: object: path: message; fix: …`. */
export function formatCheckProblem(problem: CheckProblem): string {
  return `${problem.file}: ${problem.object}: ${problem.path}: ${problem.message}; fix: ${problem.fix}`;
}

/** Checks manifests; returns every problem found (none means the manifests pass). */
export function check(manifests: readonly Manifest[], options: CheckOptions = {}): CheckResult {
  const encoding = encodingInUse(manifests, options.encoding);
  const subject =
    publisherSetting(manifests, PUBLISHER_ENV.SUBJECT.name)?.value ?? PUBLISHER_ENV.SUBJECT.default;
  const sample = sampleEventSourceData(encoding, subject);
  const problems: CheckProblem[] = [];
  const eventSources = argoObjects(manifests, 'EventSource');
  const sensors = argoObjects(manifests, 'Sensor');
  let paths = 0;

  for (const manifest of eventSources) {
    const nats =
      (manifest.object.spec as { nats?: Record<string, { jsonBody?: boolean }> } | undefined)?.nats ?? {};
    for (const [eventName, source] of Object.entries(nats)) {
      if (source.jsonBody !== true) {
        problems.push(
          problem(manifest, `spec.nats.${eventName}.jsonBody`, {
            message: `is ${source.jsonBody === undefined ? 'not set' : JSON.stringify(source.jsonBody)}, so the body is base64 and no body.… path exists`,
            fix: 'set jsonBody: true',
          }),
        );
      }
    }
  }

  for (const manifest of sensors) {
    const spec = manifest.object.spec as
      | {
          dependencies?: ArgoEventDependency[];
          triggers?: ArgoTrigger[];
          template?: { serviceAccountName?: string };
        }
      | undefined;
    const at = (path: string, found: Omit<CheckProblem, 'file' | 'object' | 'path'>): void => {
      problems.push(problem(manifest, path, found));
    };

    for (const [d, dependency] of (spec?.dependencies ?? []).entries()) {
      const base = `spec.dependencies[${d}].filters`;
      for (const [f, filter] of (dependency.filters?.data ?? []).entries()) {
        paths++;
        const result = checkPath(`${base}.data[${f}].path`, filter.path, sample, encoding, at);
        if (result === undefined) continue;
        // A template turns the value into text first, so any type may fit what it produces.
        const fits = fittingType(result);
        if (fits !== undefined && !filter.template && filter.type !== fits) {
          at(`${base}.data[${f}].type`, {
            message: `is ${JSON.stringify(filter.type)} but ${filter.path} is a ${describeType(result)}`,
            fix: `use type: ${fits}`,
          });
        }
        const values = filter.value ?? [];
        if (filter.comparator === '!=' && values.length > 1) {
          at(`${base}.data[${f}].comparator`, {
            message: `"!=" with ${values.length} values passes when ${filter.path} differs from any one of them, which is nearly always; it does not mean "none of these"`,
            fix:
              filter.type === 'string'
                ? `use one value, ${JSON.stringify(anyOf(values))}, with "!="`
                : 'use an expression filter (exprs) that excludes each value',
          });
        }
        if (filter.type !== 'string') continue;
        for (const [v, value] of values.entries()) {
          if (!isAnchored(value)) {
            at(`${base}.data[${f}].value[${v}]`, {
              message: `${JSON.stringify(value)} is an unanchored regular expression, so it also matches values that merely contain it`,
              fix: `use ${JSON.stringify(anchor(value))}`,
            });
          }
        }
      }
      for (const [e, expr] of (dependency.filters?.exprs ?? []).entries()) {
        for (const [p, field] of (expr.fields ?? []).entries()) {
          paths++;
          checkPath(`${base}.exprs[${e}].fields[${p}].path`, field.path, sample, encoding, at);
        }
      }
    }

    const serviceAccount = spec?.template?.serviceAccountName;
    const actsOnCluster = (spec?.triggers ?? []).some((t) => t.template?.k8s ?? t.template?.argoWorkflow);
    if (
      actsOnCluster &&
      serviceAccount &&
      !hasServiceAccount(manifests, namespaceOf(manifest.object), serviceAccount)
    ) {
      at('spec.template.serviceAccountName', {
        message: `names ServiceAccount ${namespaceOf(manifest.object)}/${serviceAccount}, which is not in the manifests`,
        fix: `add ServiceAccount ${serviceAccount} in namespace ${namespaceOf(manifest.object)} with its Role and RoleBinding`,
      });
    }

    for (const [t, trigger] of (spec?.triggers ?? []).entries()) {
      const template = trigger.template;
      if (template === undefined) continue;
      for (const { path, parameter } of triggerParameters(trigger, t)) {
        if (parameter.src?.dataKey === undefined) continue;
        paths++;
        checkPath(`${path}.src.dataKey`, parameter.src.dataKey, sample, encoding, at);
      }
      checkAccess(manifests, manifest, serviceAccount, template, t, at);
    }
  }

  return {
    encoding,
    problems,
    counts: { sensors: sensors.length, eventSources: eventSources.length, paths },
  };
}

/** Renders the one-line summary of a passing check. */
export function formatCheckSummary(result: CheckResult): string {
  const { sensors, eventSources, paths } = result.counts;
  return (
    `check passed: ${sensors} Sensor${sensors === 1 ? '' : 's'}, ${eventSources} EventSource${eventSources === 1 ? '' : 's'}, ` +
    `${paths} filter path${paths === 1 ? '' : 's'} and parameter key${paths === 1 ? '' : 's'} (encoding ${result.encoding})`
  );
}

type Report = (path: string, found: Omit<CheckProblem, 'file' | 'object' | 'path'>) => void;

function checkPath(
  field: string,
  path: string,
  sample: unknown,
  encoding: WireEncoding,
  report: Report,
): GjsonResult | undefined {
  const result = gjsonGet(sample, path);
  if (result.exists) return result;
  const suggestion = suggestPath(path, sample, encoding);
  const parent = existingParent(path, sample);
  report(field, {
    message: `${JSON.stringify(path)} does not exist in a run-completion event (encoding ${encoding})`,
    fix: suggestion
      ? `use ${JSON.stringify(suggestion)} (sensorPaths('${encoding}'))`
      : parent
        ? `${parent.path} has ${parent.keys.join(', ')}; use one of them (sensorPaths('${encoding}'))`
        : `use a path from sensorPaths('${encoding}'), e.g. ${JSON.stringify(sensorPaths(encoding).status)}`,
  });
  return undefined;
}

/** The longest existing object prefix of a missing path (beyond the envelope), with its keys. */
function existingParent(path: string, sample: unknown): { path: string; keys: string[] } | undefined {
  const parts = path.split(/(?<!\\)\./);
  for (let end = parts.length - 1; end > 1; end--) {
    const prefix = parts.slice(0, end).join('.');
    const found = gjsonGet(sample, prefix);
    if (found.exists && found.type === 'JSON') {
      const value = found.value as Record<string, unknown>;
      return {
        path: prefix,
        keys: Array.isArray(value) ? value.map((_v, i) => String(i)) : Object.keys(value),
      };
    }
  }
  return undefined;
}

/** The same field under the encoding's data prefix, when that exists in the sample. */
function suggestPath(path: string, sample: unknown, encoding: WireEncoding): string | undefined {
  const other = sensorPaths(encoding === 'structured' ? 'binary' : 'structured').data;
  if (!path.startsWith(`${other}.`)) return undefined;
  const candidate = `${sensorPaths(encoding).data}.${path.slice(other.length + 1)}`;
  return gjsonGet(sample, candidate).exists ? candidate : undefined;
}

function triggerParameters(
  trigger: ArgoTrigger,
  t: number,
): { path: string; parameter: ArgoTriggerParameter }[] {
  const template = trigger.template;
  const lists: [string, readonly ArgoTriggerParameter[] | undefined][] = [
    [`spec.triggers[${t}].parameters`, trigger.parameters],
    [`spec.triggers[${t}].template.http.payload`, template?.http?.payload],
    [`spec.triggers[${t}].template.http.parameters`, template?.http?.parameters],
    [`spec.triggers[${t}].template.k8s.parameters`, template?.k8s?.parameters],
    [`spec.triggers[${t}].template.argoWorkflow.parameters`, template?.argoWorkflow?.parameters],
  ];
  return lists.flatMap(([base, list]) =>
    (list ?? []).map((parameter, i) => ({ path: `${base}[${i}]`, parameter })),
  );
}

function checkAccess(
  manifests: readonly Manifest[],
  sensor: Manifest,
  serviceAccount: string | undefined,
  template: NonNullable<ArgoTrigger['template']>,
  t: number,
  report: Report,
): void {
  const kind = template.k8s !== undefined ? 'k8s' : 'argoWorkflow';
  let access;
  try {
    access = requiredAccess(template);
  } catch (err) {
    report(`spec.triggers[${t}].template.${kind}.operation`, {
      message: (err as Error).message,
      fix: 'use a supported operation',
    });
    return;
  }
  if (access === undefined) return;

  const target = `${access.resource}${access.group ? `.${access.group}` : ''}${access.name ? ` (name ${access.name})` : ''}`;
  if (!serviceAccount) {
    report('spec.template.serviceAccountName', {
      message: `is not set, but trigger "${template.name}" (${kind}) needs ${access.verbs.join(', ')} on ${target}`,
      fix: `set template.serviceAccountName to a ServiceAccount bound to a Role granting ${access.verbs.join(', ')} on ${target}`,
    });
    return;
  }
  const account = { name: serviceAccount, namespace: namespaceOf(sensor.object) };
  const namespace = access.namespace ?? account.namespace;
  const { roles, rules } = boundRules(manifests, namespace, account);
  const missing = missingVerbs(access, rules);
  if (missing.length === 0) return;

  const where = namespace === account.namespace ? '' : ` in namespace ${namespace}`;
  const unnameable = missing.filter((verb) => UNNAMEABLE_VERBS.has(verb)).join(', ');
  report(`spec.triggers[${t}].template.${kind}`, {
    message:
      `trigger "${template.name}" needs ${access.verbs.join(', ')} on ${target}${where}, but ` +
      (roles.length === 0
        ? `no Role${where} in the manifests is bound to ServiceAccount ${account.namespace}/${serviceAccount}`
        : `${roles.join(', ')} bound to ServiceAccount ${account.namespace}/${serviceAccount} lack${roles.length === 1 ? 's' : ''} ${missing.join(', ')}`),
    fix:
      `grant ${missing.join(', ')} on ${target} in a Role${where} bound to ServiceAccount ${serviceAccount}` +
      (unnameable
        ? ` (${unnameable} in a rule without resourceNames: Kubernetes cannot restrict ${unnameable} by name)`
        : ''),
  });
}

function hasServiceAccount(manifests: readonly Manifest[], namespace: string, name: string): boolean {
  return manifests.some(
    (m) =>
      m.object.kind === 'ServiceAccount' && namespaceOf(m.object) === namespace && nameOf(m.object) === name,
  );
}

function problem(
  manifest: Manifest,
  path: string,
  found: Omit<CheckProblem, 'file' | 'object' | 'path'>,
): CheckProblem {
  return { file: manifest.file, object: describeObject(manifest.object), path, ...found };
}

/** The filter type that fits a field; `undefined` for objects and arrays (no type fits). */
function fittingType(result: GjsonResult): string | undefined {
  switch (result.type) {
    case 'String':
      return 'string';
    case 'Number':
      return 'number';
    case 'True':
    case 'False':
      return 'bool';
    default:
      return undefined;
  }
}

function describeType(result: GjsonResult): string {
  return result.type === 'True' || result.type === 'False'
    ? 'bool'
    : result.type === 'JSON'
      ? 'object or array'
      : result.type.toLowerCase();
}

/** Whether a Go regular expression is anchored at both ends (`^…$`, `\A…\z`). */
export function isAnchored(pattern: string): boolean {
  const start = /^(\(\?[a-zA-Z]+\))?(\^|\\A)/.test(pattern);
  const end = /(\$|\\z)\)*$/.test(pattern) && !/(^|[^\\])(\\\\)*\\\$\)*$/.test(pattern);
  return start && end;
}

/** The anchored form of a filter value: its pattern kept where partly anchored, else escaped as a literal. */
export function anchor(pattern: string): string {
  const hadStart = pattern.startsWith('^');
  const hadEnd = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const inner = pattern.slice(hadStart ? 1 : 0, hadEnd ? -1 : undefined);
  return `^${hadStart || hadEnd ? inner : inner.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`;
}

/** One anchored regular expression matching exactly any of `patterns`. */
function anyOf(patterns: readonly string[]): string {
  return `^(${patterns.map((p) => anchor(p).slice(1, -1)).join('|')})$`;
}
