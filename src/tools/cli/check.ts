/** `kfp-events check [--dist DIR] [--encoding structured|binary]`. */
import { check, formatCheckSummary, formatCheckProblem } from '../check.js';
import { loadManifests } from '../manifests.js';
import {
  DEFAULT_DIST_DIR,
  EXIT,
  PROCESS_IO,
  parseEncoding,
  parseOptions,
  runCommand,
  type CliIo,
} from './io.js';

const USAGE = 'usage: kfp-events check [--dist DIR] [--encoding structured|binary]';

/** Runs `check`; returns the exit code (0 no problems, 1 problems, 2 bad arguments or input). */
export async function run(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const values = parseOptions(argv, { dist: { type: 'string' }, encoding: { type: 'string' } });
    const encoding = parseEncoding(values.encoding);

    const result = check(
      await loadManifests(values.dist ?? DEFAULT_DIST_DIR),
      encoding === undefined ? {} : { encoding },
    );

    if (result.problems.length === 0) {
      io.stdout.write(`${formatCheckSummary(result)}\n`);
      return EXIT.OK;
    }
    io.stderr.write(
      `check found ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} (encoding ${result.encoding}):\n` +
        result.problems.map((problem) => `${formatCheckProblem(problem)}\n`).join(''),
    );
    return EXIT.PROBLEMS;
  });
}
