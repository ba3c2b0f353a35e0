import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { IEventBus } from './event-bus.js';
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
   * Namespaces whose pods (the consumers' EventSources) may reach the client port.
   * @default - none
   */
  readonly consumerNamespaces?: readonly string[];
  /**
   * The NetworkPolicy's name.
   * @default - `<bus name>-clients`
   */
  readonly name?: string;
}

/**
 * A NetworkPolicy on the bus's pods: the publishers and the consumer namespaces may reach the NATS
 * client port only; the bus's own pods reach each other on every port (cluster routes, Raft).
 * Anything else, including metrics scrapers, is denied ingress to the bus pods.
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
    validator.throwIfAny();

    const busPods = { matchLabels: { ...props.bus.podLabels } };
    const clientPort = [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.bus.clientPort) }];
    const ingress: k8s.NetworkPolicyIngressRule[] = [{ from: [{ podSelector: busPods }] }];
    const publishers = (props.publisherPodLabels ?? []).map((labels) => ({
      podSelector: { matchLabels: { ...labels } },
    }));
    if (publishers.length > 0) ingress.push({ from: publishers, ports: clientPort });
    if (consumers.length > 0) {
      ingress.push({
        from: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: consumers }],
            },
          },
        ],
        ports: clientPort,
      });
    }

    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name, namespace: props.bus.namespace },
      spec: { podSelector: busPods, policyTypes: ['Ingress'], ingress },
    });
  }
}
