import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  Sensor,
  type SensorSpecDependenciesFiltersData,
  type SensorSpecTemplate,
  type SensorSpecTriggers,
} from '../../imports/argoproj.io.js';
import {
  DEFAULT_WIRE_ENCODING,
  RUN_COMPLETION_STATUSES,
  sensorPaths,
  type SensorPaths,
  type WireEncoding,
} from '../contract/index.js';
import { chartNamespace } from './event-bus.js';
import type { IRunCompletionEventSource } from './event-source.js';
import type { PolicyRule, SensorTrigger } from './sensor-trigger.js';
import {
  ConstructPropsError,
  dnsLabelProblem,
  escapeRegExp,
  exactRegExp,
  PropsValidator,
} from './validation.js';
import { resolveWorkloadSecurity, type WorkloadSecurityOptions } from './workload-security.js';

/** Which run outcomes a Sensor reacts to. */
export enum RunStatusFilter {
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  /** Both outcomes (matched as `^(succeeded|failed)$`, so events without a known status are dropped). */
  ANY = 'any',
}

/**
 * Options of a {@link PipelineSensor} that a composition passes through unchanged; the security contexts
 * apply to the Sensor's pod and container.
 */
export interface PipelineSensorOptions extends WorkloadSecurityOptions {
  /** The pipeline whose runs the Sensor reacts to, matched exactly (not as a pattern). */
  readonly pipelineName: string;
  /**
   * Only runs in this namespace (`data.namespace`) count.
   * @default - runs of any namespace
   */
  readonly pipelineNamespace?: string;
  /**
   * The Sensor object's name.
   * @default - the pipeline name, which must then be a DNS-1123 label
   */
  readonly name?: string;
  /**
   * The run outcomes reacted to.
   * @default RunStatusFilter.SUCCEEDED
   */
  readonly status?: RunStatusFilter;
  /**
   * What to do; more can be added with `addTrigger()`. A Sensor needs at least one before synthesis.
   * @default - none
   */
  readonly triggers?: readonly SensorTrigger[];
}

/** Props of {@link PipelineSensor}. */
export interface PipelineSensorProps extends PipelineSensorOptions {
  /** The EventSource the Sensor depends on. */
  readonly eventSource: IRunCompletionEventSource;
  /**
   * The wire encoding the publisher uses; it decides every filter path and parameter key.
   * @default 'structured'
   */
  readonly encoding?: WireEncoding;
  /**
   * The namespace of the Sensor.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The EventBus (in the Sensor's namespace) the Sensor reads from.
   * @default 'default'
   */
  readonly eventBusName?: string;
}

/** The defaults of {@link PipelineSensor}, in one place. */
export const PIPELINE_SENSOR_DEFAULTS = {
  status: RunStatusFilter.SUCCEEDED,
  encoding: DEFAULT_WIRE_ENCODING,
  eventBusName: 'default',
  dependencyName: 'run-completion',
} as const;

/**
 * An Argo Events Sensor for one pipeline: it filters run completions on the exact pipeline name (and
 * optionally namespace) and the status, then runs its triggers. Triggers that act on the cluster get
 * the Sensor its own ServiceAccount with a Role per namespace holding exactly the rules they need.
 */
export class PipelineSensor extends Construct {
  /** The Sensor object's name. */
  readonly name: string;
  /** The Sensor's namespace. */
  readonly namespace: string;
  /** The paths of event fields in the encoding the Sensor reads. */
  readonly paths: SensorPaths;
  /** The Sensor object. */
  readonly apiObject: Sensor;

  private readonly triggers: SensorSpecTriggers[] = [];
  private readonly triggerCounts = new Map<string, number>();
  private readonly rules = new Map<string, PolicyRule[]>();
  private serviceAccountName?: string;

  constructor(scope: Construct, id: string, props: PipelineSensorProps) {
    super(scope, id);

    const name = props.name ?? props.pipelineName;
    const namespace = props.namespace ?? chartNamespace(this);
    const status = props.status ?? PIPELINE_SENSOR_DEFAULTS.status;
    const eventBusName = props.eventBusName ?? PIPELINE_SENSOR_DEFAULTS.eventBusName;
    validate(this, props, name, namespace, status, eventBusName);

    this.name = name;
    this.namespace = namespace as string;
    this.paths = sensorPaths(props.encoding ?? PIPELINE_SENSOR_DEFAULTS.encoding);
    const security = resolveWorkloadSecurity(props);

    this.apiObject = new Sensor(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        eventBusName,
        template: Lazy.any({
          produce: (): SensorSpecTemplate => ({
            ...(this.serviceAccountName ? { serviceAccountName: this.serviceAccountName } : {}),
            securityContext: security.pod,
            container: { securityContext: security.container },
          }),
        }) as SensorSpecTemplate,
        dependencies: [
          {
            name: PIPELINE_SENSOR_DEFAULTS.dependencyName,
            eventSourceName: props.eventSource.eventSourceName,
            eventName: props.eventSource.eventName,
            filters: { data: this.dataFilters(props.pipelineName, props.pipelineNamespace, status) },
          },
        ],
        triggers: this.triggers,
      },
    });
    this.node.addValidation({
      validate: () =>
        this.triggers.length === 0 ? ['a Sensor needs at least one trigger: use addTrigger()'] : [],
    });

    for (const trigger of props.triggers ?? []) this.addTrigger(trigger);
  }

  /** Adds a trigger, and the RBAC it needs. Throws a {@link ConstructPropsError} when it cannot be bound. */
  addTrigger(trigger: SensorTrigger): this {
    const index = this.triggers.length;
    const count = (this.triggerCounts.get(trigger.kind) ?? 0) + 1;
    const defaultName = count === 1 ? trigger.kind : `${trigger.kind}-${count}`;

    let bound;
    try {
      bound = trigger.bind({
        dependencyName: PIPELINE_SENSOR_DEFAULTS.dependencyName,
        paths: this.paths,
        namespace: this.namespace,
        defaultName,
      });
    } catch (err) {
      throw new ConstructPropsError(this.node.path, [`triggers[${index}]: ${(err as Error).message}`]);
    }
    const problem = dnsLabelProblem(bound.name);
    if (problem) throw new ConstructPropsError(this.node.path, [`triggers[${index}].name: ${problem}`]);
    if (this.triggers.some((t) => t.template?.name === bound.name)) {
      throw new ConstructPropsError(this.node.path, [
        `triggers[${index}].name: "${bound.name}" is already used by another trigger of this Sensor`,
      ]);
    }

    this.triggerCounts.set(trigger.kind, count);
    this.triggers.push(bound.spec);
    for (const permission of bound.permissions) this.grant(permission.namespace, permission.rule);
    return this;
  }

  /** The ServiceAccount the Sensor runs as, when one of its triggers acts on the cluster. */
  get sensorServiceAccountName(): string | undefined {
    return this.serviceAccountName;
  }

  private dataFilters(
    pipelineName: string,
    pipelineNamespace: string | undefined,
    status: RunStatusFilter,
  ): SensorSpecDependenciesFiltersData[] {
    const statuses = status === RunStatusFilter.ANY ? RUN_COMPLETION_STATUSES : [status];
    const statusPattern =
      statuses.length === 1
        ? exactRegExp(statuses[0] as string)
        : `^(${statuses.map(escapeRegExp).join('|')})$`;
    const filters: SensorSpecDependenciesFiltersData[] = [
      { path: this.paths.status, type: 'string', value: [statusPattern] },
      { path: this.paths.pipelineName, type: 'string', value: [exactRegExp(pipelineName)] },
    ];
    if (pipelineNamespace !== undefined) {
      filters.push({ path: this.paths.namespace, type: 'string', value: [exactRegExp(pipelineNamespace)] });
    }
    return filters;
  }

  private grant(namespace: string, rule: PolicyRule): void {
    if (this.serviceAccountName === undefined) {
      this.serviceAccountName = `${this.name}-sensor`;
      new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: { name: this.serviceAccountName, namespace: this.namespace },
        automountServiceAccountToken: true,
      });
    }

    let rules = this.rules.get(namespace);
    if (rules === undefined) {
      rules = [];
      this.rules.set(namespace, rules);
      const roleName = `${this.name}-sensor`;
      const id = namespace === this.namespace ? '' : `-${namespace}`;
      new k8s.KubeRole(this, `Role${id}`, { metadata: { name: roleName, namespace }, rules });
      new k8s.KubeRoleBinding(this, `RoleBinding${id}`, {
        metadata: { name: roleName, namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccountName, namespace: this.namespace }],
      });
    }
    if (!rules.some((r) => JSON.stringify(r) === JSON.stringify(rule))) rules.push(rule);
  }
}

function validate(
  scope: Construct,
  props: PipelineSensorProps,
  name: string,
  namespace: string | undefined,
  status: RunStatusFilter,
  eventBusName: string,
): void {
  const validator = new PropsValidator(scope);

  if (props.pipelineName.trim() === '') validator.fail('pipelineName', 'is empty: give the pipeline name');
  // The Sensor's ServiceAccount and Role are named `<name>-sensor`.
  validator.dnsLabel(props.name === undefined ? 'name (defaulted from pipelineName)' : 'name', name, 63 - 7);
  if (namespace === undefined) {
    validator.fail('namespace', 'is not set and the chart has no namespace: set one of them');
  } else {
    validator.dnsLabel('namespace', namespace);
  }
  if (props.pipelineNamespace !== undefined) validator.dnsLabel('pipelineNamespace', props.pipelineNamespace);
  if (!Object.values(RunStatusFilter).includes(status)) {
    validator.fail(
      'status',
      `"${String(status)}" is not one of ${Object.values(RunStatusFilter).join(', ')}`,
    );
  }
  validator.dnsLabel('eventBusName', eventBusName);

  validator.throwIfAny();
}
