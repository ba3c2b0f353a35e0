// Copies what the compiled runtime reads at run time next to it in lib/: the JSON Schemas and the
// ML Metadata .proto definitions.
import { cpSync, statSync } from 'node:fs';

cpSync('src', 'lib/src', {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || path.endsWith('.json') || path.endsWith('.proto'),
});
