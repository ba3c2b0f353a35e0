// Test-only runner: `node --import tsx test/tools/run-cli.ts <simulate|check|graph> [args…]` runs one tool
// command as a process, the way `src/cli.ts` will dispatch it, and exits with its code.
import { run as check } from '../../src/tools/cli/check.js';
import { run as graph } from '../../src/tools/cli/graph.js';
import { run as simulate } from '../../src/tools/cli/simulate.js';

const commands: Record<string, (argv: string[]) => Promise<number>> = { simulate, check, graph };
const [name = '', ...argv] = process.argv.slice(2);
const command = commands[name];
if (command === undefined) {
  process.stderr.write(
    `unknown command ${JSON.stringify(name)}; expected one of ${Object.keys(commands).join(', ')}\n`,
  );
  process.exitCode = 2;
} else {
  process.exitCode = await command(argv);
}
