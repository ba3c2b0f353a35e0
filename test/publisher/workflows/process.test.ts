import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PUBLISHER_ENV as E } from '../../../src/contract/index.js';
import { FakeKubeServer } from '../../support/fake-kube.js';
import { freePort, startNatsServer, type NatsServer } from '../../support/nats-server.js';
import { generatedWorkflow } from '../../support/workflow-fixtures.js';
import { collect, type SeenMessage } from '../support.js';
import { generatedNames, waitFor } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const backlog = 500;

/** A `kfp-events publish` process run from source. */
interface Publisher {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output: string;
}

describe('kfp-events publish watching workflows, as a process', () => {
  let kube: FakeKubeServer;
  let nats: NatsServer;
  let subscriber: NatsConnection;
  let seen: SeenMessage[];
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    kube = await FakeKubeServer.start();
    nats = await startNatsServer();
    subscriber = await connect({ servers: nats.url });
    seen = await collect(subscriber, 'events');
    dir = mkdtempSync(join(tmpdir(), 'kfp-events-process-'));
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeConfigYaml());
    for (let i = 0; i < backlog; i++) kube.addWorkflow(generatedWorkflow(i));
  });

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await subscriber.close();
    await nats.dispose();
    await kube.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const publisher = async (env: Record<string, string> = {}): Promise<Publisher> => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/cli.ts', 'publish'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          KUBECONFIG: join(dir, 'kubeconfig'),
          [E.NATS_URL.name]: nats.url,
          [E.WORKFLOW_NAMESPACES.name]: 'kubeflow',
          [E.LISTEN_HOST.name]: '127.0.0.1',
          [E.HTTP_PORT.name]: String(await freePort()),
          [E.HEALTH_PORT.name]: String(await freePort()),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    const started: Publisher = {
      child,
      exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
      output: '',
    };
    child.stdout?.on('data', (chunk: Buffer) => (started.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (started.output += chunk.toString('utf8')));
    return started;
  };

  const labelledCount = (): number =>
    kube
      .listWorkflows('kubeflow')
      .filter((w) => w.metadata?.labels?.['pipelines.kubeflow.org/events-published'] === 'true').length;

  const seenRunNames = (): string[] => [
    ...new Set(seen.map((m) => (JSON.parse(m.payload) as { data: { runName: string } }).data.runName)),
  ];

  it('publishes and labels every workflow when SIGKILLed mid-backlog and restarted', async () => {
    const first = await publisher();
    await waitFor('the first process to be mid-backlog', () => labelledCount() >= 50, 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const labelledBeforeRestart = labelledCount();

    const second = await publisher();
    await waitFor('every workflow labelled', () => labelledCount() === backlog, 60_000);
    await subscriber.flush();
    second.child.kill('SIGTERM');

    expect(await second.exited).toBe(0);
    expect(labelledBeforeRestart).toBeLessThan(backlog);
    expect(seenRunNames().sort()).toEqual(generatedNames(0, backlog));
    expect(seen.length - backlog).toBeLessThanOrEqual(4);
  });

  it('lets the other of two leader-elected processes finish when the leader is SIGKILLed', async () => {
    const election = {
      [E.LEADER_ELECTION.name]: 'true',
      [E.LEASE_NAMESPACE.name]: 'kfp-operator',
      [E.LEASE_DURATION.name]: '2s',
    };
    const a = await publisher({ ...election, [E.POD_NAME.name]: 'publisher-a' });
    await waitFor(
      'a to hold the lease',
      () => kube.getLease('kfp-operator', 'kfp-events-publisher') !== undefined,
      30_000,
    );
    const b = await publisher({ ...election, [E.POD_NAME.name]: 'publisher-b' });
    const leader = (kube.getLease('kfp-operator', 'kfp-events-publisher')?.spec as { holderIdentity: string })
      .holderIdentity;
    const [killed, survivor] = leader === 'publisher-a' ? [a, b] : [b, a];
    await waitFor('the leader to be mid-backlog', () => labelledCount() >= 50, 30_000);

    killed.child.kill('SIGKILL');
    await killed.exited;
    const labelledAtKill = labelledCount();
    await waitFor('every workflow labelled', () => labelledCount() === backlog, 60_000);
    survivor.child.kill('SIGTERM');

    expect(await survivor.exited).toBe(0);
    expect(labelledAtKill).toBeLessThan(backlog);
    expect(survivor.output).toContain('"msg":"acquired the lease; leading"');
    expect(seenRunNames().sort()).toEqual(generatedNames(0, backlog));
    expect(seen.length - backlog).toBeLessThanOrEqual(4);
    expect(
      (kube.getLease('kfp-operator', 'kfp-events-publisher')?.spec as { holderIdentity: string })
        .holderIdentity,
    ).toBe('');
  });
});
