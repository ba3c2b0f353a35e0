/** `kfp-events simulate --event FILE [--dist DIR] [--output text|json] [--encoding structured|binary]`. */
import { readFile } from 'node:fs/promises';
import { loadManifests } from '../manifests.js';
import { simulate, type SimulationResult } from '../simulate.js';
import {
  DEFAULT_DIST_DIR,
  EXIT,
  PROCESS_IO,
  UsageError,
  parseChoice,
  parseEncoding,
  parseOptions,
  runCommand,
  type CliIo,
} from './io.js';

/** How `simulate` prints its result. */
export type SimulateOutput = 'text' | 'json';

const OUTPUTS: readonly SimulateOutput[] = ['text', 'json'];

const USAGE =
  'usage: kfp-events simulate --event FILE [--dist DIR] [--output text|json] [--encoding structured|binary]';

/** Runs `simulate`; returns the exit code (0 done, 2 bad arguments or input). */
export async function run(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const values = parseOptions(argv, {
      event: { type: 'string' },
      dist: { type: 'string' },
      output: { type: 'string' },
      encoding: { type: 'string' },
    });
    if (values.event === undefined) throw new UsageError('--event FILE is required');
    const output = parseChoice('--output', values.output, OUTPUTS, 'text');
    const encoding = parseEncoding(values.encoding);

    const event = await readJson(values.event);
    const manifests = await loadManifests(values.dist ?? DEFAULT_DIST_DIR);
    const result = simulate(manifests, event, encoding === undefined ? {} : { encoding });

    io.stdout.write(output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatSimulation(result));
    return EXIT.OK;
  });
}

/** Renders a simulation for people: one block per Sensor, its dependencies, triggers and parameters. */
export function formatSimulation(result: SimulationResult): string {
  const data = result.event.data;
  const lines = [
    `event ${result.event.id}: pipeline ${JSON.stringify(data.pipelineName)} ${data.status}, encoding ${result.encoding}`,
    ...result.warnings.map((warning) => `warning: ${warning}`),
  ];
  for (const sensor of result.sensors) {
    lines.push(`Sensor ${sensor.namespace}/${sensor.name}: ${sensor.fires ? 'fires' : 'does not fire'}`);
    for (const note of sensor.reason.split('; ')) lines.push(`  ${note}`);
    for (const trigger of sensor.triggers) {
      lines.push(
        `  trigger ${trigger.name} (${trigger.kind}): ${trigger.fires ? 'fires' : 'does not fire'}, ${trigger.reason}`,
      );
      for (const [dest, value] of Object.entries(trigger.parameters)) {
        lines.push(`    ${dest} = ${typeof value === 'string' ? value : JSON.stringify(value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --event ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--event ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}
