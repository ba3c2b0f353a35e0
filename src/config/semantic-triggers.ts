import { asArray, asRecord, checkDuration } from './check-helpers.js';
import { CONFIG_DEFAULTS } from './defaults.js';
import { formatValue, type FieldPath, type FieldProblem } from './problems.js';

/** The parameter sources that take an `index`. */
const INDEXED_FIELDS = new Set(['servingModelLocation', 'servingModelName']);

/** The semantic checks of one pipeline entry's triggers (see `checkSemantics`). */
export function checkTriggers(triggers: unknown[], path: FieldPath, problems: FieldProblem[]): void {
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
