/**
 * The cdk8s app (`cdk8s synth` runs it, see cdk8s.yaml): reads `kfp-events.yaml` from the working
 * directory, or the file named by `$KFP_EVENTS_CONFIG`, and writes one manifest file per chart to
 * `dist/` (or `$CDK8S_OUTDIR`). A config that cannot be used is reported on stderr, one problem per
 * line, and the process exits with status 1.
 *
 * With `--check-config` it validates the config and builds the charts without writing anything, so that
 * `npm run synth` can refuse a broken config before `cdk8s synth` empties the output folder.
 */
import { relative, resolve } from 'node:path';
import { buildApp, ConfigError, loadConfigFile } from './config/index.js';
import { ConstructPropsError } from './constructs/index.js';

/** The config file read when `$KFP_EVENTS_CONFIG` is not set. */
export const DEFAULT_CONFIG_FILE = 'kfp-events.yaml';

/** The environment variable that names another config file. */
export const CONFIG_FILE_ENV = 'KFP_EVENTS_CONFIG';

/** Validate and build only; write nothing. */
const CHECK_CONFIG_FLAG = '--check-config';

function main(): number {
  const path = resolve(process.env[CONFIG_FILE_ENV] ?? DEFAULT_CONFIG_FILE);

  try {
    const config = loadConfigFile(path, relative(process.cwd(), path));
    const app = buildApp(config);
    if (!process.argv.includes(CHECK_CONFIG_FLAG)) app.synth();
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConstructPropsError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main();
