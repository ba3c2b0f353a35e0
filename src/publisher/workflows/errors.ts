/** One thing wrong with a workflow object: the field path and what is wrong with its value. */
export interface WorkflowProblem {
  /** The field path, e.g. `metadata.uid` or `metadata.annotations["pipelines.kubeflow.org/pipeline_spec"]`. */
  readonly field: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/**
 * A finished workflow that cannot be turned into a run-completion event. It is skipped (and counted),
 * never retried: the object itself is at fault.
 */
export class MalformedWorkflowError extends Error {
  public override readonly name = 'MalformedWorkflowError';

  /**
   * @param workflow `namespace/name` of the workflow (or `<unnamed>`)
   * @param problems every problem found, one per field
   */
  public constructor(
    public readonly workflow: string,
    public readonly problems: readonly WorkflowProblem[],
    options?: ErrorOptions,
  ) {
    super(
      `workflow ${workflow} cannot be turned into a run-completion event:\n` +
        problems.map((p) => `  ${p.field}: ${p.message}`).join('\n'),
      options,
    );
  }
}

/** A Kubernetes API call of the workflow source failed; it is retried with backoff. */
export class WorkflowApiError extends Error {
  public override readonly name = 'WorkflowApiError';

  /**
   * @param operation what was attempted, e.g. `list workflows in kubeflow`
   * @param status the HTTP status, when the server answered
   * @param detail the server's or the transport's message
   */
  public constructor(
    public readonly operation: string,
    public readonly status: number | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`cannot ${operation}${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`, options);
  }

  /** Whether the server said the resourceVersion or continue token is too old (410 Gone). */
  public get gone(): boolean {
    return this.status === 410;
  }
}
