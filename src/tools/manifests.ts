/**
 * Reading synthesized manifests: every YAML document of every `.yaml`/`.yml` file in a directory,
 * each kept with the file it came from, plus the few look-ups the tools share.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_WIRE_ENCODING,
  PUBLISHER_ENV,
  WIRE_ENCODINGS,
  type WireEncoding,
} from '../contract/index.js';

/** A Kubernetes object and where it was read from. */
export interface Manifest {
  /** The file, relative to the directory read (or as given). */
  readonly file: string;
  /** The parsed object. */
  readonly object: KubeObject;
}

/** The fields every Kubernetes object has. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly spec?: unknown;
  readonly [field: string]: unknown;
}

/** Thrown when manifests cannot be read or contradict each other. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** The Argo Events API group. */
export const ARGO_EVENTS_API_GROUP = 'argoproj.io';

/** The EventBus a Sensor or EventSource uses when it names none. */
export const DEFAULT_EVENT_BUS_NAME = 'default';

/** The namespace an object without one is shown in. */
const NO_NAMESPACE = '';

/** Reads every YAML document of every `.yaml`/`.yml` file under `dir`, in file-name order. */
export async function loadManifests(dir: string): Promise<Manifest[]> {
  let files: string[];
  try {
    files = await listYamlFiles(dir);
  } catch (err) {
    throw new ManifestError(`cannot read manifests directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (files.length === 0) throw new ManifestError(`no .yaml or .yml files in ${dir}`);

  const manifests: Manifest[] = [];
  for (const file of files) {
    manifests.push(...parseManifests(await readFile(file, 'utf8'), relative(dir, file) || file));
  }
  return manifests;
}

/** Parses the YAML documents of one file; empty documents are skipped. */
export function parseManifests(text: string, file: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    if (document.errors.length > 0) {
      throw new ManifestError(
        `${file}: document ${index + 1} is not valid YAML: ${document.errors[0]?.message ?? ''}`,
      );
    }
    const object: unknown = document.toJS();
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || Array.isArray(object)) {
      throw new ManifestError(`${file}: document ${index + 1} is not a Kubernetes object`);
    }
    manifests.push({ file, object: object as KubeObject });
  }
  return manifests;
}

/** The manifests of one Argo Events kind (`EventBus`, `EventSource`, `Sensor`). */
export function argoObjects(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter(
    (m) => m.object.kind === kind && (m.object.apiVersion ?? '').startsWith(`${ARGO_EVENTS_API_GROUP}/`),
  );
}

/** `Kind namespace/name`, for messages. */
export function describeObject(object: KubeObject): string {
  return `${object.kind ?? '?'} ${namespaceOf(object) ? `${namespaceOf(object)}/` : ''}${object.metadata?.name ?? '?'}`;
}

/** The object's namespace (`''` when unset). */
export function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? NO_NAMESPACE;
}

/** The object's name (`''` when unset). */
export function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

/** A publisher Deployment's setting, read from its container env. */
export interface PublisherSetting {
  readonly value: string;
  readonly manifest: Manifest;
}

/**
 * The value of one publisher env var across the Deployments that set it; `undefined` when none does.
 * Throws when two Deployments disagree.
 */
export function publisherSetting(
  manifests: readonly Manifest[],
  envName: string,
): PublisherSetting | undefined {
  const found: PublisherSetting[] = [];
  for (const manifest of manifests) {
    if (manifest.object.kind !== 'Deployment') continue;
    const value = containerEnvValue(manifest.object, envName);
    if (value !== undefined) found.push({ value, manifest });
  }
  const distinct = new Set(found.map((setting) => setting.value));
  if (distinct.size > 1) {
    throw new ManifestError(
      `publisher Deployments disagree on ${envName}: ${found.map((s) => `${s.manifest.file} ${describeObject(s.manifest.object)} sets ${JSON.stringify(s.value)}`).join('; ')}`,
    );
  }
  return found[0];
}

/**
 * The wire encoding in use: the override when given, else the publisher Deployment's
 * `KFP_EVENTS_ENCODING`, else the contract default (`structured`).
 */
export function encodingInUse(manifests: readonly Manifest[], override?: WireEncoding): WireEncoding {
  if (override !== undefined) return override;
  const setting = publisherSetting(manifests, PUBLISHER_ENV.ENCODING.name);
  if (setting === undefined) return DEFAULT_WIRE_ENCODING;
  if (!(WIRE_ENCODINGS as readonly string[]).includes(setting.value)) {
    throw new ManifestError(
      `${setting.manifest.file}: ${describeObject(setting.manifest.object)} sets ${PUBLISHER_ENV.ENCODING.name}=${JSON.stringify(setting.value)}; allowed: ${WIRE_ENCODINGS.join(', ')}`,
    );
  }
  return setting.value as WireEncoding;
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The literal value of an env var in the first container of a workload that sets it. */
export function containerEnvValue(object: KubeObject, name: string): string | undefined {
  const spec = object.spec as {
    template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } };
  };
  for (const container of spec?.template?.spec?.containers ?? []) {
    const value = container.env?.find((env) => env.name === name)?.value;
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Identifies one NATS event of one EventSource on one namespace's EventBus. */
export function eventSourceKey(
  namespace: string,
  eventBusName: string | undefined,
  eventSource: string,
  eventName: string,
): string {
  return JSON.stringify([namespace, eventBusName || DEFAULT_EVENT_BUS_NAME, eventSource, eventName]);
}
