/** A duration as written in the config: one or more `<number><unit>` parts, e.g. `10s`, `1m30s`, `500ms`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

/** What a duration may look like, in the words of an error message. */
export const DURATION_RULE = 'a duration such as 10s, 1m30s or 500ms (units h, m, s, ms)';

const UNIT_MILLIS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const DURATION = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

/**
 * Parses a duration such as `1m30s` into milliseconds (rounded to whole milliseconds). Returns
 * `undefined` for anything that does not match {@link DURATION_PATTERN}.
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;

  let millis = 0;
  for (const [, amount, unit] of text.matchAll(PART)) millis += Number(amount) * UNIT_MILLIS[unit!]!;
  return Math.round(millis);
}
