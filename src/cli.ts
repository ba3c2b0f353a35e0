#!/usr/bin/env node
/** The `kfp-events` command: dispatches to a subcommand, loading only the one that runs. */

/** A subcommand: a module exporting `run(argv)` that resolves with the exit code. */
interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

/** Every subcommand; add one with one line. */
const COMMANDS: Readonly<Record<string, Command>> = {
  publish: { summary: 'run the publisher: events to NATS', load: () => import('./publisher/cli.js') },
  replay: { summary: 're-publish stored events', load: () => import('./publisher/replay-cli.js') },
  simulate: { summary: 'show which Sensors an event fires', load: () => import('./tools/cli/simulate.js') },
  check: { summary: 'check synthesized manifests', load: () => import('./tools/cli/check.js') },
  graph: { summary: 'draw the event path (mermaid or dot)', load: () => import('./tools/cli/graph.js') },
};

const USAGE = `Usage: kfp-events <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "kfp-events <command> --help" for a command's options.
`;

/** Runs the command line; resolves with the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`kfp-events: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

process.exit(await main(process.argv.slice(2)));
