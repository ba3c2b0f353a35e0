import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillSections, renderReadme } from '../scripts/readme-sections.js';

const ROOT = resolve(import.meta.dirname, '..');

describe('README.md', () => {
  it('carries the current generated sections (run `npm run docs` when this fails)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(await renderReadme(readme, join(ROOT, 'dist'))).toBe(readme);
  });

  it('opens with the two commands a newcomer needs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

    expect(firstBlock).toContain('npm ci && npm run synth');
    expect(firstBlock).toContain('npm test');
  });
});

describe('fillSections', () => {
  it('refuses a README without the markers of a section', () => {
    expect(() => fillSections('# nothing here\n', { x: 'body' })).toThrow(
      'README.md: markers for the "x" section are missing',
    );
  });
});
