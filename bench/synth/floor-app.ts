/**
 * Entry of the synth floor as its own process, configured like the app: the config file in
 * `KFP_EVENTS_CONFIG`, the output folder in `CDK8S_OUTDIR`.
 */
import { readFileSync } from 'node:fs';
import { synthFloor } from './floor.js';

const configFile = process.env.KFP_EVENTS_CONFIG;
const outdir = process.env.CDK8S_OUTDIR;
if (!configFile || !outdir) {
  console.error('floor-app needs KFP_EVENTS_CONFIG (the config file) and CDK8S_OUTDIR (the output folder)');
  process.exit(2);
}
synthFloor(readFileSync(configFile, 'utf8'), outdir);
