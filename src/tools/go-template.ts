/**
 * A small subset of Go `text/template` with a few sprig functions, enough for the `template` of a data
 * filter and the `dataTemplate` of a trigger parameter: text with `{{ … }}` actions, each a field chain
 * on `.Input` (`.Input`, `.Input.body.status`), optionally piped through or applied to one of
 * `b64dec b64enc lower upper trim toString` (`{{ .Input | b64dec }}`, `{{ b64dec .Input }}`).
 * Anything else raises {@link UnsupportedTemplateError}.
 */

import { UnsupportedSyntaxError } from './errors.js';

/** Thrown for template syntax outside the supported subset. */
export class UnsupportedTemplateError extends UnsupportedSyntaxError {
  override readonly name = 'UnsupportedTemplateError';
}

const FUNCTIONS: Readonly<Record<string, (text: string) => string>> = {
  b64dec: (text) => Buffer.from(text, 'base64').toString('utf8'),
  b64enc: (text) => Buffer.from(text, 'utf8').toString('base64'),
  lower: (text) => text.toLowerCase(),
  upper: (text) => text.toUpperCase(),
  trim: (text) => text.trim(),
  toString: (text: string) => text,
};

/** Executes `template` with `{ Input: input }` as its data, as Argo Events does. */
export function executeGoTemplate(template: string, input: unknown): string {
  return template.replace(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g, (_action, body: string) =>
    runAction(body, input, template),
  );
}

function runAction(body: string, input: unknown, template: string): string {
  const [head = '', ...pipes] = body.split('|').map((part) => part.trim());
  const words = head.split(/\s+/);
  const fieldChain = words.length === 2 ? words[1] : words[0];
  const applied = words.length === 2 ? [words[0] as string] : words.length === 1 ? [] : undefined;
  if (applied === undefined || fieldChain === undefined || !/^\.Input(\.[A-Za-z0-9_-]+)*$/.test(fieldChain)) {
    throw new UnsupportedTemplateError(
      `template ${JSON.stringify(template)}: action "{{ ${body} }}" is not supported (use .Input, .Input.field… and ${Object.keys(FUNCTIONS).join(', ')})`,
    );
  }

  let value: unknown = input;
  for (const key of fieldChain.split('.').slice(2)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  let text = goPrint(value);
  for (const name of [...applied, ...pipes]) {
    const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (fn === undefined) {
      throw new UnsupportedTemplateError(
        `template ${JSON.stringify(template)}: function "${name}" is not supported`,
      );
    }
    text = fn(text);
  }
  return text;
}

/** How Go's `fmt` prints a decoded JSON value in a template. */
function goPrint(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
