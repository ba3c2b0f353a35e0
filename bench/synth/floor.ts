/**
 * The synth floor: the objects the app emits for a config, built as raw cdk8s `ApiObject`s with no
 * constructs, validation or defaults logic, then serialized by `App.synth()` one file per chart like
 * the app. What the app costs above this is the price of its constructs.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { parse } from 'yaml';

interface FloorTrigger {
  readonly kind: string;
  readonly [field: string]: unknown;
}

interface FloorPipeline {
  readonly pipeline: string;
  readonly status: string;
  readonly triggers: readonly FloorTrigger[];
}

interface FloorConsumer {
  readonly namespace: string;
  readonly pipelines: readonly FloorPipeline[];
}

interface FloorConfig {
  readonly platform: {
    readonly namespace: string;
    readonly bus: { readonly name: string; readonly replicas: number };
    readonly publisher: { readonly image: string; readonly workflowNamespaces: readonly string[] };
  };
  readonly consumers: readonly FloorConsumer[];
}

const ARGO = 'argoproj.io/v1alpha1';
const RBAC = 'rbac.authorization.k8s.io/v1';
const CLUSTER_ACTING = new Set(['k8s', 'argoWorkflow']);
const STATUS_PATTERNS: Record<string, string> = {
  succeeded: '^succeeded$',
  failed: '^failed$',
  any: '^(succeeded|failed)$',
};
/** Restricted pod and container security contexts, as Argo Events pods run them. */
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};
const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
const RESTRICTED_TEMPLATE = {
  securityContext: POD_SECURITY,
  container: { securityContext: CONTAINER_SECURITY },
};
const NATIVE_BUS = {
  auth: 'none',
  securityContext: POD_SECURITY,
  containerTemplate: { securityContext: CONTAINER_SECURITY },
  metricsContainerTemplate: { securityContext: CONTAINER_SECURITY },
};

/** Parses a config and synthesizes the floor's objects into `outdir`; returns how many it wrote. */
export function synthFloor(configYaml: string, outdir: string): number {
  const config = parse(configYaml) as FloorConfig;
  const app = new App({ outdir });
  let objects = platformChart(app, config);
  for (const consumer of config.consumers) objects += consumerChart(app, config, consumer);
  app.synth();
  return objects;
}

function platformChart(app: App, config: FloorConfig): number {
  const { namespace, bus, publisher } = config.platform;
  const chart = new Chart(app, 'platform', { namespace });
  const labels = { 'app.kubernetes.io/name': 'kfp-events-publisher' };
  const name = 'kfp-events-publisher';
  const objects: [string, string, string, Record<string, unknown>][] = [
    [ARGO, 'EventBus', bus.name, { spec: { nats: { native: { ...NATIVE_BUS, replicas: bus.replicas } } } }],
    ['v1', 'ServiceAccount', name, { automountServiceAccountToken: true }],
    ['apps/v1', 'Deployment', name, { spec: deploymentSpec(publisher.image, labels, name) }],
    [
      'v1',
      'Service',
      name,
      { spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    ],
    [
      'policy/v1',
      'PodDisruptionBudget',
      name,
      { spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    ],
    [
      RBAC,
      'Role',
      `${name}-lease`,
      { rules: [rule('coordination.k8s.io', 'leases', ['get', 'create', 'update'])] },
    ],
    [RBAC, 'RoleBinding', `${name}-lease`, binding(`${name}-lease`, name, namespace)],
    ['networking.k8s.io/v1', 'NetworkPolicy', `${bus.name}-clients`, { spec: networkPolicySpec(config) }],
  ];
  for (const watched of publisher.workflowNamespaces) {
    const rules = [rule('argoproj.io', 'workflows', ['get', 'list', 'watch', 'patch'])];
    objects.push([RBAC, 'Role', name, { metadata: { namespace: watched }, rules }]);
    objects.push([
      RBAC,
      'RoleBinding',
      name,
      { metadata: { namespace: watched }, ...binding(name, name, namespace) },
    ]);
  }

  objects.forEach(([apiVersion, kind, objectName, body], i) =>
    apiObject(chart, `o${i}`, apiVersion, kind, objectName, body),
  );
  return objects.length;
}

function consumerChart(app: App, config: FloorConfig, consumer: FloorConsumer): number {
  const chart = new Chart(app, consumer.namespace, { namespace: consumer.namespace });
  const { bus, namespace } = config.platform;
  let objects = 2;

  apiObject(chart, 'bus', ARGO, 'EventBus', 'default', {
    spec: { nats: { native: { ...NATIVE_BUS, replicas: 3 } } },
  });
  apiObject(chart, 'source', ARGO, 'EventSource', 'run-completion', {
    spec: {
      eventBusName: 'default',
      nats: {
        'run-completion': {
          url: `nats://eventbus-${bus.name}-stan-svc.${namespace}.svc:4222`,
          subject: 'events',
          jsonBody: true,
          connectionBackoff: { duration: '10s', factor: 2, jitter: 0.2, steps: 5 },
        },
      },
      template: RESTRICTED_TEMPLATE,
    },
  });

  for (const pipeline of consumer.pipelines) {
    const sensor = `${pipeline.pipeline}-${pipeline.status === 'any' ? 'completed' : pipeline.status}`;
    const acting = pipeline.triggers.some((t) => CLUSTER_ACTING.has(t.kind));
    apiObject(chart, sensor, ARGO, 'Sensor', sensor, {
      spec: sensorSpec(pipeline, acting ? sensor : undefined),
    });
    objects += 1;
    if (acting) {
      apiObject(chart, `${sensor}-sa`, 'v1', 'ServiceAccount', sensor, {});
      apiObject(chart, `${sensor}-role`, RBAC, 'Role', sensor, {
        rules: pipeline.triggers.flatMap(triggerRules),
      });
      apiObject(
        chart,
        `${sensor}-binding`,
        RBAC,
        'RoleBinding',
        sensor,
        binding(sensor, sensor, consumer.namespace),
      );
      objects += 3;
    }
  }
  return objects;
}

function sensorSpec(
  pipeline: FloorPipeline,
  serviceAccountName: string | undefined,
): Record<string, unknown> {
  const dependency = 'run-completion';
  const data = [
    { path: 'body.data.status', type: 'string', value: [STATUS_PATTERNS[pipeline.status]] },
    { path: 'body.data.pipelineName', type: 'string', value: [`^${escapeRegex(pipeline.pipeline)}$`] },
  ];
  return {
    eventBusName: 'default',
    template: { ...RESTRICTED_TEMPLATE, ...(serviceAccountName ? { serviceAccountName } : {}) },
    dependencies: [
      { name: dependency, eventSourceName: 'run-completion', eventName: 'run-completion', filters: { data } },
    ],
    triggers: pipeline.triggers.map((t, i) => ({
      template: { name: `${t.kind}-${i}`, ...triggerTemplate(t, dependency) },
      ...(t.kind === 'log'
        ? {}
        : { retryStrategy: { steps: 3, duration: '1s', factor: 2, jitter: 0.1 }, atLeastOnce: true }),
    })),
  };
}

function triggerTemplate(trigger: FloorTrigger, dependency: string): Record<string, unknown> {
  const parameters = ((trigger.parameters ?? trigger.payload ?? []) as { dest: string }[]).map((p) => ({
    src: { dependencyName: dependency, dataKey: 'body.data.servingModelArtifacts.0.location' },
    dest: p.dest,
  }));
  switch (trigger.kind) {
    case 'http':
      return { http: { url: trigger.url, method: trigger.method, payload: parameters } };
    case 'k8s':
      return {
        k8s: {
          operation: trigger.operation,
          patchStrategy: 'application/merge-patch+json',
          source: {
            resource: {
              ...(trigger.target as object),
              metadata: { name: (trigger.target as { name: string }).name },
            },
          },
          parameters,
        },
      };
    case 'argoWorkflow':
      return { argoWorkflow: { operation: 'submit', source: { resource: trigger.workflow }, parameters } };
    default:
      return { log: { intervalSeconds: 0 } };
  }
}

function triggerRules(trigger: FloorTrigger): Record<string, unknown>[] {
  if (trigger.kind === 'argoWorkflow') return [rule('argoproj.io', 'workflows', ['create', 'list'])];
  if (trigger.kind !== 'k8s') return [];
  const target = trigger.target as { kind: string; name: string };
  return [
    {
      ...rule('', `${target.kind.toLowerCase()}s`, ['get', String(trigger.operation)]),
      resourceNames: [target.name],
    },
    rule('', `${target.kind.toLowerCase()}s`, ['create']),
  ];
}

function deploymentSpec(image: string, labels: Record<string, string>, serviceAccountName: string) {
  return {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'publisher',
            image,
            ports: [
              { name: 'http', containerPort: 8080 },
              { name: 'health', containerPort: 8081 },
            ],
            env: [
              { name: 'KFP_EVENTS_NATS_URL', value: 'nats://eventbus-kfp-operator-events-stan-svc:4222' },
            ],
            resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'health' } },
            readinessProbe: { httpGet: { path: '/readyz', port: 'health' } },
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
          },
        ],
      },
    },
  };
}

function networkPolicySpec(config: FloorConfig): Record<string, unknown> {
  const namespaces = config.consumers.map((c) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': c.namespace } },
  }));
  return {
    podSelector: { matchLabels: { 'eventbus-name': config.platform.bus.name } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kfp-events-publisher' } } },
          ...namespaces,
        ],
        ports: [{ port: 4222 }],
      },
    ],
  };
}

function rule(apiGroup: string, resource: string, verbs: string[]): Record<string, unknown> {
  return { apiGroups: [apiGroup], resources: [resource], verbs };
}

function binding(role: string, serviceAccount: string, namespace: string): Record<string, unknown> {
  return {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  };
}

function apiObject(
  scope: Construct,
  id: string,
  apiVersion: string,
  kind: string,
  name: string,
  body: Record<string, unknown>,
) {
  const { metadata, ...rest } = body as { metadata?: Record<string, unknown> };
  return new ApiObject(scope, id, { apiVersion, kind, metadata: { name, ...metadata }, ...rest });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
