/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The `p`-th percentile (0–100) of a non-empty list, by the nearest-rank method: the smallest value
 * with at least `p` percent of the values at or below it.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0–100, got ${p}`);

  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));

  return sorted[rank - 1] as number;
}

/** The median of each field over several runs' results. */
export function medianOf<T>(runs: readonly T[], pick: (run: T) => number): number {
  return median(runs.map(pick));
}
