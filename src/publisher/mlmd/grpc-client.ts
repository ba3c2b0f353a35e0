import { credentials, status as GrpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import type { ServingModelArtifact } from '../../contract/index.js';
import { MlmdUnavailableError, type MlmdClient, type ServingModelQuery } from './client.js';
import { loadMlmdService, type MlmdArtifact, type MlmdContext } from './proto.js';

/** The context type of a KFP v1 / TFX run, named after its workflow. */
export const KFP_V1_RUN_CONTEXT_TYPE = 'pipeline_run';

/** The context type of a KFP v2 run, named after its run id. */
export const KFP_V2_RUN_CONTEXT_TYPE = 'system.PipelineRun';

/** The artifact type of a model a TFX Pusher pushed. */
export const PUSHED_MODEL_TYPE = 'PushedModel';

/** Millis one MLMD call may take, unless configured. */
export const DEFAULT_MLMD_DEADLINE_MS = 10_000;

/** Artifacts per `GetArtifactsByContext` page. */
const PAGE_SIZE = 100;

/** Options of {@link createMlmdClient}. */
export interface MlmdClientOptions {
  /** `host:port` of MLMD's gRPC service, e.g. `metadata-grpc-service.kubeflow:8080`. */
  readonly address: string;
  /**
   * Millis one call may take before it counts as MLMD being unavailable.
   * @default 10000
   */
  readonly deadlineMs?: number;
}

type Unary<Req, Res> = (
  request: Req,
  options: { deadline: Date },
  callback: (error: ServiceError | null, response?: Res) => void,
) => void;

interface MlmdStub extends Client {
  GetArtifactType: Unary<{ type_name: string }, { artifact_type?: { id?: string } }>;
  GetContextByTypeAndName: Unary<{ type_name: string; context_name: string }, { context?: MlmdContext }>;
  GetArtifactsByContext: Unary<
    { context_id: string; options: { max_result_size: number; next_page_token?: string } },
    { artifacts?: MlmdArtifact[]; next_page_token?: string }
  >;
}

/**
 * An {@link MlmdClient} over gRPC (plaintext, as MLMD serves inside the cluster). A run's pushed
 * models are the artifacts of its run context whose type is `PushedModel`, whose `uri` is set and
 * whose custom property `pushed` is 1, in id order. Their name is the custom property `name`, else
 * `<pipeline>:<workflow>:<component>:<output>:<index>`.
 */
export function createMlmdClient(options: MlmdClientOptions): MlmdClient {
  const Service = loadMlmdService();
  const stub = new Service(options.address, credentials.createInsecure()) as unknown as MlmdStub;
  const deadlineMs = options.deadlineMs ?? DEFAULT_MLMD_DEADLINE_MS;

  const call = <Req, Res>(method: keyof Omit<MlmdStub, keyof Client>, request: Req): Promise<Res> =>
    new Promise((resolve, reject) => {
      const rpc = stub[method] as unknown as Unary<Req, Res>;
      rpc.call(stub, request, { deadline: new Date(Date.now() + deadlineMs) }, (error, response) => {
        if (error) reject(error);
        else resolve(response as Res);
      });
    });

  const unavailable = (method: string, error: unknown): MlmdUnavailableError =>
    new MlmdUnavailableError(
      `ML Metadata at ${options.address} failed ${method}: ${(error as ServiceError).details ?? String(error)}`,
      { cause: error },
    );

  return {
    async servingModelArtifacts(query: ServingModelQuery): Promise<ServingModelArtifact[] | undefined> {
      const type_name = query.kfpV2 ? KFP_V2_RUN_CONTEXT_TYPE : KFP_V1_RUN_CONTEXT_TYPE;
      const context_name = query.kfpV2 ? query.runId : query.workflowName;

      let context: MlmdContext | undefined;
      try {
        ({ context } = await call<object, { context?: MlmdContext }>('GetContextByTypeAndName', {
          type_name,
          context_name,
        }));
      } catch (error) {
        if ((error as ServiceError).code === GrpcStatus.NOT_FOUND) return undefined;
        throw unavailable('GetContextByTypeAndName', error);
      }
      if (context?.id === undefined) return undefined;

      const pushedModelTypeId = await pushedModelType();
      const artifacts: MlmdArtifact[] = [];
      let next_page_token: string | undefined;
      do {
        let page: { artifacts?: MlmdArtifact[]; next_page_token?: string };
        try {
          page = await call('GetArtifactsByContext', {
            context_id: context.id,
            options: { max_result_size: PAGE_SIZE, ...(next_page_token ? { next_page_token } : {}) },
          });
        } catch (error) {
          throw unavailable('GetArtifactsByContext', error);
        }
        artifacts.push(...(page.artifacts ?? []));
        next_page_token = page.next_page_token || undefined;
      } while (next_page_token !== undefined);

      return artifacts
        .filter((a) => isPushedModel(a, pushedModelTypeId))
        .sort((a, b) => compareIds(a.id, b.id))
        .map((artifact, index) => ({
          name:
            artifact.custom_properties?.name?.string_value ||
            [query.pipelineName, query.workflowName, query.component, query.output, index].join(':'),
          location: artifact.uri as string,
        }));
    },

    close() {
      stub.close();
    },
  };

  async function pushedModelType(): Promise<string | undefined> {
    try {
      const { artifact_type } = await call<object, { artifact_type?: { id?: string } }>('GetArtifactType', {
        type_name: PUSHED_MODEL_TYPE,
      });
      return artifact_type?.id;
    } catch (error) {
      if ((error as ServiceError).code === GrpcStatus.NOT_FOUND) return undefined;
      throw unavailable('GetArtifactType', error);
    }
  }
}

function isPushedModel(artifact: MlmdArtifact, pushedModelTypeId: string | undefined): boolean {
  const typed =
    artifact.type === PUSHED_MODEL_TYPE ||
    (pushedModelTypeId !== undefined && artifact.type_id === pushedModelTypeId);
  return typed && (artifact.uri ?? '') !== '' && artifact.custom_properties?.pushed?.int_value === '1';
}

function compareIds(a: string | undefined, b: string | undefined): number {
  const x = BigInt(a ?? '0');
  const y = BigInt(b ?? '0');
  return x < y ? -1 : x > y ? 1 : 0;
}
