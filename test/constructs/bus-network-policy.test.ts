import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  BusNetworkPolicy,
  ConstructPropsError,
  EventBusKind,
  OperatorEventBus,
  RunCompletionEventSource,
} from 'kfp-events';
import { at, only, synth } from '../support/synth.js';

const busPods = {
  matchLabels: { controller: 'eventbus-controller', 'eventbus-name': 'kfp-operator-events' },
};
const clientPort = [{ protocol: 'TCP', port: 4222 }];

describe('BusNetworkPolicy', () => {
  it('lets only the publishers and the consumer EventSource pods reach the client port, and the bus pods each other', () => {
    const chart = Testing.chart();
    const bus = new OperatorEventBus(chart, 'Bus', { namespace: 'kfp-operator' });
    new BusNetworkPolicy(chart, 'Policy', {
      bus,
      publisherPodLabels: [{ 'app.kubernetes.io/name': 'kfp-events-publisher' }],
      consumerNamespaces: ['penguin-team', 'ops'],
    });

    const policy = only(synth(chart), 'NetworkPolicy');
    expect(policy.metadata).toEqual({ name: 'kfp-operator-events-clients', namespace: 'kfp-operator' });
    expect(policy.spec).toEqual({
      podSelector: busPods,
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: busPods }] },
        {
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kfp-events-publisher' } } }],
          ports: clientPort,
        },
        {
          from: [
            {
              namespaceSelector: {
                matchExpressions: [
                  { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['penguin-team', 'ops'] },
                ],
              },
              podSelector: { matchLabels: { controller: 'eventsource-controller' } },
            },
          ],
          ports: clientPort,
        },
      ],
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  it('admits only the bus pods among themselves when there are no clients', () => {
    const chart = Testing.chart();
    const bus = OperatorEventBus.fromBusAttributes(chart, 'Bus', {
      name: 'shared',
      namespace: 'platform',
      kind: EventBusKind.JETSTREAM,
    });
    new BusNetworkPolicy(chart, 'Policy', { bus, name: 'shared-bus' });

    const policy = only(synth(chart), 'NetworkPolicy');
    expect(policy.metadata).toEqual({ name: 'shared-bus', namespace: 'platform' });
    expect(policy.spec).toMatchObject({
      ingress: [{ from: [{ podSelector: { matchLabels: { 'eventbus-name': 'shared' } } }] }],
    });
  });

  it('selects the pods Argo Events labels as its EventSources', () => {
    const chart = Testing.chart();
    const bus = new OperatorEventBus(chart, 'Bus', { namespace: 'kfp-operator' });
    const source = new RunCompletionEventSource(chart, 'Source', { operatorBus: bus, namespace: 'team' });
    new BusNetworkPolicy(chart, 'Policy', { bus, consumerNamespaces: ['team'] });

    const selector = at(only(synth(chart), 'NetworkPolicy'), 'spec.ingress.1.from.0.podSelector.matchLabels');
    expect(source.podLabels).toEqual({
      controller: 'eventsource-controller',
      'eventsource-name': 'run-completion',
    });
    expect(source.podLabels).toMatchObject(selector as Record<string, string>);
  });

  it('opens the metrics port only to the scraper namespace it is given', () => {
    const chart = Testing.chart();
    const bus = new OperatorEventBus(chart, 'Bus', { namespace: 'kfp-operator' });
    new BusNetworkPolicy(chart, 'Policy', { bus, metricsScraperNamespace: 'monitoring' });

    expect(at(only(synth(chart), 'NetworkPolicy'), 'spec.ingress')).toEqual([
      { from: [{ podSelector: busPods }] },
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [
                { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] },
              ],
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 7777 }],
      },
    ]);
  });

  it('throws naming each bad consumer namespace', () => {
    const make = () => {
      const chart = Testing.chart();
      const bus = new OperatorEventBus(chart, 'Bus', { namespace: 'kfp-operator' });
      return new BusNetworkPolicy(chart, 'Policy', {
        bus,
        consumerNamespaces: ['ok', 'Not OK'],
        metricsScraperNamespace: 'mon_itoring',
      });
    };

    expect(make).toThrow(ConstructPropsError);
    expect(make).toThrow(
      [
        'test/Policy: 2 problems:',
        '  - consumerNamespaces[1]: "Not OK" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
        '  - metricsScraperNamespace: "mon_itoring" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
      ].join('\n'),
    );
  });
});
