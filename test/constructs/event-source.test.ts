import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ConstructPropsError,
  EventBusAuth,
  EventBusKind,
  OperatorEventBus,
  RunCompletionEventSource,
  formatDuration,
  type RunCompletionEventSourceProps,
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

function build(
  props: Partial<RunCompletionEventSourceProps> = {},
  bus: { kind?: EventBusKind; auth?: EventBusAuth } = {},
) {
  const chart = new Chart(Testing.app(), 'team', { namespace: 'penguin-team' });
  const operatorBus = OperatorEventBus.fromBusAttributes(chart, 'Bus', {
    name: 'kfp-operator-events',
    namespace: 'kfp-operator',
    ...bus,
  });
  const source = new RunCompletionEventSource(chart, 'EventSource', { operatorBus, ...props });
  return { chart, source };
}

const secret = (key: string) => ({ name: 'operator-bus', key });

describe('RunCompletionEventSource', () => {
  it('subscribes to the operator bus with jsonBody and a numeric connection backoff by default', () => {
    const { chart, source } = build();

    const manifest = only(synth(chart), 'EventSource');
    expect(manifest.metadata).toEqual({ name: 'run-completion', namespace: 'penguin-team' });
    expect(manifest.spec).toEqual({
      eventBusName: 'default',
      template: {
        securityContext: EXPECTED_POD_SECURITY_CONTEXT,
        container: { securityContext: EXPECTED_CONTAINER_SECURITY_CONTEXT },
      },
      nats: {
        'run-completion': {
          url: 'nats://eventbus-kfp-operator-events-stan-svc.kfp-operator.svc:4222',
          subject: 'events',
          jsonBody: true,
          connectionBackoff: { duration: '10s', factor: 2, jitter: 0.2, steps: 5 },
        },
      },
    });
    expect(source.eventSourceName).toBe('run-completion');
    expect(source.eventName).toBe('run-completion');
    expect(synth(chart)).toMatchSnapshot();
  });

  it('writes factor and jitter as JSON numbers and the duration as a Go duration', () => {
    const { chart } = build({
      connectionBackoff: { duration: Duration.millis(1500), factor: 1.5, jitter: 0.5, steps: 10 },
    });

    const backoff = at(only(synth(chart), 'EventSource'), 'spec.nats.run-completion.connectionBackoff');
    expect(backoff).toEqual({ duration: '1500ms', factor: 1.5, jitter: 0.5, steps: 10 });
  });

  it('names the event and subject as told and uses the token Secret of a token bus', () => {
    const { chart, source } = build(
      { name: 'kfp-runs', eventName: 'completions', subject: 'kfp.events', auth: { token: secret('token') } },
      { auth: EventBusAuth.TOKEN },
    );

    const spec = at(only(synth(chart), 'EventSource'), 'spec.nats') as Record<string, unknown>;
    expect(Object.keys(spec)).toEqual(['completions']);
    expect(at(spec, 'completions.subject')).toBe('kfp.events');
    expect(at(spec, 'completions.auth')).toEqual({ token: { name: 'operator-bus', key: 'token' } });
    expect(source.eventSourceName).toBe('kfp-runs');
  });

  it('connects to a JetStream bus with TLS and user/password', () => {
    const { chart } = build(
      {
        auth: { basic: { username: secret('username'), password: secret('password') } },
        tls: { caCertSecret: secret('ca-cert') },
      },
      { kind: EventBusKind.JETSTREAM },
    );

    const nats = at(only(synth(chart), 'EventSource'), 'spec.nats.run-completion');
    expect(nats).toMatchObject({
      url: 'nats://eventbus-kfp-operator-events-js-svc.kfp-operator.svc:4222',
      auth: {
        basic: {
          username: { name: 'operator-bus', key: 'username' },
          password: { name: 'operator-bus', key: 'password' },
        },
      },
      tls: { caCertSecret: { name: 'operator-bus', key: 'ca-cert' } },
    });
    expect(synth(chart)).toMatchSnapshot();
  });

  it('throws when a JetStream bus is given no TLS or credentials', () => {
    const make = () => build({}, { kind: EventBusKind.JETSTREAM });

    expect(make).toThrow(ConstructPropsError);
    expect(make).toThrow(
      [
        'team/EventSource: 2 problems:',
        '  - auth.basic: is required: the JetStream bus "kfp-operator-events" always uses user/password',
        '  - tls: is required: the JetStream bus "kfp-operator-events" always uses TLS',
      ].join('\n'),
    );
  });

  it('throws when neither the props nor the chart give a namespace', () => {
    const chart = Testing.chart();
    const operatorBus = OperatorEventBus.fromBusAttributes(chart, 'Bus', { name: 'bus', namespace: 'ops' });

    expect(() => new RunCompletionEventSource(chart, 'EventSource', { operatorBus })).toThrow(
      'test/EventSource: namespace: is not set and the chart has no namespace: set one of them',
    );
  });

  it('throws when a token bus is given no token', () => {
    expect(() => build({}, { auth: EventBusAuth.TOKEN })).toThrow(
      'team/EventSource: auth.token: is required: the bus "kfp-operator-events" uses token auth',
    );
  });

  it('gathers bad names, subject and backoff into one message', () => {
    const make = () =>
      build({
        name: 'Run_Completion',
        subject: 'events.>',
        connectionBackoff: { factor: 0.5, jitter: 2, steps: 0 },
      });

    expect(make).toThrow(
      [
        'team/EventSource: 5 problems:',
        '  - name: "Run_Completion" is not a DNS-1123 label: must be lower-case letters, digits and "-", starting and ending with a letter or digit',
        '  - subject: "events.>" must be a NATS subject without wildcards or spaces',
        '  - connectionBackoff.factor: 0.5 is not allowed: must be a number at least 1',
        '  - connectionBackoff.jitter: 2 is not allowed: must be a number from 0 to 1',
        '  - connectionBackoff.steps: 0 is not allowed: must be an integer at least 1',
      ].join('\n'),
    );
  });
});

describe('formatDuration', () => {
  it('writes durations the way Go parses them', () => {
    expect(formatDuration(Duration.seconds(10))).toBe('10s');
    expect(formatDuration(Duration.minutes(90))).toBe('1h30m');
    expect(formatDuration(Duration.seconds(3661))).toBe('1h1m1s');
    expect(formatDuration(Duration.millis(250))).toBe('250ms');
    expect(formatDuration(Duration.seconds(0))).toBe('0s');
  });
});

describe.skipIf(!ARGO_SCHEMA_AVAILABLE)('RunCompletionEventSource against the Argo Events schema', () => {
  it('synthesizes EventSources the schema accepts', () => {
    const plain = build().chart;
    const jetstream = build(
      {
        auth: { basic: { username: secret('username'), password: secret('password') } },
        tls: { caCertSecret: secret('ca-cert') },
      },
      { kind: EventBusKind.JETSTREAM },
    ).chart;

    for (const chart of [plain, jetstream]) {
      expect(argoSchemaProblems(only(synth(chart), 'EventSource'))).toEqual([]);
    }
  });
});
if (!ARGO_SCHEMA_AVAILABLE) console.log(`event-source.test.ts: ${ARGO_SCHEMA_SKIP_MESSAGE}`);
