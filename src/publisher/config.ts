import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../contract/duration.js';
import { WIRE_ENCODINGS, type WireEncoding } from '../contract/encoding.js';
import {
  LOG_LEVELS,
  PUBLISHER_DELIVERIES,
  PUBLISHER_ENV,
  type LogLevel,
  type PublisherDelivery,
  type PublisherEnvVar,
} from '../contract/publisher-env.js';

/** How the publisher authenticates to NATS (secrets already read from their files). */
export type NatsAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'user-password'; readonly user: string; readonly password: string }
  | { readonly kind: 'nkey'; readonly seed: Uint8Array }
  | { readonly kind: 'creds'; readonly creds: Uint8Array };

/** TLS towards NATS. */
export interface NatsTlsConfig {
  /** PEM CA bundle that verifies the server; absent means the system roots. */
  readonly ca?: string;
  /** Whether the server certificate is NOT verified (only when explicitly asked for). */
  readonly insecureSkipVerify: boolean;
}

/** Where and how to reach NATS. */
export interface NatsConfig {
  readonly servers: readonly string[];
  readonly auth: NatsAuth;
  /** Absent means plain TCP (unless a `tls://` URL asks for TLS). */
  readonly tls?: NatsTlsConfig;
}

/** Leader election among replicas for the workflow source. */
export interface LeaderElectionConfig {
  readonly leaseName: string;
  readonly leaseNamespace: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
}

/** The workflow source's settings; only present when namespaces are configured. */
export interface WorkflowSourceConfig {
  readonly namespaces: readonly string[];
  readonly leaderElection?: LeaderElectionConfig;
  readonly mlmdAddress?: string;
  readonly artifactComponent: string;
  readonly artifactOutput: string;
}

/** The publisher's configuration, every default applied. */
export interface PublisherRuntimeConfig {
  readonly nats: NatsConfig;
  readonly subject: string;
  readonly delivery: PublisherDelivery;
  /** JetStream mode: the stream holding the subject. */
  readonly stream: string;
  /** JetStream mode: the stream's duplicate window, in millis. */
  readonly duplicateWindowMs: number;
  readonly encoding: WireEncoding;
  /** CloudEvent `source` of events the publisher builds itself. */
  readonly source: string;
  /** The address both servers listen on. */
  readonly listenHost: string;
  readonly httpPort: number;
  readonly healthPort: number;
  /** How long one publish may wait for confirmation, in millis. */
  readonly publishTimeoutMs: number;
  /** How long shutdown may take, in millis. */
  readonly shutdownTimeoutMs: number;
  /** Absent when the workflow source is off. */
  readonly workflows?: WorkflowSourceConfig;
  readonly logLevel: LogLevel;
}

/** One bad environment variable. */
export interface EnvProblem {
  /** The variable's name. */
  readonly variable: string;
  /** The value found (secrets are never echoed), or undefined when unset. */
  readonly value: string | undefined;
  /** What is wrong and what is allowed. */
  readonly message: string;
}

/** Thrown by {@link loadPublisherConfig} with every problem found, one per line. */
export class PublisherConfigError extends Error {
  override readonly name = 'PublisherConfigError';

  public constructor(
    public readonly problems: readonly EnvProblem[],
    options?: ErrorOptions,
  ) {
    super(
      `invalid publisher configuration:\n${problems.map((p) => `  ${p.variable}${shown(p.value)}: ${p.message}`).join('\n')}`,
      options,
    );
  }
}

/** Options of {@link loadPublisherConfig}. */
export interface LoadConfigOptions {
  /**
   * Reads a secret file as UTF-8 text.
   * @default - fs.readFileSync
   */
  readonly readFile?: (path: string) => string;
}

const E = PUBLISHER_ENV;
const SECRET_VARS = new Set<string>([E.NATS_TOKEN.name, E.NATS_PASSWORD.name]);
const NATS_URL_SCHEMES = new Set(['nats:', 'tls:']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads and validates the publisher's configuration from environment variables (see `PUBLISHER_ENV`)
 * and the secret files they name. Throws a {@link PublisherConfigError} naming every bad variable.
 */
export function loadPublisherConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LoadConfigOptions = {},
): PublisherRuntimeConfig {
  const problems: EnvProblem[] = [];
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const reader = new EnvReader(env, problems, readFile);

  const servers = reader.natsUrls(E.NATS_URL);
  const auth = reader.auth();
  const tls = reader.tls();
  const delivery = reader.oneOf(E.DELIVERY, PUBLISHER_DELIVERIES);
  const workflows = reader.workflows();
  const config: PublisherRuntimeConfig = {
    nats: { servers, auth, ...(tls ? { tls } : {}) },
    subject: reader.subject(E.SUBJECT),
    delivery,
    stream: reader.streamName(E.JETSTREAM_STREAM),
    duplicateWindowMs: reader.duration(E.JETSTREAM_DUPLICATE_WINDOW),
    encoding: reader.oneOf(E.ENCODING, WIRE_ENCODINGS),
    source: reader.nonEmpty(E.SOURCE),
    listenHost: reader.nonEmpty(E.LISTEN_HOST),
    httpPort: reader.port(E.HTTP_PORT),
    healthPort: reader.port(E.HEALTH_PORT),
    publishTimeoutMs: reader.duration(E.PUBLISH_TIMEOUT),
    shutdownTimeoutMs: reader.duration(E.SHUTDOWN_TIMEOUT),
    ...(workflows ? { workflows } : {}),
    logLevel: reader.oneOf(E.LOG_LEVEL, LOG_LEVELS),
  };

  if (config.httpPort === config.healthPort && !problems.some((p) => p.variable === E.HEALTH_PORT.name)) {
    reader.problem(E.HEALTH_PORT, `must differ from ${E.HTTP_PORT.name}`);
  }
  if (problems.length > 0) throw new PublisherConfigError(problems);
  return config;
}

/** Reads variables, recording a problem for each bad one and returning a placeholder so reading goes on. */
class EnvReader {
  public constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly problems: EnvProblem[],
    private readonly readFile: (path: string) => string,
  ) {}

  public problem(v: PublisherEnvVar, message: string): void {
    const raw = this.env[v.name];
    this.problems.push({ variable: v.name, value: SECRET_VARS.has(v.name) ? undefined : raw, message });
  }

  /** The value, trimmed; the default when unset or empty; undefined when neither. */
  public raw(v: PublisherEnvVar): string | undefined {
    const value = this.env[v.name]?.trim();
    if (value !== undefined && value !== '') return value;
    return v.default;
  }

  public nonEmpty(v: PublisherEnvVar): string {
    const value = this.raw(v);
    if (value === undefined) {
      this.problem(v, 'is required');
      return '';
    }
    return value;
  }

  public oneOf<T extends string>(v: PublisherEnvVar, allowed: readonly T[]): T {
    const value = this.nonEmpty(v);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    if (value !== '') this.problem(v, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return allowed[0] as T;
  }

  public bool(v: PublisherEnvVar): boolean {
    return this.oneOf(v, ['false', 'true']) === 'true';
  }

  public port(v: PublisherEnvVar): number {
    const value = this.nonEmpty(v);
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65_535) {
      if (value !== '') this.problem(v, 'must be a port number from 1 to 65535');
      return 0;
    }
    return port;
  }

  public duration(v: PublisherEnvVar): number {
    const value = this.nonEmpty(v);
    const ms = parseDuration(value);
    if (ms === undefined || ms === 0) {
      if (value !== '') this.problem(v, 'must be a positive duration such as "500ms", "5s", "2m" or "1h"');
      return 0;
    }
    return ms;
  }

  public subject(v: PublisherEnvVar): string {
    const value = this.nonEmpty(v);
    if (value !== '' && !/^[^\s.*>]+(\.[^\s.*>]+)*$/.test(value)) {
      this.problem(v, 'must be a NATS subject without wildcards or empty tokens, e.g. "events"');
    }
    return value;
  }

  public streamName(v: PublisherEnvVar): string {
    const value = this.nonEmpty(v);
    if (value !== '' && !/^[^\s.*>/\\]+$/.test(value)) {
      this.problem(v, 'must be a JetStream stream name: no spaces, ".", "*", ">", "/" or "\\"');
    }
    return value;
  }

  public list(v: PublisherEnvVar): string[] {
    return (this.raw(v) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  public natsUrls(v: PublisherEnvVar): string[] {
    const urls = this.list(v);
    if (urls.length === 0) {
      this.problem(v, 'is required: comma-separated NATS URLs such as "nats://host:4222"');
      return [];
    }
    for (const url of urls) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !NATS_URL_SCHEMES.has(parsed.protocol) || parsed.hostname === '') {
        this.problem(v, `"${url}" is not a NATS URL; use nats://host:port or tls://host:port`);
      } else if (parsed.username !== '' || parsed.password !== '') {
        this.problem(v, `"${url}" carries credentials; set them through the auth variables instead`);
      }
    }
    return urls;
  }

  public auth(): NatsAuth {
    const chosen: NatsAuth[] = [];
    const token = this.raw(E.NATS_TOKEN);
    const user = this.raw(E.NATS_USER);
    const password = this.raw(E.NATS_PASSWORD);
    if (token !== undefined) chosen.push({ kind: 'token', token });
    if (user !== undefined && password !== undefined) chosen.push({ kind: 'user-password', user, password });
    else if (user !== undefined) this.problem(E.NATS_PASSWORD, `is required when ${E.NATS_USER.name} is set`);
    else if (password !== undefined)
      this.problem(E.NATS_USER, `is required when ${E.NATS_PASSWORD.name} is set`);

    const clientAuth = this.secretFile(E.NATS_CLIENT_AUTH_FILE);
    if (clientAuth !== undefined) {
      const parsed = this.clientAuth(clientAuth);
      if (parsed) chosen.push(parsed);
    }
    const seed = this.secretFile(E.NATS_NKEY_SEED_FILE)?.trim();
    if (seed !== undefined) {
      if (/^SU[A-Z2-7]+$/.test(seed)) chosen.push({ kind: 'nkey', seed: new TextEncoder().encode(seed) });
      else
        this.problem(E.NATS_NKEY_SEED_FILE, 'the file must hold a user NKey seed (one line starting "SU")');
    }
    const creds = this.secretFile(E.NATS_CREDS_FILE);
    if (creds !== undefined) {
      if (creds.includes('BEGIN NATS USER JWT') && creds.includes('BEGIN USER NKEY SEED')) {
        chosen.push({ kind: 'creds', creds: new TextEncoder().encode(creds) });
      } else {
        this.problem(E.NATS_CREDS_FILE, 'the file must be a NATS .creds file (a user JWT and an NKey seed)');
      }
    }

    if (chosen.length > 1) {
      const names = [
        E.NATS_TOKEN,
        E.NATS_USER,
        E.NATS_CLIENT_AUTH_FILE,
        E.NATS_NKEY_SEED_FILE,
        E.NATS_CREDS_FILE,
      ]
        .filter((v) => this.raw(v) !== undefined)
        .map((v) => v.name);
      this.problems.push({
        variable: names.join(', '),
        value: undefined,
        message: 'choose one way to authenticate to NATS; these variables each set one',
      });
    }
    return chosen[0] ?? { kind: 'none' };
  }

  public tls(): NatsTlsConfig | undefined {
    const ca = this.secretFile(E.NATS_TLS_CA_FILE);
    const insecureSkipVerify = this.bool(E.NATS_TLS_INSECURE_SKIP_VERIFY);
    if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
      this.problem(E.NATS_TLS_CA_FILE, 'the file must hold PEM certificates ("-----BEGIN CERTIFICATE-----")');
    }
    if (ca === undefined && !insecureSkipVerify) return undefined;
    return { ...(ca !== undefined ? { ca } : {}), insecureSkipVerify };
  }

  public workflows(): WorkflowSourceConfig | undefined {
    const namespaces = this.list(E.WORKFLOW_NAMESPACES);
    for (const ns of namespaces) {
      if (!DNS_LABEL.test(ns) || ns.length > 63) {
        this.problem(E.WORKFLOW_NAMESPACES, `"${ns}" is not a namespace name (a DNS-1123 label)`);
      }
    }
    const leaderElection = this.bool(E.LEADER_ELECTION);
    const artifactComponent = this.nonEmpty(E.ARTIFACT_COMPONENT);
    const artifactOutput = this.nonEmpty(E.ARTIFACT_OUTPUT);
    const mlmdAddress = this.raw(E.MLMD_ADDRESS);
    if (mlmdAddress !== undefined && !/^[^\s:/]+:\d{1,5}$/.test(mlmdAddress)) {
      this.problem(E.MLMD_ADDRESS, 'must be host:port, e.g. "metadata-grpc-service.kubeflow:8080"');
    }
    if (namespaces.length === 0) return undefined;

    return {
      namespaces,
      ...(leaderElection ? { leaderElection: this.leaderElection() } : {}),
      ...(mlmdAddress !== undefined ? { mlmdAddress } : {}),
      artifactComponent,
      artifactOutput,
    };
  }

  private leaderElection(): LeaderElectionConfig {
    const leaseNamespace = this.raw(E.LEASE_NAMESPACE);
    const identity = this.raw(E.POD_NAME);
    if (leaseNamespace === undefined)
      this.problem(E.LEASE_NAMESPACE, `is required when ${E.LEADER_ELECTION.name} is "true"`);
    if (identity === undefined)
      this.problem(E.POD_NAME, `is required when ${E.LEADER_ELECTION.name} is "true"`);
    return {
      leaseName: this.nonEmpty(E.LEASE_NAME),
      leaseNamespace: leaseNamespace ?? '',
      identity: identity ?? '',
      leaseDurationMs: this.duration(E.LEASE_DURATION),
    };
  }

  private clientAuth(text: string): NatsAuth | undefined {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      this.problem(E.NATS_CLIENT_AUTH_FILE, `the file is not YAML: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
    const fields = (doc ?? {}) as Record<string, unknown>;
    if (typeof fields.token === 'string' && fields.token !== '')
      return { kind: 'token', token: fields.token };
    if (
      typeof fields.username === 'string' &&
      typeof fields.password === 'string' &&
      fields.username !== ''
    ) {
      return { kind: 'user-password', user: fields.username, password: fields.password };
    }
    this.problem(
      E.NATS_CLIENT_AUTH_FILE,
      'the file must hold YAML "token: …", or "username: …" and "password: …"',
    );
    return undefined;
  }

  private secretFile(v: PublisherEnvVar): string | undefined {
    const path = this.raw(v);
    if (path === undefined) return undefined;
    try {
      return this.readFile(path);
    } catch (err) {
      this.problem(
        v,
        `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return undefined;
    }
  }
}

function shown(value: string | undefined): string {
  return value === undefined ? '' : ` = ${JSON.stringify(value)}`;
}
