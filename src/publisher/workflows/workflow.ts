/** The group/version of Argo Workflows objects. */
export const WORKFLOW_GROUP = 'argoproj.io';

/** The API version of Argo Workflows objects. */
export const WORKFLOW_VERSION = 'v1alpha1';

/** The plural resource name of Argo Workflows objects. */
export const WORKFLOW_PLURAL = 'workflows';

/** The label the publisher sets once a workflow's completion is on the bus. */
export const PUBLISHED_LABEL = 'pipelines.kubeflow.org/events-published';

/** Where Kubeflow Pipelines and Argo keep what the publisher reads from a workflow. */
export const WORKFLOW_KEYS = {
  /** Label: the KFP run id. */
  runId: 'pipeline/runid',
  /** Label: the phase, as Argo mirrors it from `status.phase`. */
  phase: 'workflows.argoproj.io/phase',
  /** Annotation: the pipeline spec (JSON) of a KFP v1 (or v2-compatible) run. */
  pipelineSpec: 'pipelines.kubeflow.org/pipeline_spec',
  /** Label or annotation: the kfp-operator run configuration that started the run. */
  runConfiguration: 'pipelines.kubeflow.org/runconfiguration.name',
  /** Label: the KFP recurring run (ScheduledWorkflow) that started the run. */
  scheduledWorkflow: 'scheduledworkflows.kubeflow.org/scheduledWorkflowName',
} as const;

/** The parts of an Argo `Workflow` object the publisher reads; everything else is carried along. */
export interface Workflow {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: WorkflowMetadata;
  readonly spec?: { readonly entrypoint?: string; readonly [key: string]: unknown };
  readonly status?: {
    readonly phase?: string;
    readonly startedAt?: string | null;
    readonly finishedAt?: string | null;
    readonly [key: string]: unknown;
  };
}

/** The object metadata of a workflow. */
export interface WorkflowMetadata {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `namespace/name` of a workflow, for logs and errors. */
export function workflowKey(workflow: Workflow): string {
  const name = workflow.metadata?.name ?? '<unnamed>';
  return workflow.metadata?.namespace === undefined ? name : `${workflow.metadata.namespace}/${name}`;
}

/** Whether the workflow already carries the published label. */
export function isPublished(workflow: Workflow): boolean {
  return workflow.metadata?.labels?.[PUBLISHED_LABEL] === 'true';
}
