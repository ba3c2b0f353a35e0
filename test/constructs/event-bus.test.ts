import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  ConsumerEventBus,
  EventBusAuth,
  EventBusKind,
  OperatorEventBus,
} from 'kfp-events';
import {
  ARGO_SCHEMA_AVAILABLE,
  ARGO_SCHEMA_SKIP_MESSAGE,
  argoSchemaProblems,
} from '../support/argo-schema.js';
import {
  EXPECTED_CONTAINER_SECURITY_CONTEXT,
  EXPECTED_POD_SECURITY_CONTEXT,
} from '../support/restricted-contexts.js';
import { at, only, synth } from '../support/synth.js';

function chart() {
  return Testing.chart();
}

const restrictedPod = EXPECTED_POD_SECURITY_CONTEXT;
const restrictedContainer = { securityContext: EXPECTED_CONTAINER_SECURITY_CONTEXT };

describe('OperatorEventBus', () => {
  it('synthesizes a native bus named kfp-operator-events with 3 replicas and no auth by default', () => {
    const c = chart();
    const bus = new OperatorEventBus(c, 'Bus', { namespace: 'kfp-operator' });

    const manifest = only(synth(c), 'EventBus');
    expect(manifest.metadata).toEqual({ name: 'kfp-operator-events', namespace: 'kfp-operator' });
    expect(manifest.spec).toEqual({
      nats: {
        native: {
          replicas: 3,
          auth: 'none',
          securityContext: restrictedPod,
          containerTemplate: restrictedContainer,
          metricsContainerTemplate: restrictedContainer,
        },
      },
    });
    expect(bus.clientUrl).toBe('nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222');
    expect(bus.serviceName).toBe('eventbus-kfp-operator-events-stan-svc');
    expect(bus.clientPort).toBe(4222);
    expect(bus.clientAuthSecret).toBeUndefined();
    expect(bus.tlsCaSecret).toBeUndefined();
    expect(synth(c)).toMatchSnapshot();
  });

  it('names the Argo client Secret of a native bus with token auth', () => {
    const c = chart();
    const bus = new OperatorEventBus(c, 'Bus', {
      name: 'events',
      namespace: 'ops',
      auth: EventBusAuth.TOKEN,
    });

    expect(bus.clientAuthSecret).toEqual({ name: 'eventbus-events-client', key: 'client-auth' });
    expect(bus.tlsCaSecret).toBeUndefined();
    expect(at(only(synth(c), 'EventBus'), 'spec.nats.native.auth')).toBe('token');
  });

  it('synthesizes a JetStream bus with a version, persistence and the js Service facts', () => {
    const c = chart();
    const bus = new OperatorEventBus(c, 'Bus', {
      name: 'events',
      namespace: 'ops',
      kind: EventBusKind.JETSTREAM,
      replicas: 5,
      persistence: { storageClassName: 'fast', volumeSize: '20Gi' },
    });

    expect(only(synth(c), 'EventBus').spec).toEqual({
      jetstream: {
        version: '2.10.29',
        replicas: 5,
        persistence: { storageClassName: 'fast', accessMode: 'ReadWriteOnce', volumeSize: '20Gi' },
        securityContext: restrictedPod,
        containerTemplate: restrictedContainer,
        reloaderContainerTemplate: restrictedContainer,
        metricsContainerTemplate: restrictedContainer,
      },
    });
    expect(bus.clientUrl).toBe('nats://eventbus-events-js-svc.ops.svc:4222');
    expect(bus.clientAuthSecret).toEqual({ name: 'eventbus-events-js-client-auth', key: 'client-auth' });
    expect(bus.tlsCaSecret).toEqual({ name: 'eventbus-events-js-server', key: 'ca-cert' });
    expect(bus.podLabels).toEqual({ controller: 'eventbus-controller', 'eventbus-name': 'events' });
    expect(synth(c)).toMatchSnapshot();
  });

  it('defaults the persistent volume size to 10Gi', () => {
    const c = chart();
    new OperatorEventBus(c, 'Bus', { namespace: 'ops', persistence: {} });

    expect(at(only(synth(c), 'EventBus'), 'spec.nats.native.persistence')).toEqual({
      accessMode: 'ReadWriteOnce',
      volumeSize: '10Gi',
    });
  });

  it('takes the namespace from the chart when none is given', () => {
    const withNamespace = new Chart(Testing.app(), 'c', { namespace: 'from-chart' });
    const bus = new OperatorEventBus(withNamespace, 'Bus');

    expect(bus.namespace).toBe('from-chart');
    expect(at(only(synth(withNamespace), 'EventBus'), 'metadata.namespace')).toBe('from-chart');
  });

  it('throws when a JetStream bus is given 2 replicas', () => {
    const build = () =>
      new OperatorEventBus(chart(), 'Bus', { namespace: 'ops', kind: EventBusKind.JETSTREAM, replicas: 2 });

    expect(build).toThrow(ConstructPropsError);
    expect(build).toThrow(
      'test/Bus: replicas: 2 is rejected by Argo Events for JetStream: use 1, or 3 or more',
    );
  });

  it('throws when a native bus is given fewer than 3 replicas', () => {
    expect(() => new OperatorEventBus(chart(), 'Bus', { namespace: 'ops', replicas: 1 })).toThrow(
      'test/Bus: replicas: 1 is too few for a native (NATS Streaming) bus, which clusters with Raft: use 3 or more',
    );
  });

  it('accepts a single-replica JetStream bus', () => {
    const c = chart();
    new OperatorEventBus(c, 'Bus', { namespace: 'ops', kind: EventBusKind.JETSTREAM, replicas: 1 });

    expect(at(only(synth(c), 'EventBus'), 'spec.jetstream.replicas')).toBe(1);
  });

  it('gathers every problem of its props into one message', () => {
    const build = () =>
      new OperatorEventBus(chart(), 'Bus', {
        name: 'Bad_Name',
        namespace: 'ops',
        kind: EventBusKind.JETSTREAM,
        auth: EventBusAuth.TOKEN,
        replicas: 0,
        persistence: { volumeSize: 'ten gigs' },
      });

    expect(build).toThrow(
      [
        'test/Bus: 4 problems:',
        '  - name: "Bad_Name" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
        '  - replicas: 0 is not allowed: must be an integer at least 1',
        '  - auth: "token" is not allowed with JetStream, which always uses TLS and user/password',
        '  - persistence.volumeSize: "ten gigs" is not a Kubernetes quantity such as "10Gi"',
      ].join('\n'),
    );
  });

  it('throws when the name is too long for the Service names Argo Events derives from it', () => {
    const name = 'a'.repeat(46);

    expect(() => new OperatorEventBus(chart(), 'Bus', { name, namespace: 'ops' })).toThrow(
      `test/Bus: name: "${name}" is 46 characters long: must be at most 45`,
    );
  });

  it('throws when jetstreamVersion is given for a native bus', () => {
    expect(
      () => new OperatorEventBus(chart(), 'Bus', { namespace: 'ops', jetstreamVersion: '2.9.16' }),
    ).toThrow('test/Bus: jetstreamVersion: is only allowed with kind "jetstream"');
  });

  it('throws when neither the props nor the chart give a namespace', () => {
    expect(() => new OperatorEventBus(chart(), 'Bus')).toThrow(
      'test/Bus: namespace: is not set and the chart has no namespace: set one of them',
    );
  });

  it('refers to a bus deployed elsewhere by its attributes, synthesizing nothing', () => {
    const c = chart();
    const bus = OperatorEventBus.fromBusAttributes(c, 'Imported', {
      name: 'shared',
      namespace: 'platform',
      kind: EventBusKind.JETSTREAM,
    });

    expect(bus.clientUrl).toBe('nats://eventbus-shared-js-svc.platform.svc:4222');
    expect(bus.clientAuthSecret).toEqual({ name: 'eventbus-shared-js-client-auth', key: 'client-auth' });
    expect(bus.auth).toBe(EventBusAuth.NONE);
    expect(synth(c)).toEqual([]);
  });

  it('throws when imported attributes are not valid names', () => {
    expect(() =>
      OperatorEventBus.fromBusAttributes(chart(), 'Imported', { name: 'ok', namespace: 'Ops' }),
    ).toThrow('test/Imported: namespace: "Ops" is not a DNS-1123 label');
  });
});

describe('ConsumerEventBus', () => {
  it('synthesizes the EventBus named default of a consumer namespace', () => {
    const c = chart();
    const bus = new ConsumerEventBus(c, 'Bus', { namespace: 'penguin-team' });

    expect(bus.name).toBe('default');
    expect(only(synth(c), 'EventBus').metadata).toEqual({ name: 'default', namespace: 'penguin-team' });
    expect(bus.clientUrl).toBe('nats://eventbus-default-stan-svc.penguin-team.svc:4222');
  });
});

describe.skipIf(!ARGO_SCHEMA_AVAILABLE)('event buses against the Argo Events schema', () => {
  it('synthesizes EventBus objects the schema accepts', () => {
    const c = chart();
    new OperatorEventBus(c, 'Native', {
      name: 'native',
      namespace: 'ops',
      auth: EventBusAuth.TOKEN,
      persistence: {},
    });
    new OperatorEventBus(c, 'Js', {
      name: 'js',
      namespace: 'ops',
      kind: EventBusKind.JETSTREAM,
      persistence: {},
    });
    new ConsumerEventBus(c, 'Consumer', { namespace: 'team' });

    for (const manifest of synth(c)) expect(argoSchemaProblems(manifest)).toEqual([]);
  });
});
if (!ARGO_SCHEMA_AVAILABLE) console.log(`event-bus.test.ts: ${ARGO_SCHEMA_SKIP_MESSAGE}`);
