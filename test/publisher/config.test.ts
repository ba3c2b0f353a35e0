import { describe, expect, it } from 'vitest';
import { PUBLISHER_ENV, PUBLISHER_ENV_VARS } from 'kfp-events';
import { loadPublisherConfig, PublisherConfigError } from '../../src/publisher/config.js';

const E = PUBLISHER_ENV;
const minimal = { [E.NATS_URL.name]: 'nats://bus:4222' };

/** Loads a config from `env` and secret `files` (path → content); returns the error when it throws. */
function load(env: Record<string, string>, files: Record<string, string> = {}) {
  return loadPublisherConfig(env, {
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return content;
    },
  });
}

function loadError(env: Record<string, string>, files: Record<string, string> = {}): PublisherConfigError {
  try {
    load(env, files);
  } catch (err) {
    expect(err).toBeInstanceOf(PublisherConfigError);
    return err as PublisherConfigError;
  }
  throw new Error('expected loadPublisherConfig to throw');
}

describe('loadPublisherConfig', () => {
  it('applies every documented default when only the NATS URL is set', () => {
    const config = load(minimal);

    expect(config).toEqual({
      nats: { servers: ['nats://bus:4222'], auth: { kind: 'none' } },
      subject: E.SUBJECT.default,
      delivery: 'core',
      stream: E.JETSTREAM_STREAM.default,
      duplicateWindowMs: 120_000,
      encoding: 'structured',
      source: 'kfp',
      listenHost: '0.0.0.0',
      httpPort: 8080,
      healthPort: 8081,
      publishTimeoutMs: 5_000,
      shutdownTimeoutMs: 20_000,
      logLevel: 'info',
    });
  });

  it('gathers every bad variable into one error naming the variable, the value and what is allowed', () => {
    const error = loadError({
      [E.NATS_URL.name]: 'http://bus:4222, nats://ok:4222',
      [E.DELIVERY.name]: 'streaming',
      [E.ENCODING.name]: 'xml',
      [E.HTTP_PORT.name]: '70000',
      [E.JETSTREAM_DUPLICATE_WINDOW.name]: '2 minutes',
      [E.SUBJECT.name]: 'events.>',
    });

    expect(error.name).toBe('PublisherConfigError');
    expect(error.message).toBe(
      [
        'invalid publisher configuration:',
        '  KFP_EVENTS_NATS_URL = "http://bus:4222, nats://ok:4222": "http://bus:4222" is not a NATS URL; use nats://host:port or tls://host:port',
        '  KFP_EVENTS_DELIVERY = "streaming": must be one of "core", "jetstream"',
        '  KFP_EVENTS_SUBJECT = "events.>": must be a NATS subject without wildcards or empty tokens, e.g. "events"',
        '  KFP_EVENTS_JETSTREAM_DUPLICATE_WINDOW = "2 minutes": must be a positive duration such as "500ms", "5s", "2m" or "1h"',
        '  KFP_EVENTS_ENCODING = "xml": must be one of "structured", "binary"',
        '  KFP_EVENTS_HTTP_PORT = "70000": must be a port number from 1 to 65535',
      ].join('\n'),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'KFP_EVENTS_NATS_URL',
      'KFP_EVENTS_DELIVERY',
      'KFP_EVENTS_SUBJECT',
      'KFP_EVENTS_JETSTREAM_DUPLICATE_WINDOW',
      'KFP_EVENTS_ENCODING',
      'KFP_EVENTS_HTTP_PORT',
    ]);
  });

  it('requires the NATS URL', () => {
    expect(loadError({}).message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_NATS_URL: is required: comma-separated NATS URLs such as "nats://host:4222"',
    );
  });

  it('never echoes a token or password, and names a password without a user', () => {
    const error = loadError({ ...minimal, [E.NATS_PASSWORD.name]: 'pw-secret' });

    expect(error.message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_NATS_USER: is required when KFP_EVENTS_NATS_PASSWORD is set',
    );
  });

  it('refuses two ways of authenticating at once, naming both', () => {
    const error = loadError({
      ...minimal,
      [E.NATS_TOKEN.name]: 'tok-secret',
      [E.NATS_USER.name]: 'argo',
      [E.NATS_PASSWORD.name]: 'pw-secret',
    });

    expect(error.message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_NATS_TOKEN, KFP_EVENTS_NATS_USER: choose one way to authenticate to NATS; these variables each set one',
    );
    expect(error.message).not.toMatch(/secret/);
  });

  it('reads token auth from an Argo Events client-auth file', () => {
    const config = load(
      { ...minimal, [E.NATS_CLIENT_AUTH_FILE.name]: '/s/client-auth' },
      { '/s/client-auth': 'token: "abc"\n' },
    );

    expect(config.nats.auth).toEqual({ kind: 'token', token: 'abc' });
  });

  it('reads user/password auth from an Argo Events client-auth file', () => {
    const config = load(
      { ...minimal, [E.NATS_CLIENT_AUTH_FILE.name]: '/s/client-auth' },
      { '/s/client-auth': 'username: argo\npassword: p@ss\n' },
    );

    expect(config.nats.auth).toEqual({ kind: 'user-password', user: 'argo', password: 'p@ss' });
  });

  it('names a client-auth file that holds neither a token nor a username and password', () => {
    const error = loadError({ ...minimal, [E.NATS_CLIENT_AUTH_FILE.name]: '/s/a' }, { '/s/a': 'user: x\n' });

    expect(error.message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_NATS_CLIENT_AUTH_FILE = "/s/a": the file must hold YAML "token: …", or "username: …" and "password: …"',
    );
  });

  it('names a secret file that cannot be read', () => {
    const error = loadError({ ...minimal, [E.NATS_CREDS_FILE.name]: '/missing.creds' });

    expect(error.message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_NATS_CREDS_FILE = "/missing.creds": cannot read the file: ENOENT',
    );
  });

  it('reads an NKey seed and rejects a file that is not one', () => {
    const seed = 'SUAM' + 'A'.repeat(54);
    expect(
      load({ ...minimal, [E.NATS_NKEY_SEED_FILE.name]: '/s/seed' }, { '/s/seed': `${seed}\n` }).nats.auth,
    ).toEqual({
      kind: 'nkey',
      seed: new TextEncoder().encode(seed),
    });

    expect(
      loadError({ ...minimal, [E.NATS_NKEY_SEED_FILE.name]: '/s/seed' }, { '/s/seed': 'hello' }).problems,
    ).toEqual([
      {
        variable: 'KFP_EVENTS_NATS_NKEY_SEED_FILE',
        value: '/s/seed',
        message: 'the file must hold a user NKey seed (one line starting "SU")',
      },
    ]);
  });

  it('turns TLS on with a CA file and skips verification only when explicitly "true"', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

    expect(load({ ...minimal, [E.NATS_TLS_CA_FILE.name]: '/s/ca' }, { '/s/ca': pem }).nats.tls).toEqual({
      ca: pem,
      insecureSkipVerify: false,
    });
    expect(load({ ...minimal, [E.NATS_TLS_INSECURE_SKIP_VERIFY.name]: 'true' }).nats.tls).toEqual({
      insecureSkipVerify: true,
    });
    expect(load(minimal).nats.tls).toBeUndefined();
    expect(loadError({ ...minimal, [E.NATS_TLS_INSECURE_SKIP_VERIFY.name]: 'yes' }).message).toContain(
      'KFP_EVENTS_NATS_TLS_INSECURE_SKIP_VERIFY = "yes": must be one of "false", "true"',
    );
  });

  it('configures the workflow source only when namespaces are listed, and requires lease settings for leader election', () => {
    expect(load({ ...minimal, [E.WORKFLOW_NAMESPACES.name]: ' ' }).workflows).toBeUndefined();

    const config = load({
      ...minimal,
      [E.WORKFLOW_NAMESPACES.name]: 'kubeflow, team-a',
      [E.LEADER_ELECTION.name]: 'true',
      [E.LEASE_NAMESPACE.name]: 'kfp-operator',
      [E.POD_NAME.name]: 'publisher-0',
      [E.MLMD_ADDRESS.name]: 'metadata-grpc-service.kubeflow:8080',
    });
    expect(config.workflows).toEqual({
      namespaces: ['kubeflow', 'team-a'],
      leaderElection: {
        leaseName: 'kfp-events-publisher',
        leaseNamespace: 'kfp-operator',
        identity: 'publisher-0',
        leaseDurationMs: 15_000,
      },
      mlmdAddress: 'metadata-grpc-service.kubeflow:8080',
      artifactComponent: 'Pusher',
      artifactOutput: 'pushed_model',
    });

    const error = loadError({
      ...minimal,
      [E.WORKFLOW_NAMESPACES.name]: 'Kubeflow',
      [E.LEADER_ELECTION.name]: 'true',
    });
    expect(error.problems.map((p) => `${p.variable}: ${p.message}`)).toEqual([
      'KFP_EVENTS_WORKFLOW_NAMESPACES: "Kubeflow" is not a namespace name (a DNS-1123 label)',
      'KFP_EVENTS_LEASE_NAMESPACE: is required when KFP_EVENTS_LEADER_ELECTION is "true"',
      'KFP_EVENTS_POD_NAME: is required when KFP_EVENTS_LEADER_ELECTION is "true"',
    ]);
  });

  it('rejects the same port for HTTP and health', () => {
    expect(loadError({ ...minimal, [E.HEALTH_PORT.name]: '8080' }).message).toBe(
      'invalid publisher configuration:\n  KFP_EVENTS_HEALTH_PORT = "8080": must differ from KFP_EVENTS_HTTP_PORT',
    );
  });
});

describe('the environment contract', () => {
  it('is read in full: every variable the publisher construct may set is one the runtime reads', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      {
        [E.NATS_URL.name]: 'nats://bus:4222',
        [E.DELIVERY.name]: 'jetstream',
        [E.WORKFLOW_NAMESPACES.name]: 'kubeflow',
        [E.LEADER_ELECTION.name]: 'true',
        [E.LEASE_NAMESPACE.name]: 'kfp-operator',
        [E.POD_NAME.name]: 'publisher-0',
      },
      {
        get(target, name: string) {
          read.add(name);
          return target[name];
        },
      },
    );

    loadPublisherConfig(env);

    expect(PUBLISHER_ENV_VARS.map((v) => v.name).filter((name) => !read.has(name))).toEqual([]);
  });
});
