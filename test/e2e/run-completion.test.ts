/**
 * The whole run-completion path, with real parts wherever they can run here: the example config
 * synthesized by the app, a real nats-server, the real publisher process (HTTP ingest and the Argo
 * Workflows source against the fake Kubernetes API, serving models from the fake ML Metadata server),
 * a real NATS subscriber, and the simulator evaluating what arrived against the synthesized Sensors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PUBLISHER_ENV as E,
  loadConfigFile,
  loadManifests,
  sensorPaths,
  simulateMessage,
  synthesizeConfig,
  type Manifest,
  type ReceivedNatsMessage,
  type SimulatedSensor,
  type WireEncoding,
} from 'kfp-events';
import { FakeKubeServer } from '../support/fake-kube.js';
import { FakeMlmdServer } from '../support/fake-mlmd.js';
import { freePort, startNatsServer, type NatsServer } from '../support/nats-server.js';
import { finishedWorkflow } from '../support/workflow-fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PENGUIN_SENSOR = 'penguin-pipeline-model-update';
const TAXI_SENSOR = 'taxi-pipeline-succeeded';
const CONSUMER = 'penguin-team';
const WATCHED = 'kubeflow';

describe.each<WireEncoding>(['structured', 'binary'])(
  'the run-completion path end to end (%s)',
  (encoding) => {
    let dir: string;
    let manifests: Manifest[];
    let nats: NatsServer;
    let kube: FakeKubeServer;
    let mlmd: FakeMlmdServer;
    let subscriber: NatsConnection;
    let publisher: ChildProcess | undefined;
    let httpPort: number;
    const received: ReceivedNatsMessage[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kfp-events-e2e-'));
      // The structured run reads the committed dist/ (a test elsewhere keeps it fresh); the binary run
      // synthesizes the same example with only the publisher's encoding changed.
      let distDir = join(ROOT, 'dist');
      if (encoding !== 'structured') {
        const example = loadConfigFile(join(ROOT, 'kfp-events.yaml'));
        distDir = join(dir, 'dist');
        synthesizeConfig(
          {
            ...example,
            platform: { ...example.platform, publisher: { ...example.platform.publisher, encoding } },
          },
          distDir,
        );
      }
      manifests = await loadManifests(distDir);

      nats = await startNatsServer();
      kube = await FakeKubeServer.start();
      mlmd = await FakeMlmdServer.start();
      subscriber = await connect({ servers: nats.url });
      subscriber.subscribe(publisherEnv(manifests, E.SUBJECT.name) ?? E.SUBJECT.default, {
        callback: (_err, msg) => {
          const headers: Record<string, string[]> = {};
          for (const [name, values] of msg.headers ?? []) headers[name] = values;
          received.push({ subject: msg.subject, payload: msg.data, headers });
        },
      });
      await subscriber.flush();

      writeFileSync(join(dir, 'kubeconfig'), kube.kubeConfigYaml());
      httpPort = await freePort();
      const healthPort = await freePort();
      publisher = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'src/cli.ts', 'publish'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            KUBECONFIG: join(dir, 'kubeconfig'),
            // What the synthesized Deployment sets for the event's shape, so the runtime and the Sensors agree
            // because the manifests say so, not because this test repeats it.
            ...pick(manifests, [E.ENCODING.name, E.SOURCE.name, E.SUBJECT.name, E.DELIVERY.name]),
            [E.NATS_URL.name]: nats.url,
            [E.LISTEN_HOST.name]: '127.0.0.1',
            [E.HTTP_PORT.name]: String(httpPort),
            [E.HEALTH_PORT.name]: String(healthPort),
            [E.WORKFLOW_NAMESPACES.name]: WATCHED,
            [E.MLMD_ADDRESS.name]: mlmd.address,
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      await waitFor(async () => (await get(healthPort, '/readyz')) === 200, 'the publisher to be ready');
    });

    afterAll(async () => {
      if (publisher && publisher.exitCode === null) {
        const exited = new Promise((done) => publisher?.once('exit', done));
        publisher.kill('SIGTERM');
        await exited;
      }
      await subscriber?.close();
      await nats?.dispose();
      await kube?.stop();
      await mlmd?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    /** POSTs run-completion data to the publisher; resolves with the wire message once it arrives. */
    async function postAndReceive(data: Record<string, unknown>): Promise<ReceivedNatsMessage> {
      const { status, body } = await post(httpPort, '/events', data);
      expect(status, body).toBe(202);
      const { id } = JSON.parse(body) as { id: string };
      return receivedWithId(id);
    }

    async function receivedWithId(id: string): Promise<ReceivedNatsMessage> {
      let found: ReceivedNatsMessage | undefined;
      await waitFor(() => (found = received.find((m) => eventIdOf(m) === id)) !== undefined, `event ${id}`);
      return found!;
    }

    const sensor = (message: ReceivedNatsMessage, name: string): SimulatedSensor => {
      const result = simulateMessage(manifests, message);
      expect(result.encoding).toBe(encoding);
      const found = result.sensors.find((s) => s.namespace === CONSUMER && s.name === name);
      expect(found, `Sensor ${CONSUMER}/${name} in the synthesized manifests`).toBeDefined();
      return found!;
    };

    const penguinRun = (overrides: Record<string, unknown>): Record<string, unknown> => ({
      status: 'succeeded',
      pipelineName: 'penguin-pipeline',
      runId: `run-${Math.random().toString(36).slice(2)}`,
      servingModelArtifacts: [
        { name: 'penguin-pipeline:penguin-wf:Pusher:pushed_model:0', location: 'gs://models/penguin/42' },
      ],
      ...overrides,
    });

    it('fires the penguin Sensor for a succeeded penguin-pipeline run, carrying the model location', async () => {
      const message = await postAndReceive(penguinRun({}));

      const penguin = sensor(message, PENGUIN_SENSOR);
      expect(penguin.fires).toBe(true);
      expect(penguin.triggers.map((t) => [t.kind, t.fires])).toEqual([['log', true]]);
      // The location sits exactly where the contract's Sensor path for this encoding points.
      const envelopeBody = JSON.parse(Buffer.from(message.payload).toString('utf8')) as unknown;
      expect(lookup({ body: envelopeBody }, sensorPaths(encoding).servingModelLocation(0))).toBe(
        'gs://models/penguin/42',
      );
      expect(sensor(message, TAXI_SENSOR).fires).toBe(false);
    });

    it('does not fire it for a failed penguin-pipeline run', async () => {
      const penguin = sensor(await postAndReceive(penguinRun({ status: 'failed' })), PENGUIN_SENSOR);

      expect(penguin.fires).toBe(false);
      expect(penguin.reason).toContain(
        `filters did not pass (data filter ${sensorPaths(encoding).status} = "^succeeded$" (string) got "failed")`,
      );
    });

    it.each(['penguin-pipeline-v2', 'team-b/penguin-pipeline'])(
      'does not fire it for a succeeded run of %s',
      async (pipelineName) => {
        const penguin = sensor(await postAndReceive(penguinRun({ pipelineName })), PENGUIN_SENSOR);

        expect(penguin.fires).toBe(false);
        expect(penguin.reason).toContain(
          `filters did not pass (data filter ${sensorPaths(encoding).pipelineName} = "^penguin-pipeline$" (string) got ${JSON.stringify(pipelineName)})`,
        );
      },
    );

    it('publishes a finished taxi workflow with its pushed model from ML Metadata and patches the serving ConfigMap', async () => {
      const name = `taxi-pipeline-${encoding}`;
      mlmd.addContext('pipeline_run', name, [
        {
          type: 'PushedModel',
          uri: `gs://models/taxi/${encoding}`,
          customProperties: { pushed: { int_value: '1' } },
        },
      ]);
      const stored = kube.addWorkflow(
        finishedWorkflow(
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            metadata: {
              annotations: { 'pipelines.kubeflow.org/pipeline_spec': '{"name": "taxi-pipeline"}' },
              labels: { 'pipeline/runid': `run-${name}` },
            },
            spec: { entrypoint: 'taxi-pipeline' },
          },
          { name, namespace: WATCHED },
        ),
      );

      let message: ReceivedNatsMessage | undefined;
      await waitFor(
        () =>
          (message = received.find((m) => simulateMessage(manifests, m).event.data.runName === name)) !==
          undefined,
        `the event of workflow ${name}`,
      );
      const taxi = sensor(message!, TAXI_SENSOR);

      expect(taxi.fires).toBe(true);
      expect(taxi.triggers).toEqual([
        expect.objectContaining({
          kind: 'k8s',
          fires: true,
          parameters: { 'data.modelLocation': `gs://models/taxi/${encoding}` },
        }),
      ]);
      expect(sensor(message!, PENGUIN_SENSOR).fires).toBe(false);
      await waitFor(
        () =>
          kube.getWorkflow(WATCHED, name)?.metadata?.labels?.['pipelines.kubeflow.org/events-published'] ===
          'true',
        `workflow ${name} to be labelled`,
      );
      expect(stored.metadata?.uid).toBeTruthy();
    });
  },
);

/** The literal value the synthesized publisher Deployment gives an environment variable. */
function publisherEnv(manifests: readonly Manifest[], name: string): string | undefined {
  for (const { object } of manifests) {
    if (object.kind !== 'Deployment') continue;
    const spec = object.spec as {
      template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } };
    };
    for (const container of spec.template?.spec?.containers ?? []) {
      const found = container.env?.find((e) => e.name === name);
      if (found?.value !== undefined) return found.value;
    }
  }
  return undefined;
}

function pick(manifests: readonly Manifest[], names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = publisherEnv(manifests, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function eventIdOf(message: ReceivedNatsMessage): string | undefined {
  const header = Object.entries(message.headers).find(([name]) => name.toLowerCase() === 'ce-id')?.[1];
  if (header !== undefined) return typeof header === 'string' ? header : header[0];
  return (JSON.parse(Buffer.from(message.payload).toString('utf8')) as { id?: string }).id;
}

function lookup(root: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

function get(port: number, path: string): Promise<number> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(0));
    req.end();
  });
}

function post(port: number, path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    req.end(JSON.stringify(body));
  });
}
