import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from 'kfp-events';

const FILE = 'kfp-events.yaml';

/** A valid config; tests replace parts of it. */
const PLATFORM = `platform:
  namespace: kfp-operator
  publisher:
    image: ghcr.io/kfp-events/publisher:0.1.0
`;

/** The one-line problems `parseConfig` reports for a document, or fails when it accepts it. */
function problemsOf(text: string): string[] {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).message.split('\n');
    const count = (err as ConfigError).problems.length;
    expect(lines[0]).toBe(`${FILE}: ${count === 1 ? '1 problem' : `${count} problems`}`);
    return lines.slice(1).map((line) => line.trim());
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** A config with one consumer whose pipelines are given as YAML lines (indented by 6). */
function withPipelines(pipelines: string): string {
  return `${PLATFORM}consumers:
  - namespace: penguin-team
    pipelines:
${pipelines}`;
}

describe('config errors', () => {
  it('reports every problem at once, in document order, with file, line, column, path and value', () => {
    const text = `platform:
  namespace: Kfp_Operator
  bus: { kind: jetstream, replicas: 2 }
  publisher: { image: ghcr.io/kfp-events/publisher:0.1.0 }
consumers:
  - namespace: penguin-team
    pipelines:
      - pipeline: penguin-pipeline
        status: done
        triggers: [{ kind: webhook }]
`;

    const error = (() => {
      try {
        return parseConfig(text, FILE);
      } catch (err) {
        return err;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).name).toBe('ConfigError');
    expect((error as ConfigError).message).toBe(
      [
        'kfp-events.yaml: 6 problems',
        `  kfp-events.yaml:2:14: platform.namespace: "Kfp_Operator" is not valid; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
        '  kfp-events.yaml:3:37: platform.bus.replicas: 2 is rejected by Argo Events for a jetstream bus; must be 1 or at least 3',
        '  kfp-events.yaml:6:5: consumers[0].eventSource.auth.basic: is required: the jetstream bus "kfp-operator-events" always uses user/password (give Secret keys in this namespace)',
        `  kfp-events.yaml:6:5: consumers[0].eventSource.tls: is required: the jetstream bus "kfp-operator-events" always uses TLS (give the CA certificate's Secret key)`,
        '  kfp-events.yaml:9:17: consumers[0].pipelines[0].status: "done" is not allowed; allowed: succeeded, failed, any',
        '  kfp-events.yaml:10:28: consumers[0].pipelines[0].triggers[0].kind: "webhook" is not allowed; allowed: log, http, k8s, argoWorkflow',
      ].join('\n'),
    );
    expect((error as ConfigError).problems[0]).toEqual({
      file: FILE,
      line: 2,
      column: 14,
      path: 'platform.namespace',
      message: `"Kfp_Operator" is not valid; must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });
  });

  it('rejects a namespace longer than 63 characters', () => {
    const long = 'a'.repeat(64);

    expect(problemsOf(PLATFORM.replace('kfp-operator', long))).toEqual([
      `kfp-events.yaml:2:14: platform.namespace: "${long}" is too long (64 characters); at most 63 are allowed`,
    ]);
  });

  it('rejects a bus name whose Argo Events Service name would exceed 63 characters', () => {
    const name = 'b'.repeat(46);

    expect(problemsOf(`${PLATFORM}  bus: { name: ${name} }\n`)).toEqual([
      `kfp-events.yaml:5:16: platform.bus.name: "${name}" is too long (46 characters); at most 45 are allowed`,
    ]);
  });

  it('rejects a native bus with fewer than 3 replicas', () => {
    expect(problemsOf(`${PLATFORM}  bus: { replicas: 1 }\n`)).toEqual([
      'kfp-events.yaml:5:20: platform.bus.replicas: 1 is too few for a native bus; must be at least 3 (Argo Events would silently run 3)',
    ]);
  });

  it('rejects token auth and a publisher JetStream delivery where the bus kind does not allow them', () => {
    const text = `platform:
  namespace: kfp-operator
  bus: { kind: jetstream, auth: token }
  publisher: { image: ghcr.io/kfp-events/publisher:0.1.0 }
`;

    expect(problemsOf(text)).toEqual([
      'kfp-events.yaml:3:33: platform.bus.auth: "token" applies to native buses only; a jetstream bus always uses TLS with user/password, so remove it',
    ]);
    expect(problemsOf(`${PLATFORM}    delivery: jetstream\n  bus: { jetstreamVersion: "2.9.1" }\n`)).toEqual([
      'kfp-events.yaml:5:15: platform.publisher.delivery: "jetstream" needs a jetstream bus, but platform.bus.kind is "native"; allowed here: core',
      'kfp-events.yaml:6:28: platform.bus.jetstreamVersion: "2.9.1" applies to jetstream buses only; remove it or set kind: jetstream',
    ]);
  });

  it('applies the same bus rules to a consumer namespace EventBus', () => {
    expect(
      problemsOf(
        `${PLATFORM}consumers:\n  - namespace: penguin-team\n    eventBus: { kind: jetstream, replicas: 2 }\n`,
      ),
    ).toEqual([
      'kfp-events.yaml:7:44: consumers[0].eventBus.replicas: 2 is rejected by Argo Events for a jetstream bus; must be 1 or at least 3',
    ]);
  });

  it('names an unknown field and lists the allowed ones', () => {
    expect(problemsOf(`${PLATFORM}  bus: { size: 3 }\n`)).toEqual([
      'kfp-events.yaml:5:10: platform.bus.size: is not a known field; allowed: name, kind, replicas, auth, jetstreamVersion, persistence',
    ]);
  });

  it('names a missing required field at its parent', () => {
    expect(problemsOf('platform:\n  namespace: kfp-operator\n  publisher: {}\n')).toEqual([
      'kfp-events.yaml:3:14: platform.publisher.image: is required',
    ]);
  });

  it('names a value of the wrong type', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - pipeline: p\n        triggers: [{ kind: log }]\n    eventSource: { connectionBackoff: { steps: "5" } }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:10:48: consumers[0].eventSource.connectionBackoff.steps: "5" is a string; must be an integer',
    ]);
  });

  it('rejects a duration that is not Go-style or is zero', () => {
    const text = (duration: string) =>
      `${PLATFORM}consumers:\n  - namespace: penguin-team\n    eventSource: { connectionBackoff: { duration: ${duration} } }\n`;

    expect(problemsOf(text('10 seconds'))).toEqual([
      'kfp-events.yaml:7:51: consumers[0].eventSource.connectionBackoff.duration: "10 seconds" is not valid; must be a duration such as 10s, 1m30s or 500ms (units h, m, s, ms)',
    ]);
    expect(problemsOf(text('0s'))).toEqual([
      'kfp-events.yaml:7:51: consumers[0].eventSource.connectionBackoff.duration: "0s" is zero; must be longer than 0',
    ]);
    expect(() => parseConfig(text('1m30s'), FILE)).not.toThrow();
  });

  it('rejects duplicate consumer namespaces, naming the first', () => {
    expect(
      problemsOf(`${PLATFORM}consumers:\n  - namespace: penguin-team\n  - namespace: penguin-team\n`),
    ).toEqual([
      'kfp-events.yaml:7:16: consumers[1].namespace: "penguin-team" is already used by consumers[0]; each consumer namespace may appear once',
    ]);
  });

  it('rejects two pipeline entries with the same explicit Sensor name', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - { pipeline: a, sensor: deploy, triggers: [{ kind: log }] }\n' +
            '      - { pipeline: b, sensor: deploy, triggers: [{ kind: log }] }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:9:32: consumers[0].pipelines[1].sensor: Sensor name "deploy" is also the Sensor of consumers[0].pipelines[0] (pipeline "a"); Sensor names must be unique in a namespace: set a distinct "sensor" on one of them',
    ]);
  });

  it('rejects two pipeline entries whose derived Sensor names collide, naming both', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - { pipeline: taxi-pipeline, triggers: [{ kind: log }] }\n' +
            '      - { pipeline: taxi-pipeline, status: succeeded, triggers: [{ kind: log }] }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:9:21: consumers[0].pipelines[1].pipeline: Sensor name "taxi-pipeline-succeeded" (derived) is also the Sensor of consumers[0].pipelines[0] (pipeline "taxi-pipeline"); Sensor names must be unique in a namespace: set a distinct "sensor" on one of them',
    ]);
  });

  it('accepts the same Sensor name in two namespaces', () => {
    const text = `${PLATFORM}consumers:
  - { namespace: a, pipelines: [{ pipeline: p, triggers: [{ kind: log }] }] }
  - { namespace: b, pipelines: [{ pipeline: p, triggers: [{ kind: log }] }] }
`;

    expect(parseConfig(text, FILE).consumers).toHaveLength(2);
  });

  it('rejects a k8s trigger without a target', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - pipeline: p\n        triggers:\n          - { kind: k8s, operation: patch }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:10:13: consumers[0].pipelines[0].triggers[0]: k8s trigger (operation patch) has no target; give "target" ({apiVersion, kind, name}) or "manifest"',
    ]);
  });

  it('rejects a k8s manifest in another namespace and a patch strategy on a create', () => {
    const trigger =
      '          - kind: k8s\n            patchStrategy: merge\n' +
      '            manifest: { apiVersion: v1, kind: ConfigMap, metadata: { name: c, namespace: other } }\n';

    expect(problemsOf(withPipelines(`      - pipeline: p\n        triggers:\n${trigger}`))).toEqual([
      'kfp-events.yaml:11:28: consumers[0].pipelines[0].triggers[0].patchStrategy: "merge" applies to operation patch only, but the operation is create',
      `kfp-events.yaml:12:90: consumers[0].pipelines[0].triggers[0].manifest.metadata.namespace: "other" is not allowed; the object lives in the consumer namespace (the Sensor's Role covers only that)`,
    ]);
  });

  it('rejects an http trigger without a URL or payload and a field that belongs to another kind', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - pipeline: p\n        triggers:\n          - { kind: http, operation: patch }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:10:13: consumers[0].pipelines[0].triggers[0].url: is required',
      'kfp-events.yaml:10:13: consumers[0].pipelines[0].triggers[0].payload: is required',
      'kfp-events.yaml:10:27: consumers[0].pipelines[0].triggers[0].operation: is not a known field; allowed: kind, name, url, method, payload, headers, secureHeaders, retry, atLeastOnce',
    ]);
  });

  it('rejects a workflow trigger whose manifest is not an Argo Workflow', () => {
    expect(
      problemsOf(
        withPipelines(
          '      - pipeline: p\n        triggers:\n          - { kind: argoWorkflow, workflow: { apiVersion: batch/v1, kind: Job } }\n',
        ),
      ),
    ).toEqual([
      'kfp-events.yaml:10:59: consumers[0].pipelines[0].triggers[0].workflow.apiVersion: "batch/v1" is not allowed; must be argoproj.io/v1alpha1',
      'kfp-events.yaml:10:75: consumers[0].pipelines[0].triggers[0].workflow.kind: "Job" is not allowed; must be Workflow',
    ]);
  });

  it('rejects an index on a parameter that is not a serving model field, and duplicate trigger names', () => {
    const triggers =
      '          - { kind: log, name: note }\n' +
      '          - kind: k8s\n            name: note\n            target: { apiVersion: v1, kind: ConfigMap, name: c }\n' +
      '            parameters: [{ from: runId, index: 1, dest: data.run }]\n';

    expect(problemsOf(withPipelines(`      - pipeline: p\n        triggers:\n${triggers}`))).toEqual([
      'kfp-events.yaml:12:19: consumers[0].pipelines[0].triggers[1].name: "note" is already the name of trigger 0; trigger names must be unique in a Sensor',
      'kfp-events.yaml:14:48: consumers[0].pipelines[0].triggers[1].parameters[0].index: applies to servingModelLocation and servingModelName only, not to "runId"',
    ]);
  });

  it('rejects a pipeline entry without triggers', () => {
    expect(problemsOf(withPipelines('      - { pipeline: p, triggers: [] }\n'))).toEqual([
      'kfp-events.yaml:8:34: consumers[0].pipelines[0].triggers: has no entries; at least 1 required',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('platform:\n  namespace: [kfp\n')).toEqual([
      expect.stringMatching(/^kfp-events\.yaml:3:1: \(document\): YAML syntax: /) as string,
    ]);
    expect(problemsOf('platform: {}\nplatform: {}\n')).toEqual([
      'kfp-events.yaml:2:1: (document): YAML syntax: Map keys must be unique',
    ]);
  });

  it('reports an empty document and a missing file', () => {
    expect(problemsOf('# nothing here\n')).toEqual([
      'kfp-events.yaml: (document): is empty; a config needs at least "platform"',
    ]);
    expect(() => loadConfigFile('test/app/no-such-file.yaml')).toThrow(ConfigError);
    expect(() => loadConfigFile('test/app/no-such-file.yaml')).toThrow(
      new ConfigError([
        { file: 'test/app/no-such-file.yaml', path: '', message: 'cannot be read: does not exist' },
      ]),
    );
  });
});
