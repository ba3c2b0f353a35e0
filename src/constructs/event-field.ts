import type { SensorPaths } from '../contract/index.js';

/**
 * A field of a run-completion event, used as the source of a trigger parameter. Its gjson path is
 * derived from the wire encoding by the contract's `sensorPaths`, never written by hand.
 */
export class EventField {
  /** `data.status`: `succeeded` or `failed`. */
  static status(): EventField {
    return new EventField('status', (paths) => paths.status);
  }

  /** `data.pipelineName`. */
  static pipelineName(): EventField {
    return new EventField('pipelineName', (paths) => paths.pipelineName);
  }

  /** `data.namespace`: the namespace the run ran in, where known. */
  static namespace(): EventField {
    return new EventField('namespace', (paths) => paths.namespace);
  }

  /** The `location` of the `index`-th serving model artifact (e.g. the model's bucket URI). */
  static servingModelLocation(index = 0): EventField {
    return new EventField(`servingModelLocation(${index})`, (paths) => paths.servingModelLocation(index));
  }

  /** The `name` of the `index`-th serving model artifact. */
  static servingModelName(index = 0): EventField {
    return new EventField(`servingModelName(${index})`, (paths) => paths.servingModelName(index));
  }

  /** Any top-level field of `data`, e.g. `runId`, `runName`, `runEndTime`. */
  static field(name: string): EventField {
    return new EventField(`field(${name})`, (paths) => paths.field(name));
  }

  /** The whole `data` object, as JSON. */
  static data(): EventField {
    return new EventField('data', (paths) => paths.data);
  }

  /** A CloudEvent attribute such as `id` or `time`; only the structured encoding carries them. */
  static attribute(name: string): EventField {
    return new EventField(`attribute(${name})`, (paths) => paths.attribute(name));
  }

  private constructor(
    /** A readable name of the field, for messages. */
    readonly description: string,
    private readonly resolve: (paths: SensorPaths) => string,
  ) {}

  /** The gjson path of this field in events of the given encoding. */
  path(paths: SensorPaths): string {
    return this.resolve(paths);
  }
}
