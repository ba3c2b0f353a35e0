import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { WireEncoding } from '../contract/index.js';
import { BusNetworkPolicy } from './bus-network-policy.js';
import {
  ConsumerEventBus,
  OperatorEventBus,
  type EventBusOptions,
  type IEventBus,
  type OperatorEventBusProps,
} from './event-bus.js';
import { RunCompletionEventSource, type RunCompletionEventSourceProps } from './event-source.js';
import { PipelineSensor, type PipelineSensorOptions } from './pipeline-sensor.js';
import { Publisher, type PublisherOptions } from './publisher.js';

/** Props of {@link PlatformChart}. */
export interface PlatformChartProps extends Omit<ChartProps, 'namespace'> {
  /** The operator namespace, holding the bus and the publisher. */
  readonly namespace: string;
  /**
   * The operator bus.
   * @default - a native bus named `kfp-operator-events` with 3 replicas and no auth
   */
  readonly bus?: Omit<OperatorEventBusProps, 'namespace'>;
  /** The publisher. */
  readonly publisher: PublisherOptions;
  /**
   * The consumer namespaces allowed to reach the bus.
   * @default - none
   */
  readonly consumerNamespaces?: readonly string[];
  /**
   * The namespace of a metrics scraper allowed through the bus NetworkPolicy to the bus metrics port.
   * @default - none
   */
  readonly busMetricsScraperNamespace?: string;
  /**
   * Whether to restrict ingress to the bus with a NetworkPolicy.
   * @default true
   */
  readonly networkPolicy?: boolean;
}

/** The operator namespace: the operator bus, the publisher and the bus's NetworkPolicy. */
export class PlatformChart extends Chart {
  /** The operator bus. */
  readonly bus: OperatorEventBus;
  /** The publisher, wired to the bus. */
  readonly publisher: Publisher;
  /** The bus's NetworkPolicy, unless turned off. */
  readonly networkPolicy?: BusNetworkPolicy;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);

    this.bus = new OperatorEventBus(this, 'Bus', { ...props.bus, namespace: props.namespace });
    this.publisher = new Publisher(this, 'Publisher', {
      ...props.publisher,
      bus: this.bus,
      namespace: props.namespace,
    });
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new BusNetworkPolicy(this, 'BusNetworkPolicy', {
        bus: this.bus,
        publisherPodLabels: [this.publisher.podLabels],
        consumerNamespaces: props.consumerNamespaces ?? [],
        metricsScraperNamespace: props.busMetricsScraperNamespace,
      });
    }
  }
}

/** Props of {@link ConsumerChart}. */
export interface ConsumerChartProps extends Omit<ChartProps, 'namespace'> {
  /** The consumer namespace. */
  readonly namespace: string;
  /** The operator bus to subscribe to, e.g. `PlatformChart.bus` or `OperatorEventBus.fromBusAttributes()`. */
  readonly operatorBus: IEventBus;
  /**
   * The wire encoding the publisher uses.
   * @default 'structured'
   */
  readonly encoding?: WireEncoding;
  /**
   * The namespace's own `default` EventBus.
   * @default - a native bus with 3 replicas and no auth
   */
  readonly eventBus?: Omit<EventBusOptions, 'namespace'>;
  /**
   * The EventSource subscribing to the operator bus.
   * @default - named `run-completion`, subject `events`
   */
  readonly eventSource?: Omit<RunCompletionEventSourceProps, 'operatorBus' | 'namespace' | 'eventBusName'>;
  /**
   * One Sensor per entry.
   * @default - none; add them with `addPipeline()`
   */
  readonly pipelines?: readonly PipelineSensorOptions[];
}

/** A consumer namespace: its EventBus, the run-completion EventSource and one Sensor per pipeline. */
export class ConsumerChart extends Chart {
  /** The namespace's `default` EventBus. */
  readonly eventBus: ConsumerEventBus;
  /** The EventSource subscribed to the operator bus. */
  readonly eventSource: RunCompletionEventSource;
  private readonly encoding?: WireEncoding;
  private readonly sensors: PipelineSensor[] = [];

  constructor(scope: Construct, id: string, props: ConsumerChartProps) {
    super(scope, id, props);

    this.encoding = props.encoding;
    this.eventBus = new ConsumerEventBus(this, 'EventBus', { ...props.eventBus, namespace: props.namespace });
    this.eventSource = new RunCompletionEventSource(this, 'EventSource', {
      ...props.eventSource,
      operatorBus: props.operatorBus,
      namespace: props.namespace,
      eventBusName: this.eventBus.name,
    });
    for (const pipeline of props.pipelines ?? []) this.addPipeline(pipeline);
  }

  /** The Sensors, in the order added. */
  get pipelineSensors(): readonly PipelineSensor[] {
    return [...this.sensors];
  }

  /** Adds a Sensor for one pipeline; its construct id is the Sensor's name. */
  addPipeline(options: PipelineSensorOptions): PipelineSensor {
    const sensor = new PipelineSensor(
      this,
      `Sensor-${(options.name ?? options.pipelineName).replaceAll('/', '_')}`,
      {
        ...options,
        eventSource: this.eventSource,
        encoding: this.encoding,
        namespace: this.namespace,
        eventBusName: this.eventBus.name,
      },
    );
    this.sensors.push(sensor);
    return sensor;
  }
}
