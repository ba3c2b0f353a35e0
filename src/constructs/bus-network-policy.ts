import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { IEventBus } from './event-bus.js';
import { EVENT_SOURCE_POD_SELECTOR_LABELS } from './event-source.js';
import { PropsValidator } from './validation.js';

/** Props of {@link BusNetworkPolicy}. */
export interface BusNetworkPolicyProps {
  /** The bus whose pods the policy guards; the policy is created in the bus's namespace. */
  readonly bus: IEventBus;
  /**
   * Labels of pods in the bus's namespace that publish to it (e.g. `Publisher.podLabels`).
   * @default - none
   */
  readonly publisherPodLabels?: readonly Readonly<Record<string, string>>[];
  /**
   * Namespaces whose EventSource pods (labelled `controller: eventsource-controller` by Argo Events) may
   * reach the client port; no other pod of those namespaces may.
   * @default - none
   */
  readonly consumerNamespaces?: readonly string[];
  /**
   * The namespace of a metrics scraper (e.g. Prometheus) that may reach the bus's metrics exporter port.
   * @default - none: the metrics port is closed like every other
   */
  readonly metricsScraperNamespace?: string;
  /**
   * The NetworkPolicy's name.
   * @default - `<bus name>-clients`
   */
  readonly name?: string;
}

/** The port of the metrics exporter Argo Events runs beside every bus server. */
export const EVENT_BUS_METRICS_PORT = 7777;

/**
 * A NetworkPolicy on the bus's pods: the publishers, and the EventSource pods of the consumer
 * namespaces, may reach the NATS client port only; the bus's own pods reach each other on every port
 * (cluster routes, Raft). A metrics scraper reaches the metrics port only when its namespace is given.
 * Anything else is denied ingress to the bus pods.
 */
export class BusNetworkPolicy extends Construct {
  /** The NetworkPolicy. */
  readonly apiObject: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: BusNetworkPolicyProps) {
    super(scope, id);

    const name = props.name ?? `${props.bus.name}-clients`;
    const consumers = [...(props.consumerNamespaces ?? [])];
    const validator = new PropsValidator(this);
    validator.dnsLabel('name', name);
    consumers.forEach((ns, i) => validator.dnsLabel(`consumerNamespaces[${i}]`, ns));
    if (props.metricsScraperNamespace !== undefined) {
      validator.dnsLabel('metricsScraperNamespace', props.metricsScraperNamespace);
    }
    validator.throwIfAny();

    const busPods = { matchLabels: { ...props.bus.podLabels } };
    const clientPort = tcp(props.bus.clientPort);
    const ingress: k8s.NetworkPolicyIngressRule[] = [{ from: [{ podSelector: busPods }] }];
    const publishers = (props.publisherPodLabels ?? []).map((labels) => ({
      podSelector: { matchLabels: { ...labels } },
    }));
    if (publishers.length > 0) ingress.push({ from: publishers, ports: clientPort });
    if (consumers.length > 0) {
      ingress.push({
        from: [
          {
            namespaceSelector: namespacesNamed(consumers),
            podSelector: { matchLabels: { ...EVENT_SOURCE_POD_SELECTOR_LABELS } },
          },
        ],
        ports: clientPort,
      });
    }
    if (props.metricsScraperNamespace !== undefined) {
      ingress.push({
        from: [{ namespaceSelector: namespacesNamed([props.metricsScraperNamespace]) }],
        ports: tcp(EVENT_BUS_METRICS_PORT),
      });
    }

    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name, namespace: props.bus.namespace },
      spec: { podSelector: busPods, policyTypes: ['Ingress'], ingress },
    });
  }
}

function tcp(port: number): k8s.NetworkPolicyPort[] {
  return [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }];
}

/** Selects namespaces by the name label Kubernetes sets on every namespace. */
function namespacesNamed(names: readonly string[]): k8s.LabelSelector {
  return { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...names] }] };
}
