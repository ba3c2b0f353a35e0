import type { ServingModelArtifact } from '../../contract/index.js';

/** Which run's pushed models to look up. */
export interface ServingModelQuery {
  /** The pipeline's name, used to build artifact names MLMD does not carry. */
  readonly pipelineName: string;
  /** The workflow's name: the `pipeline_run` context of a KFP v1 / TFX run is named after it. */
  readonly workflowName: string;
  /** The run id: the `system.PipelineRun` context of a KFP v2 run is named after it. */
  readonly runId: string;
  /** Whether the run was compiled for KFP v2 (and so recorded under `system.PipelineRun`). */
  readonly kfpV2: boolean;
  /** The component whose output holds the pushed models, for names MLMD does not carry (e.g. `Pusher`). */
  readonly component: string;
  /** That component's output (e.g. `pushed_model`). */
  readonly output: string;
}

/** Resolves the models a run pushed for serving from ML Metadata. */
export interface MlmdClient {
  /**
   * The run's pushed models, in artifact id order; `undefined` when MLMD has no context for the run
   * (yet: a run that just finished may not be recorded completely).
   *
   * @throws MlmdUnavailableError when MLMD cannot be reached or fails; the caller retries
   */
  servingModelArtifacts(query: ServingModelQuery): Promise<ServingModelArtifact[] | undefined>;
  /** Closes the connection. */
  close(): void;
}

/** ML Metadata could not answer; the lookup is retried, the event is never sent without it. */
export class MlmdUnavailableError extends Error {
  public override readonly name = 'MlmdUnavailableError';
}
