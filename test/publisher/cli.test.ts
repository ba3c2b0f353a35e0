import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISHER_ENV, runCompletionEventId } from 'kfp-events';
import { FakeKubeServer } from '../support/fake-kube.js';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.js';
import { collect, sampleData, send, until } from './support.js';

const PUBLISHED_LABEL = 'pipelines.kubeflow.org/events-published';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const E = PUBLISHER_ENV;

/** A `kfp-events` child process run from source, with its output gathered. */
interface Cli {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout: string;
  stderr: string;
}

const children: ChildProcess[] = [];
function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const result: Cli = {
    child,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    stdout: '',
    stderr: '',
  };
  child.stdout?.on('data', (chunk: Buffer) => (result.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (result.stderr += chunk.toString('utf8')));
  return result;
}

describe('kfp-events command line', () => {
  const servers: NatsServer[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const server of servers.splice(0)) {
      if (server.pid !== undefined) process.kill(server.pid, 'SIGCONT');
      await server.dispose();
    }
  });

  it('prints the commands with --help and exits 0', async () => {
    const run = cli(['--help']);

    expect(await run.exited).toBe(0);
    expect(run.stdout).toMatch(/^Usage: kfp-events <command> \[options\]/);
    expect(run.stdout).toMatch(/\n {2}publish {4}run the publisher: events to NATS/);
    expect(run.stdout).toMatch(/\n {2}replay {5}re-publish stored events/);
  });

  it('prints the usage on stderr and exits 2 for an unknown command', async () => {
    const run = cli(['pubish']);

    expect(await run.exited).toBe(2);
    expect(run.stderr).toMatch(/^kfp-events: unknown command "pubish"\n\nUsage: kfp-events/);
    expect(run.stdout).toBe('');
  });

  it('exits 1 naming each bad variable when the publisher is misconfigured', async () => {
    const run = cli(['publish'], { [E.DELIVERY.name]: 'sometimes' });

    expect(await run.exited).toBe(1);
    expect(run.stderr).toBe(
      'kfp-events publish: invalid publisher configuration:\n' +
        '  KFP_EVENTS_NATS_URL: is required: comma-separated NATS URLs such as "nats://host:4222"\n' +
        '  KFP_EVENTS_DELIVERY = "sometimes": must be one of "core", "jetstream"\n',
    );
  });

  it('starts while NATS is down, reports not ready and answers 503, then becomes ready once NATS is up', async () => {
    const [natsPort, httpPort, healthPort] = [await freePort(), await freePort(), await freePort()];
    const run = cli(['publish'], {
      [E.NATS_URL.name]: `nats://127.0.0.1:${natsPort}`,
      [E.LISTEN_HOST.name]: '127.0.0.1',
      [E.HTTP_PORT.name]: String(httpPort),
      [E.HEALTH_PORT.name]: String(healthPort),
    });
    await until(
      () => run.stdout.includes('"cannot connect to NATS; retrying"'),
      'a failed connection attempt',
      15_000,
    );

    const readyWhileDown = await send(healthPort, '/readyz', { method: 'GET' });
    const liveWhileDown = await send(healthPort, '/healthz', { method: 'GET' });
    const postWhileDown = await send(httpPort, '/events', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sampleData()),
    });
    const server = await startNatsServer({ port: natsPort });
    servers.push(server);
    await until(() => run.stdout.includes('"connected to NATS"'), 'the publisher to connect', 15_000);
    const readyOnceUp = await send(healthPort, '/readyz', { method: 'GET' });

    expect([readyWhileDown.status, liveWhileDown.status, postWhileDown.status]).toEqual([503, 200, 503]);
    expect(postWhileDown.headers['retry-after']).toBe('5');
    expect(readyOnceUp.status).toBe(200);
    expect(run.child.exitCode).toBeNull();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 40_000);

  it('on SIGTERM stops accepting, finishes in-flight publishes, drains and exits 0', async () => {
    const server = await startNatsServer();
    servers.push(server);
    const nc = await connect({ servers: server.url });
    const seen = await collect(nc, 'events');
    const [httpPort, healthPort] = [await freePort(), await freePort()];
    const run = cli(['publish'], {
      [E.NATS_URL.name]: server.url,
      [E.LISTEN_HOST.name]: '127.0.0.1',
      [E.HTTP_PORT.name]: String(httpPort),
      [E.HEALTH_PORT.name]: String(healthPort),
      [E.PUBLISH_TIMEOUT.name]: '20s',
      [E.SHUTDOWN_TIMEOUT.name]: '20s',
    });
    await until(() => run.stdout.includes('"connected to NATS"'), 'the publisher to connect', 15_000);
    expect((await send(healthPort, '/readyz', { method: 'GET' })).status).toBe(200);

    // Freeze the server so that publishes wait for their flush, then ask the publisher to stop.
    process.kill(server.pid as number, 'SIGSTOP');
    const posts = [1, 2, 3, 4, 5].map((i) =>
      send(httpPort, '/events', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sampleData({ runId: `drain-${i}` })),
      }),
    );
    await until(
      async () =>
        (await send(healthPort, '/metrics', { method: 'GET' })).body.includes(
          'kfp_events_publishes_in_flight 5',
        ),
      'five publishes in flight',
    );
    expect(run.stdout).not.toContain('"published event"');
    run.child.kill('SIGTERM');
    await until(() => run.stdout.includes('"shutting down"'), 'the shutdown to begin');
    const readyWhileStopping = await send(healthPort, '/readyz', { method: 'GET' });
    const refused = await send(httpPort, '/events', { body: '{}' }).then(
      (answer) => `answered ${answer.status}`,
      (err: NodeJS.ErrnoException) => err.code,
    );
    process.kill(server.pid as number, 'SIGCONT');

    const answers = await Promise.all(posts);
    expect(await run.exited).toBe(0);
    expect(readyWhileStopping.status).toBe(503);
    expect(refused).toBe('ECONNREFUSED');
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = [1, 2, 3, 4, 5].map((i) => runCompletionEventId('kfp', 'run', `drain-${i}`));
    await until(() => seen.length === 5, 'the five events on the bus');
    expect(seen.map((m) => (JSON.parse(m.payload) as { id: string }).id).sort()).toEqual([...ids].sort());
    const published = run.stdout
      .split('\n')
      .filter((line) => line.includes('"published event"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(published).toHaveLength(5);
    expect(published[0]).toMatchObject({
      level: 'info',
      pipeline: 'penguin-pipeline',
      status: 'succeeded',
      source: 'kfp',
    });
    expect(run.stdout).toContain('"msg":"stopped"');
    await nc.close();
  }, 40_000);

  it('publishes a finished workflow from a watched namespace and labels it, when namespaces are configured', async () => {
    const server = await startNatsServer();
    servers.push(server);
    const kube = await FakeKubeServer.start();
    const dir = mkdtempSync(join(tmpdir(), 'kfp-events-cli-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, kube.kubeConfigYaml());
      kube.addWorkflow({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: 'penguin-pipeline-abc12',
          namespace: 'kubeflow',
          uid: 'uid-77',
          labels: { 'pipeline/runid': 'run-77', 'workflows.argoproj.io/phase': 'Succeeded' },
          annotations: {
            'pipelines.kubeflow.org/pipeline_spec': JSON.stringify({ name: 'penguin-pipeline' }),
          },
        },
        spec: { entrypoint: 'penguin-pipeline' },
        status: { phase: 'Succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:10:00Z' },
      });
      const nc = await connect({ servers: server.url });
      const seen = await collect(nc, 'events');
      const [httpPort, healthPort] = [await freePort(), await freePort()];

      const run = cli(['publish'], {
        KUBECONFIG: kubeconfig,
        [E.NATS_URL.name]: server.url,
        [E.LISTEN_HOST.name]: '127.0.0.1',
        [E.HTTP_PORT.name]: String(httpPort),
        [E.HEALTH_PORT.name]: String(healthPort),
        [E.WORKFLOW_NAMESPACES.name]: 'kubeflow',
      });
      await until(
        () =>
          kube.getWorkflow('kubeflow', 'penguin-pipeline-abc12')?.metadata?.labels?.[PUBLISHED_LABEL] ===
          'true',
        'the workflow to be labelled',
        15_000,
      );
      run.child.kill('SIGTERM');

      expect(await run.exited).toBe(0);
      expect(seen).toHaveLength(1);
      expect(JSON.parse(seen[0]?.payload ?? '')).toMatchObject({
        source: 'kfp',
        time: '2026-01-01T00:10:00Z',
        data: {
          status: 'succeeded',
          pipelineName: 'penguin-pipeline',
          runId: 'run-77',
          servingModelArtifacts: [],
        },
      });
      await nc.close();
    } finally {
      await kube.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
