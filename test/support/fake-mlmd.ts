import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadMlmdService, type MlmdArtifact, type MlmdValue } from '../../src/publisher/mlmd/proto.js';

/** An artifact to store in the fake. */
export interface FakeArtifact {
  /** The artifact type's name; its id is assigned by the fake. */
  readonly type: string;
  readonly uri?: string;
  readonly customProperties?: Readonly<Record<string, MlmdValue>>;
  /** Leave the type name off the wire, as MLMD servers before `Artifact.type` existed do. */
  readonly omitTypeName?: boolean;
}

/**
 * An in-process ML Metadata gRPC server on 127.0.0.1 speaking the same messages as MLMD's
 * `MetadataStoreService` for the calls the publisher makes. Contexts and artifacts are added by the
 * test; `unavailable` makes every call fail with UNAVAILABLE.
 */
export class FakeMlmdServer {
  /** When set, every call fails with `UNAVAILABLE`. */
  public unavailable = false;
  /** Method names called, in order. */
  public readonly calls: string[] = [];
  /** `GetArtifactsByContext` page size cap, to exercise paging. */
  public maxPageSize = 2;

  private readonly server = new Server();
  private readonly types = new Map<string, string>();
  private readonly contexts = new Map<string, { id: string; type: string; name: string }>();
  private readonly artifacts = new Map<string, MlmdArtifact[]>();
  private nextId = 1;
  private port = 0;

  private constructor() {}

  /** Starts a fake MLMD on a free loopback port. */
  public static async start(): Promise<FakeMlmdServer> {
    const fake = new FakeMlmdServer();
    fake.server.addService(loadMlmdService().service, fake.implementation());
    fake.port = await new Promise<number>((resolve, reject) =>
      fake.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return fake;
  }

  /** `127.0.0.1:<port>`. */
  public get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Adds a context of `type` named `name`, with `artifacts` attributed to it; returns its id. */
  public addContext(type: string, name: string, artifacts: readonly FakeArtifact[] = []): string {
    const id = String(this.nextId++);
    this.contexts.set(`${type}\u0000${name}`, { id, type, name });
    this.artifacts.set(
      id,
      artifacts.map((a) => ({
        id: String(this.nextId++),
        type_id: this.typeId(a.type),
        ...(a.omitTypeName ? {} : { type: a.type }),
        ...(a.uri === undefined ? {} : { uri: a.uri }),
        custom_properties: { ...a.customProperties },
      })),
    );
    return id;
  }

  /** Stops the server at once. */
  public stop(): Promise<void> {
    this.server.forceShutdown();
    return Promise.resolve();
  }

  private typeId(name: string): string {
    let id = this.types.get(name);
    if (id === undefined) {
      id = String(100 + this.types.size);
      this.types.set(name, id);
    }
    return id;
  }

  private implementation(): UntypedServiceImplementation {
    const unary =
      <Req, Res>(name: string, handle: (request: Req) => Res | { code: number; details: string }) =>
      (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
        this.calls.push(name);
        if (this.unavailable) {
          callback({ code: status.UNAVAILABLE, details: 'fake MLMD is unavailable' });
          return;
        }
        const result = handle(call.request);
        if (typeof (result as { code?: unknown }).code === 'number')
          callback(result as { code: number; details: string });
        else callback(null, result as Res);
      };

    return {
      GetArtifactType: unary('GetArtifactType', (request: { type_name?: string }) => {
        const id = this.types.get(request.type_name ?? '');
        if (id === undefined)
          return { code: status.NOT_FOUND, details: `No type found for query: ${request.type_name}` };
        return { artifact_type: { id, name: request.type_name } };
      }),
      GetContextByTypeAndName: unary(
        'GetContextByTypeAndName',
        (request: { type_name?: string; context_name?: string }) => {
          const context = this.contexts.get(`${request.type_name}\u0000${request.context_name}`);
          return context === undefined ? {} : { context };
        },
      ),
      GetArtifactsByContext: unary(
        'GetArtifactsByContext',
        (request: {
          context_id?: string;
          options?: { max_result_size?: number; next_page_token?: string };
        }) => {
          const all = this.artifacts.get(request.context_id ?? '') ?? [];
          const size = Math.min(request.options?.max_result_size ?? 20, this.maxPageSize);
          const start = Number(request.options?.next_page_token || '0');
          const end = start + size;
          return {
            artifacts: all.slice(start, end),
            ...(end < all.length ? { next_page_token: String(end) } : {}),
          };
        },
      ),
    };
  }
}
