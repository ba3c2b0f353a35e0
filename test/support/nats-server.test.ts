import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from './nats-server.js';

describe('startNatsServer', () => {
  let server: NatsServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('starts a server that accepts clients with the configured token and rejects others', async () => {
    server = await startNatsServer({ auth: { token: 's3cret' } });

    const nc = await connect({ servers: server.url, token: 's3cret' });
    await nc.flush();
    await nc.close();

    await expect(connect({ servers: server.url, token: 'wrong' })).rejects.toThrow(/Authorization Violation/);
  });

  it('stops by pid and restarts on the same port with the same JetStream store', async () => {
    server = await startNatsServer({ jetstream: true, auth: { user: 'u', password: 'p' } });
    const port = server.port;
    const nc = await connect({ servers: server.url, user: 'u', pass: 'p' });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: 'kept', subjects: ['kept.>'] });
    await nc.jetstream().publish('kept.one', new Uint8Array([1]));
    await nc.close();

    await server.stop({ graceMs: 0 });
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    await server.restart();

    expect(server.port).toBe(port);
    const again = await connect({ servers: server.url, user: 'u', pass: 'p' });
    const info = await (await again.jetstreamManager()).streams.info('kept');
    expect(info.state.messages).toBe(1);
    await again.close();
  });
});
