/** `kfp-events graph [--dist DIR] [--format mermaid|dot]`. */
import { DEFAULT_GRAPH_FORMAT, GRAPH_FORMATS, graph } from '../graph.js';
import { loadManifests } from '../manifests.js';
import {
  DEFAULT_DIST_DIR,
  EXIT,
  PROCESS_IO,
  parseChoice,
  parseOptions,
  runCommand,
  type CliIo,
} from './io.js';

const USAGE = 'usage: kfp-events graph [--dist DIR] [--format mermaid|dot]';

/** Runs `graph`; returns the exit code (0 done, 2 bad arguments or input). */
export async function run(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const values = parseOptions(argv, { dist: { type: 'string' }, format: { type: 'string' } });
    const format = parseChoice('--format', values.format, GRAPH_FORMATS, DEFAULT_GRAPH_FORMAT);

    io.stdout.write(graph(await loadManifests(values.dist ?? DEFAULT_DIST_DIR), { format }));
    return EXIT.OK;
  });
}
