import { connect, nkeys } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunCompletionEvent, runCompletionEventId } from 'kfp-events';
import { BusUnavailableError, type NatsEventPublisher } from '../../src/publisher/sink.js';
import { startNatsServer, type NatsServer } from '../support/nats-server.js';
import { selfSignedCertificate, type TestCertificate } from '../support/tls.js';
import { collect, sampleData, startSink, until } from './support.js';

/** The part of the nkeys module (typed loosely by nats.js) this test uses. */
interface NkeysModule {
  createUser(): { getPublicKey(): string; getSeed(): Uint8Array };
}

const event = createRunCompletionEvent({
  source: 'kfp',
  id: runCompletionEventId('kfp', 'sec'),
  data: sampleData(),
});

describe('NatsEventPublisher security', () => {
  let certificate: TestCertificate;
  const cleanups: Array<() => Promise<unknown>> = [];
  const sinkFor = (...args: Parameters<typeof startSink>): NatsEventPublisher => {
    const sink = startSink(...args);
    cleanups.push(() => sink.close(1_000));
    return sink;
  };
  const serverWith = async (...args: Parameters<typeof startNatsServer>): Promise<NatsServer> => {
    const server = await startNatsServer(...args);
    cleanups.push(() => server.dispose());
    return server;
  };

  beforeAll(() => {
    certificate = selfSignedCertificate();
  });
  afterAll(() => certificate?.dispose());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('authenticates with an NKey seed', async () => {
    const user = (nkeys as NkeysModule).createUser();
    const server = await serverWith({
      auth: { nkey: user.getPublicKey() },
    });
    const sink = sinkFor(server, {
      nats: { servers: [server.url], auth: { kind: 'nkey', seed: user.getSeed() } },
    });

    await sink.whenConnected();
    await sink.publish(event);
  });

  it('verifies a TLS server against the given CA and publishes over TLS', async () => {
    const server = await serverWith({ tls: certificate });
    const sink = sinkFor(server, {
      nats: {
        servers: [server.url],
        auth: { kind: 'none' },
        tls: { ca: certificate.pem, insecureSkipVerify: false },
      },
    });
    const nc = await connect({ servers: server.url, tls: { ca: certificate.pem } });
    cleanups.push(() => nc.close());
    const seen = await collect(nc, 'events');

    await sink.whenConnected();
    await sink.publish(event);

    await until(() => seen.length === 1, 'the message over TLS');
  });

  it('does not connect to a TLS server whose certificate it cannot verify, unless told to skip verification', async () => {
    const server = await serverWith({ tls: certificate });
    const attempts: number[] = [];
    const strict = sinkFor(server, {
      nats: { servers: [server.url], auth: { kind: 'none' }, tls: { insecureSkipVerify: false } },
      delay: async (ms) => {
        attempts.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    const lax = sinkFor(server, {
      nats: { servers: [server.url], auth: { kind: 'none' }, tls: { insecureSkipVerify: true } },
    });

    await lax.whenConnected();
    await lax.publish(event);
    await until(() => attempts.length >= 2, 'two refused attempts');
    expect(strict.connected).toBe(false);
    await expect(strict.publish(event)).rejects.toThrow(BusUnavailableError);
  });
});
