import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The `.proto` file of the minimal MLMD API (next to this module in `src/` and in `lib/`). */
export const MLMD_PROTO_PATH = fileURLToPath(new URL('./metadata_store.proto', import.meta.url));

/** The fully qualified gRPC service name. */
export const MLMD_SERVICE = 'ml_metadata.MetadataStoreService';

/** The MLMD `Value` as decoded (int64 as decimal strings). */
export interface MlmdValue {
  readonly int_value?: string;
  readonly double_value?: number;
  readonly string_value?: string;
  readonly bool_value?: boolean;
}

/** The MLMD `Artifact` fields the client reads, as decoded. */
export interface MlmdArtifact {
  readonly id?: string;
  readonly type_id?: string;
  readonly type?: string;
  readonly uri?: string;
  readonly name?: string;
  readonly custom_properties?: Readonly<Record<string, MlmdValue>>;
}

/** The MLMD `Context` fields the client reads, as decoded. */
export interface MlmdContext {
  readonly id?: string;
  readonly name?: string;
  readonly type?: string;
}

/** Loads the service definition (int64 as strings, so ids keep every digit). */
export function loadMlmdService(): ServiceClientConstructor {
  const definition = loadSync(MLMD_PROTO_PATH, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const ml = loadPackageDefinition(definition).ml_metadata as GrpcObject;
  return ml.MetadataStoreService as ServiceClientConstructor;
}
