/** Rewrites the generated sections of README.md (see src/docs/readme.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderReadme } from './readme-sections.js';

const readme = readFileSync('README.md', 'utf8');
const updated = await renderReadme(readme, 'dist');
writeFileSync('README.md', updated);
console.log(updated === readme ? 'docs: README.md is up to date' : 'docs: updated README.md');
