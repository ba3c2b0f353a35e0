import {
  createRunCompletionEvent,
  runCompletionEventId,
  type RunCompletionData,
  type RunCompletionEvent,
  type RunCompletionStatus,
  type ServingModelArtifact,
} from '../../contract/index.js';
import { MalformedWorkflowError, type WorkflowProblem } from './errors.js';
import { WORKFLOW_KEYS, workflowKey, type Workflow } from './workflow.js';

/** Argo's phases of a workflow that has not finished yet. */
const RUNNING_PHASES: ReadonlySet<string> = new Set(['', 'Pending', 'Running']);

/** Argo's phases of a finished workflow, and the run status each one reports. */
const FINISHED_PHASES: Readonly<Record<string, RunCompletionStatus>> = {
  Succeeded: 'succeeded',
  Failed: 'failed',
  Error: 'failed',
};

/**
 * The entrypoint every workflow compiled by the KFP v2 backend has; it names no pipeline, so the
 * `generateName` stem (which the v2 backend derives from the pipeline name) is used instead.
 */
const KFP_V2_ENTRYPOINT = 'entrypoint';

/** Input of {@link workflowToEvent}. */
export interface WorkflowEventOptions {
  /** The CloudEvent `source` (the provider's name, e.g. `kfp`); also reported as `data.provider`. */
  readonly source: string;
  /**
   * The models the run pushed for serving, as resolved from ML Metadata.
   * @default - none
   */
  readonly servingModelArtifacts?: readonly ServingModelArtifact[];
}

/**
 * The run status a workflow reports: `succeeded` or `failed` once finished, `undefined` while it is
 * still pending or running. The phase is read from `status.phase`, else the label Argo mirrors it to.
 *
 * @throws MalformedWorkflowError when the phase is none Argo defines
 */
export function workflowStatus(workflow: Workflow): RunCompletionStatus | undefined {
  const fromStatus = workflow.status?.phase;
  const phase = fromStatus ?? workflow.metadata?.labels?.[WORKFLOW_KEYS.phase] ?? '';
  if (RUNNING_PHASES.has(phase)) return undefined;

  const status = FINISHED_PHASES[phase];
  if (status !== undefined) return status;

  const field = fromStatus === undefined ? `metadata.labels["${WORKFLOW_KEYS.phase}"]` : 'status.phase';
  throw new MalformedWorkflowError(workflowKey(workflow), [
    {
      field,
      message: `unknown phase ${JSON.stringify(phase)}; expected one of Pending, Running, Succeeded, Failed, Error`,
    },
  ]);
}

/**
 * The pipeline's name: `name` in the JSON of the `pipelines.kubeflow.org/pipeline_spec` annotation
 * (KFP v1), else `spec.entrypoint` (unless it is the KFP v2 compiler's generic `entrypoint`), else
 * the stem of `metadata.generateName` (KFP v2 derives it from the pipeline name).
 */
export function workflowPipelineName(workflow: Workflow): string {
  const problems: WorkflowProblem[] = [];
  const name = pipelineName(workflow, problems);
  if (name === undefined || problems.length > 0) {
    throw new MalformedWorkflowError(workflowKey(workflow), problems);
  }
  return name;
}

/**
 * Turns a finished workflow into its run-completion event. The event id is derived from the source
 * and the workflow's uid, so every attempt for one workflow carries the same id.
 *
 * @throws MalformedWorkflowError naming every field that is missing or unreadable, or when the
 *   workflow has not finished
 */
export function workflowToEvent(workflow: Workflow, options: WorkflowEventOptions): RunCompletionEvent {
  const key = workflowKey(workflow);
  const metadata = workflow.metadata ?? {};
  const problems: WorkflowProblem[] = [];

  if (!nonEmpty(metadata.name)) problems.push({ field: 'metadata.name', message: 'missing' });
  if (!nonEmpty(metadata.uid)) problems.push({ field: 'metadata.uid', message: 'missing' });
  const status = workflowStatus(workflow);
  if (status === undefined) {
    problems.push({ field: 'status.phase', message: 'the workflow has not finished' });
  }
  const pipeline = pipelineName(workflow, problems);
  if (problems.length > 0 || status === undefined || pipeline === undefined) {
    throw new MalformedWorkflowError(key, problems);
  }

  const labels = metadata.labels ?? {};
  const annotations = metadata.annotations ?? {};
  const data: RunCompletionData = {
    status,
    pipelineName: pipeline,
    servingModelArtifacts: options.servingModelArtifacts ?? [],
    ...optional('runId', labels[WORKFLOW_KEYS.runId]),
    runName: metadata.name,
    ...optional(
      'runConfigurationName',
      labels[WORKFLOW_KEYS.runConfiguration] ??
        annotations[WORKFLOW_KEYS.runConfiguration] ??
        labels[WORKFLOW_KEYS.scheduledWorkflow],
    ),
    ...optional('namespace', metadata.namespace),
    ...optional('runStartTime', workflow.status?.startedAt ?? undefined),
    ...optional('runEndTime', workflow.status?.finishedAt ?? undefined),
    provider: options.source,
  };

  return createRunCompletionEvent({
    source: options.source,
    id: runCompletionEventId(options.source, metadata.uid as string),
    data,
  });
}

function pipelineName(workflow: Workflow, problems: WorkflowProblem[]): string | undefined {
  const spec = workflow.metadata?.annotations?.[WORKFLOW_KEYS.pipelineSpec];
  if (spec !== undefined) {
    const field = `metadata.annotations["${WORKFLOW_KEYS.pipelineSpec}"]`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(spec);
    } catch (error) {
      problems.push({ field, message: `not JSON (${(error as Error).message})` });
      return undefined;
    }
    const name = (parsed as { name?: unknown } | null)?.name;
    if (nonEmpty(name)) return name;
    if (name !== undefined) {
      problems.push({
        field: `${field}.name`,
        message: `expected a non-empty string, got ${JSON.stringify(name)}`,
      });
      return undefined;
    }
  }

  const entrypoint = workflow.spec?.entrypoint;
  if (nonEmpty(entrypoint) && entrypoint !== KFP_V2_ENTRYPOINT) return entrypoint;

  const stem = workflow.metadata?.generateName?.replace(/-+$/, '');
  if (nonEmpty(stem)) return stem;
  if (nonEmpty(entrypoint)) return entrypoint;

  problems.push({
    field: `metadata.annotations["${WORKFLOW_KEYS.pipelineSpec}"]`,
    message: 'missing, and neither spec.entrypoint nor metadata.generateName names the pipeline',
  });
  return undefined;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (nonEmpty(value) ? { [key]: value } : {}) as { [P in K]?: string };
}
