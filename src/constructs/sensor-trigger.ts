import { Duration } from 'cdk8s';
import type { SensorSpecTriggers, SensorSpecTriggersTemplate } from '../../imports/argoproj.io.js';
import type { SensorPaths } from '../contract/index.js';
import type { SecretKeyReference } from './event-bus.js';
import type { EventField } from './event-field.js';
import { formatDuration } from './event-source.js';

/** One RBAC rule, exactly as it is synthesized into a Role. */
export interface PolicyRule {
  /** The API groups, `''` for the core group. */
  readonly apiGroups: string[];
  /** The resources (plural), e.g. `configmaps`. */
  readonly resources: string[];
  /**
   * The only objects the rule applies to.
   * @default - every object of the resources
   */
  readonly resourceNames?: string[];
  /** The verbs allowed. */
  readonly verbs: string[];
}

/** A rule a trigger needs, in the namespace where it acts. */
export interface TriggerPermission {
  /** The namespace of the objects the trigger acts on. */
  readonly namespace: string;
  /** The rule needed there. */
  readonly rule: PolicyRule;
}

/** What a Sensor hands a trigger when it binds it. */
export interface TriggerBindContext {
  /** The Sensor's dependency that parameters read from. */
  readonly dependencyName: string;
  /** The paths of the event fields for the Sensor's wire encoding. */
  readonly paths: SensorPaths;
  /** The Sensor's namespace, where triggers act unless told otherwise. */
  readonly namespace: string;
  /** The name to use when the trigger was given none (unique within the Sensor). */
  readonly defaultName: string;
}

/** A trigger bound to one Sensor: its spec and the RBAC rules it needs. */
export interface BoundTrigger {
  /** The trigger's name within the Sensor. */
  readonly name: string;
  /** The trigger as it is synthesized into `spec.triggers`. */
  readonly spec: SensorSpecTriggers;
  /** Empty for triggers that do not act on the cluster. */
  readonly permissions: readonly TriggerPermission[];
}

/** How a trigger that changes things is retried when it fails. */
export interface TriggerRetryOptions {
  /**
   * How many times to retry; 0 turns retrying off.
   * @default 3
   */
  readonly steps?: number;
  /**
   * The wait before the first retry.
   * @default Duration.seconds(1)
   */
  readonly duration?: Duration;
  /**
   * The wait is multiplied by this after each retry.
   * @default 2
   */
  readonly factor?: number;
  /**
   * The random fraction added to each wait.
   * @default 0.1
   */
  readonly jitter?: number;
}

/** Options of every trigger. */
export interface TriggerOptions {
  /**
   * The trigger's name, unique within its Sensor.
   * @default - `<kind>` for the first trigger of a kind, then `<kind>-2`, `<kind>-3`, …
   */
  readonly name?: string;
}

/** Options of triggers that change something outside the Sensor. */
export interface ActingTriggerOptions extends TriggerOptions {
  /**
   * Run the trigger before the bus message is acknowledged, so a Sensor crash does not lose it.
   * @default true
   */
  readonly atLeastOnce?: boolean;
  /**
   * Retrying a failed trigger.
   * @default - 3 steps, 1s, factor 2, jitter 0.1
   */
  readonly retry?: TriggerRetryOptions;
}

/** Sets a path of the trigger's resource or payload from a field of the event. */
export interface TriggerParameter {
  /** The event field to read. */
  readonly src: EventField;
  /** The sjson path to set, e.g. `data.modelLocation` or `spec.arguments.parameters.0.value`. */
  readonly dest: string;
  /**
   * The value used when the event lacks the field.
   * @default - none: the trigger fails when the field is missing
   */
  readonly default?: string;
}

/** Options of {@link SensorTrigger.http}. */
export interface HttpTriggerOptions extends ActingTriggerOptions {
  /** The URL to call. */
  readonly url: string;
  /**
   * The HTTP method.
   * @default 'POST'
   */
  readonly method?: string;
  /** The JSON body: each key (an sjson path) set from an event field. */
  readonly payload: Readonly<Record<string, EventField>>;
  /**
   * Plain request headers.
   * @default - none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Request headers read from Secret keys in the Sensor's namespace.
   * @default - none
   */
  readonly secureHeaders?: Readonly<Record<string, SecretKeyReference>>;
}

/** What a Kubernetes trigger does to its target. */
export enum K8sOperation {
  /** Create the object (fails when it exists). */
  CREATE = 'create',
  /** Replace the object with the trigger's resource; create it when missing. */
  UPDATE = 'update',
  /** Patch the object with the trigger's resource; create it when missing. */
  PATCH = 'patch',
}

/** The object a Kubernetes trigger acts on. */
export interface K8sTriggerTarget {
  /** Its `apiVersion`, e.g. `v1` or `serving.kserve.io/v1beta1`. */
  readonly apiVersion: string;
  /** Its `kind`, e.g. `ConfigMap`. */
  readonly kind: string;
  /**
   * Its name. Leave unset only when a parameter sets `metadata.name`.
   * @default - `metadata.name` of `manifest`
   */
  readonly name?: string;
  /**
   * Its namespace.
   * @default - the Sensor's namespace
   */
  readonly namespace?: string;
  /**
   * The resource (plural) RBAC rules name.
   * @default - the kind in lower case, pluralised (`ConfigMap` → `configmaps`, `Policy` → `policies`)
   */
  readonly resource?: string;
  /**
   * The body of the object sent by the trigger, before parameters are applied.
   * @default - apiVersion, kind and metadata (name, namespace) only
   */
  readonly manifest?: Readonly<Record<string, unknown>>;
}

/** Options of {@link SensorTrigger.k8s}. */
export interface K8sTriggerOptions extends ActingTriggerOptions {
  /** Create, update or patch. */
  readonly operation: K8sOperation;
  /** The object acted on. */
  readonly target: K8sTriggerTarget;
  /**
   * Values set from the event.
   * @default - none
   */
  readonly parameters?: readonly TriggerParameter[];
  /**
   * The patch content type, for `PATCH`.
   * @default 'application/merge-patch+json'
   */
  readonly patchStrategy?: string;
}

/** What an Argo Workflow trigger does. */
export enum ArgoWorkflowOperation {
  /** Submit a new Workflow. */
  SUBMIT = 'submit',
}

/** Options of {@link SensorTrigger.argoWorkflow}. */
export interface ArgoWorkflowTriggerOptions extends ActingTriggerOptions {
  /**
   * What to do.
   * @default ArgoWorkflowOperation.SUBMIT
   */
  readonly operation?: ArgoWorkflowOperation;
  /** The Workflow manifest (`apiVersion: argoproj.io/v1alpha1`, `kind: Workflow`). */
  readonly workflow: Readonly<Record<string, unknown>>;
  /**
   * Values set from the event, e.g. `spec.arguments.parameters.0.value`.
   * @default - none
   */
  readonly parameters?: readonly TriggerParameter[];
}

/** The defaults of triggers, in one place. */
export const TRIGGER_DEFAULTS = {
  atLeastOnce: true,
  retrySteps: 3,
  retryDuration: Duration.seconds(1),
  retryFactor: 2,
  retryJitter: 0.1,
  httpMethod: 'POST',
  patchStrategy: 'application/merge-patch+json',
  argoWorkflowOperation: ArgoWorkflowOperation.SUBMIT,
} as const;

/** A trigger of a {@link PipelineSensor}. */
export abstract class SensorTrigger {
  /** Logs each matching event in the Sensor pod. */
  static log(options: TriggerOptions = {}): SensorTrigger {
    return new SimpleTrigger('log', options, () => ({ template: { log: {} }, permissions: [] }));
  }

  /** Calls an HTTP endpoint with a JSON body built from the event. */
  static http(options: HttpTriggerOptions): SensorTrigger {
    return new SimpleTrigger('http', options, (context) => {
      if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
        throw new Error(`url ${JSON.stringify(options.url)} is not an http or https URL`);
      }
      const payload = Object.entries(options.payload).map(([dest, src]) => ({
        src: { dependencyName: context.dependencyName, dataKey: src.path(context.paths) },
        dest,
      }));
      const secureHeaders = Object.entries(options.secureHeaders ?? {}).map(([name, secret]) => ({
        name,
        valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } },
      }));
      return {
        template: {
          http: {
            url: options.url,
            method: options.method ?? TRIGGER_DEFAULTS.httpMethod,
            payload,
            ...(options.headers ? { headers: { ...options.headers } } : {}),
            ...(secureHeaders.length > 0 ? { secureHeaders } : {}),
          },
        },
        permissions: [],
        acting: options,
      };
    });
  }

  /** Creates, updates or patches a Kubernetes object, e.g. the ConfigMap or InferenceService serving a model. */
  static k8s(options: K8sTriggerOptions): SensorTrigger {
    return new SimpleTrigger('k8s', options, (context) => {
      const target = options.target;
      const namespace = target.namespace ?? context.namespace;
      const parameters = (options.parameters ?? []).map((p) => parameter(p, context));
      const manifestName = (target.manifest?.metadata as { name?: unknown } | undefined)?.name;
      const name = target.name ?? (typeof manifestName === 'string' ? manifestName : undefined);
      const nameFromEvent = parameters.some((p) => p.dest === 'metadata.name');
      if (name === undefined && !nameFromEvent) {
        throw new Error(
          'target.name is not set: give target.name, metadata.name in target.manifest, or a parameter with dest "metadata.name"',
        );
      }
      const resource = {
        ...target.manifest,
        apiVersion: target.apiVersion,
        kind: target.kind,
        metadata: {
          ...(target.manifest?.metadata as Record<string, unknown> | undefined),
          ...(name !== undefined ? { name } : {}),
          namespace,
        },
      };
      const fixedName = nameFromEvent ? undefined : name;

      return {
        template: {
          k8S: {
            operation: options.operation,
            source: { resource },
            ...(parameters.length > 0 ? { parameters } : {}),
            ...(options.operation === K8sOperation.PATCH
              ? { patchStrategy: options.patchStrategy ?? TRIGGER_DEFAULTS.patchStrategy }
              : {}),
          },
        },
        permissions: k8sPermissions(options.operation, target, namespace, fixedName),
        acting: options,
      };
    });
  }

  /** Submits an Argo Workflow, e.g. the next pipeline. */
  static argoWorkflow(options: ArgoWorkflowTriggerOptions): SensorTrigger {
    return new SimpleTrigger('argo-workflow', options, (context) => {
      const metadata = options.workflow.metadata as Record<string, unknown> | undefined;
      const declared = metadata?.namespace;
      const namespace = typeof declared === 'string' ? declared : context.namespace;
      const parameters = (options.parameters ?? []).map((p) => parameter(p, context));
      const resource = { ...options.workflow, metadata: { ...metadata, namespace } };

      return {
        template: {
          argoWorkflow: {
            operation: options.operation ?? TRIGGER_DEFAULTS.argoWorkflowOperation,
            source: { resource },
            ...(parameters.length > 0 ? { parameters } : {}),
          },
        },
        permissions: [
          {
            namespace,
            rule: { apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create', 'list'] },
          },
        ],
        acting: options,
      };
    });
  }

  /** The kind of trigger, used in default names: `log`, `http`, `k8s` or `argo-workflow`. */
  abstract readonly kind: string;

  /** The name given in the options, if any. */
  abstract readonly name?: string;

  /** Binds the trigger to a Sensor. Called by the Sensor; throws when the trigger's options are unusable. */
  abstract bind(context: TriggerBindContext): BoundTrigger;
}

interface TriggerParts {
  readonly template: Omit<SensorSpecTriggersTemplate, 'name'>;
  readonly permissions: readonly TriggerPermission[];
  /** Set for triggers that change things: their atLeastOnce and retry options. */
  readonly acting?: ActingTriggerOptions;
}

class SimpleTrigger extends SensorTrigger {
  readonly name?: string;

  constructor(
    readonly kind: string,
    options: TriggerOptions,
    private readonly build: (context: TriggerBindContext) => TriggerParts,
  ) {
    super();
    this.name = options.name;
  }

  bind(context: TriggerBindContext): BoundTrigger {
    const name = this.name ?? context.defaultName;
    const parts = this.build(context);
    const spec: SensorSpecTriggers = {
      template: { name, ...parts.template },
      ...(parts.acting ? actingSpec(parts.acting) : {}),
    };
    return { name, spec, permissions: parts.permissions };
  }
}

function actingSpec(
  options: ActingTriggerOptions,
): Pick<SensorSpecTriggers, 'atLeastOnce' | 'retryStrategy'> {
  const steps = options.retry?.steps ?? TRIGGER_DEFAULTS.retrySteps;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new Error(`retry.steps ${String(steps)} is not allowed: must be an integer of at least 0`);
  }
  const atLeastOnce = options.atLeastOnce ?? TRIGGER_DEFAULTS.atLeastOnce;
  if (steps === 0) return { atLeastOnce };

  return {
    atLeastOnce,
    retryStrategy: {
      steps,
      duration: formatDuration(options.retry?.duration ?? TRIGGER_DEFAULTS.retryDuration),
      factor: options.retry?.factor ?? TRIGGER_DEFAULTS.retryFactor,
      jitter: options.retry?.jitter ?? TRIGGER_DEFAULTS.retryJitter,
    },
  };
}

function parameter(p: TriggerParameter, context: TriggerBindContext) {
  return {
    src: {
      dependencyName: context.dependencyName,
      dataKey: p.src.path(context.paths),
      ...(p.default !== undefined ? { value: p.default } : {}),
    },
    dest: p.dest,
  };
}

/**
 * The RBAC rules of a Kubernetes trigger: create → `create`; update/patch → `get` and the verb (on the
 * one object when its name is fixed) plus `create`, because both create the object when it is missing.
 */
function k8sPermissions(
  operation: K8sOperation,
  target: K8sTriggerTarget,
  namespace: string,
  fixedName: string | undefined,
): TriggerPermission[] {
  const apiGroups = [apiGroupOf(target.apiVersion)];
  const resources = [target.resource ?? pluralise(target.kind)];
  const create: PolicyRule = { apiGroups, resources, verbs: ['create'] };
  if (operation === K8sOperation.CREATE) return [{ namespace, rule: create }];

  if (fixedName === undefined) {
    return [{ namespace, rule: { apiGroups, resources, verbs: ['create', 'get', operation] } }];
  }
  return [
    { namespace, rule: { apiGroups, resources, resourceNames: [fixedName], verbs: ['get', operation] } },
    { namespace, rule: create },
  ];
}

/** The API group of an `apiVersion`: `''` for the core group (`v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The conventional plural resource name of a kind. */
export function pluralise(kind: string): string {
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}
