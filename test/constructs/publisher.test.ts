import { readdirSync, readFileSync } from 'node:fs';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  DeliveryMode,
  EventBusAuth,
  EventBusKind,
  OperatorEventBus,
  PUBLISHER_ENV,
  PUBLISHER_ENV_VARS,
  Publisher,
  type PublisherProps,
} from 'kfp-events';
import { restrictedViolations, type PodSpecLike } from '../support/pod-security.js';
import { all, at, envOf, only, synth, type Manifest } from '../support/synth.js';

const IMAGE = 'ghcr.io/example/kfp-events:0.1.0';
const TMP_VOLUME = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

function build(
  props: Partial<PublisherProps> = {},
  bus: { kind?: EventBusKind; auth?: EventBusAuth; namespace?: string } = {},
) {
  const chart = new Chart(Testing.app(), 'platform', { namespace: 'kfp-operator' });
  const operatorBus = OperatorEventBus.fromBusAttributes(chart, 'Bus', {
    name: 'kfp-operator-events',
    namespace: bus.namespace ?? 'kfp-operator',
    kind: bus.kind,
    auth: bus.auth,
  });
  const publisher = new Publisher(chart, 'Publisher', { image: IMAGE, bus: operatorBus, ...props });
  return { chart, publisher, manifests: synth(chart) };
}

function pod(manifests: Manifest[]): Manifest {
  return at(only(manifests, 'Deployment'), 'spec.template.spec') as Manifest;
}

function container(manifests: Manifest[]): Manifest {
  return at(pod(manifests), 'containers.0') as Manifest;
}

describe('Publisher', () => {
  it('synthesizes a restricted, small Deployment configured through the contract env vars', () => {
    const { manifests, publisher } = build({ workflowNamespaces: ['kubeflow'] });

    const deployment = only(manifests, 'Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'kfp-events-publisher', namespace: 'kfp-operator' });
    expect(at(deployment, 'spec.replicas')).toBe(2);
    expect(envOf(container(manifests))).toEqual({
      [PUBLISHER_ENV.NATS_URL.name]: 'nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222',
      [PUBLISHER_ENV.SUBJECT.name]: 'events',
      [PUBLISHER_ENV.DELIVERY.name]: 'core',
      [PUBLISHER_ENV.ENCODING.name]: 'structured',
      [PUBLISHER_ENV.SOURCE.name]: 'kfp',
      [PUBLISHER_ENV.HTTP_PORT.name]: '8080',
      [PUBLISHER_ENV.HEALTH_PORT.name]: '8081',
      [PUBLISHER_ENV.LOG_LEVEL.name]: 'info',
      [PUBLISHER_ENV.POD_NAME.name]: { fieldRef: { fieldPath: 'metadata.name' } },
      [PUBLISHER_ENV.WORKFLOW_NAMESPACES.name]: 'kubeflow',
      [PUBLISHER_ENV.LEADER_ELECTION.name]: 'true',
      [PUBLISHER_ENV.LEASE_NAME.name]: 'kfp-events-publisher',
      [PUBLISHER_ENV.LEASE_NAMESPACE.name]: 'kfp-operator',
    });
    expect(container(manifests)).toMatchObject({
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'health', containerPort: 8081 },
      ],
      resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8081 } },
      readinessProbe: { httpGet: { path: '/readyz', port: 8081 } },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      },
    });
    expect(at(pod(manifests), 'securityContext.seccompProfile')).toEqual({ type: 'RuntimeDefault' });
    expect(at(pod(manifests), 'automountServiceAccountToken')).toBe(true);
    expect(at(pod(manifests), 'serviceAccountName')).toBe('kfp-events-publisher');
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8081',
      'prometheus.io/path': '/metrics',
    });
    expect(publisher.leaderElection).toBe(true);
    expect(manifests).toMatchSnapshot();
  });

  it('sets every required env var and only env vars of the contract', () => {
    const { manifests } = build();

    const names = Object.keys(envOf(container(manifests)));
    const known = PUBLISHER_ENV_VARS.map((v) => v.name);
    expect(names.filter((name) => !known.includes(name))).toEqual([]);
    const required = PUBLISHER_ENV_VARS.filter((v) => v.required).map((v) => v.name);
    expect(required.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('never names a publisher env var by a string literal in the construct sources', () => {
    const dir = new URL('../../src/constructs/', import.meta.url);
    const offenders = readdirSync(dir).filter((file) =>
      readFileSync(new URL(file, dir), 'utf8').includes('KFP_EVENTS_'),
    );

    expect(offenders).toEqual([]);
  });

  it('mounts a small in-memory emptyDir at /tmp, the only writable path of its read-only root', () => {
    const { manifests } = build();

    expect(at(pod(manifests), 'volumes')).toEqual([TMP_VOLUME]);
    expect(at(container(manifests), 'volumeMounts')).toEqual([TMP_MOUNT]);
    expect(at(container(manifests), 'securityContext.readOnlyRootFilesystem')).toBe(true);
  });

  it('passes the restricted Pod Security Standard', () => {
    const { manifests } = build({ workflowNamespaces: ['kubeflow'] }, { kind: EventBusKind.JETSTREAM });

    expect(restrictedViolations(pod(manifests) as unknown as PodSpecLike)).toEqual([]);
  });

  it('exposes HTTP ingest on a ClusterIP Service port 80 and keeps a PodDisruptionBudget', () => {
    const { manifests, publisher } = build();

    const service = only(manifests, 'Service');
    expect(service.metadata).toEqual({ name: 'kfp-events-publisher', namespace: 'kfp-operator' });
    expect(at(service, 'spec.type')).toBe('ClusterIP');
    expect(at(service, 'spec.ports')).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    const podLabels = at(only(manifests, 'Deployment'), 'spec.template.metadata.labels') as Record<
      string,
      string
    >;
    for (const [key, value] of Object.entries(at(service, 'spec.selector') as Record<string, string>)) {
      expect(podLabels[key]).toBe(value);
    }
    expect(at(only(manifests, 'PodDisruptionBudget'), 'spec')).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: publisher.podLabels },
    });
    expect(podLabels).toMatchObject(publisher.podLabels);
  });

  it('grants workflow access per watched namespace and lease access in its own namespace', () => {
    const { manifests } = build({ workflowNamespaces: ['kubeflow', 'team-a'] });

    expect(all(manifests, 'Role').map((r) => [r.metadata, r.rules])).toEqual([
      [
        { name: 'kfp-events-publisher-workflows', namespace: 'kubeflow' },
        [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch', 'patch'] }],
      ],
      [
        { name: 'kfp-events-publisher-workflows', namespace: 'team-a' },
        [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch', 'patch'] }],
      ],
      [
        { name: 'kfp-events-publisher-lease', namespace: 'kfp-operator' },
        [
          {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            resourceNames: ['kfp-events-publisher'],
            verbs: ['get', 'update'],
          },
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        ],
      ],
    ]);
    for (const binding of all(manifests, 'RoleBinding')) {
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'kfp-events-publisher', namespace: 'kfp-operator' },
      ]);
      expect(at(binding, 'roleRef.name')).toBe(binding.metadata?.name);
    }
  });

  it('runs one replica without leader election, API token or RBAC when it watches no workflows', () => {
    const { manifests, publisher } = build({ replicas: 1 });

    const env = envOf(container(manifests));
    expect(env[PUBLISHER_ENV.LEADER_ELECTION.name]).toBeUndefined();
    expect(env[PUBLISHER_ENV.WORKFLOW_NAMESPACES.name]).toBeUndefined();
    expect(at(pod(manifests), 'automountServiceAccountToken')).toBe(false);
    expect(all(manifests, 'Role')).toEqual([]);
    expect(publisher.leaderElection).toBe(false);
  });

  it('mounts the Argo client Secret of a token bus read-only as the client-auth file', () => {
    const { manifests } = build({}, { auth: EventBusAuth.TOKEN });

    expect(envOf(container(manifests))[PUBLISHER_ENV.NATS_CLIENT_AUTH_FILE.name]).toBe(
      '/etc/kfp-events/nats-auth/client-auth',
    );
    expect(at(pod(manifests), 'volumes')).toEqual([
      TMP_VOLUME,
      {
        name: 'nats-auth',
        secret: {
          secretName: 'eventbus-kfp-operator-events-client',
          items: [{ key: 'client-auth', path: 'client-auth' }],
          defaultMode: 0o440,
        },
      },
    ]);
    expect(at(container(manifests), 'volumeMounts')).toEqual([
      TMP_MOUNT,
      { name: 'nats-auth', mountPath: '/etc/kfp-events/nats-auth', readOnly: true },
    ]);
  });

  it('publishes to a JetStream bus with its client auth, CA and JetStream delivery', () => {
    const { manifests } = build({}, { kind: EventBusKind.JETSTREAM });

    const env = envOf(container(manifests));
    expect(env[PUBLISHER_ENV.NATS_URL.name]).toBe(
      'nats://eventbus-kfp-operator-events-js-svc.kfp-operator.svc:4222',
    );
    expect(env[PUBLISHER_ENV.DELIVERY.name]).toBe('jetstream');
    expect(env[PUBLISHER_ENV.NATS_CLIENT_AUTH_FILE.name]).toBe('/etc/kfp-events/nats-auth/client-auth');
    expect(env[PUBLISHER_ENV.NATS_TLS_CA_FILE.name]).toBe('/etc/kfp-events/nats-ca/ca-cert');
    expect(at(pod(manifests), 'volumes')).toEqual([
      TMP_VOLUME,
      {
        name: 'nats-auth',
        secret: {
          secretName: 'eventbus-kfp-operator-events-js-client-auth',
          items: [{ key: 'client-auth', path: 'client-auth' }],
          defaultMode: 0o440,
        },
      },
      {
        name: 'nats-ca',
        secret: {
          secretName: 'eventbus-kfp-operator-events-js-server',
          items: [{ key: 'ca-cert', path: 'ca-cert' }],
          defaultMode: 0o440,
        },
      },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  it('passes the chosen options through to its env vars', () => {
    const { manifests } = build({
      name: 'publisher',
      source: 'kfp-prod',
      encoding: 'binary',
      subject: 'kfp.runs',
      mlmdAddress: 'metadata-grpc-service.kubeflow:8080',
      logLevel: 'debug',
      replicas: 3,
    });

    expect(envOf(container(manifests))).toMatchObject({
      [PUBLISHER_ENV.SOURCE.name]: 'kfp-prod',
      [PUBLISHER_ENV.ENCODING.name]: 'binary',
      [PUBLISHER_ENV.SUBJECT.name]: 'kfp.runs',
      [PUBLISHER_ENV.MLMD_ADDRESS.name]: 'metadata-grpc-service.kubeflow:8080',
      [PUBLISHER_ENV.LOG_LEVEL.name]: 'debug',
      [PUBLISHER_ENV.LEASE_NAME.name]: 'publisher',
    });
    expect(at(only(manifests, 'Deployment'), 'spec.replicas')).toBe(3);
    expect(at(only(manifests, 'Role', 'publisher-lease'), 'rules.0.resourceNames')).toEqual(['publisher']);
  });

  it('throws when JetStream delivery is asked of a native bus', () => {
    const make = () => build({ delivery: DeliveryMode.JETSTREAM });

    expect(make).toThrow(ConstructPropsError);
    expect(make).toThrow(
      'platform/Publisher: delivery: "jetstream" needs a JetStream bus; the bus "kfp-operator-events" is native',
    );
  });

  it('throws when it cannot mount the bus Secrets from another namespace', () => {
    expect(() => build({}, { auth: EventBusAuth.TOKEN, namespace: 'elsewhere' })).toThrow(
      'platform/Publisher: namespace: "kfp-operator" differs from the bus namespace "elsewhere", whose client Secrets the publisher mounts: deploy it in the bus namespace',
    );
  });

  it('gathers every problem of its props into one message', () => {
    const make = () =>
      build({
        image: 'not an image',
        replicas: 0,
        workflowNamespaces: ['kubeflow', 'kubeflow', 'Team'],
        mlmdAddress: 'metadata-grpc-service',
      });

    expect(make).toThrow(
      [
        'platform/Publisher: 5 problems:',
        '  - image: "not an image" is not a container image reference',
        '  - replicas: 0 is not allowed: must be an integer at least 1',
        '  - workflowNamespaces[2]: "Team" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
        '  - workflowNamespaces: ["kubeflow","kubeflow","Team"] lists a namespace twice',
        '  - mlmdAddress: "metadata-grpc-service" is not host:port',
      ].join('\n'),
    );
  });
});
