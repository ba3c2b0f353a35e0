/** Formats a duration in millis as `812 ms` or `3.41 s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1_000).toFixed(2)} s`;
}

/** Formats kibibytes as `143 MB` (MiB, as the kernel counts them). */
export function formatKb(kb: number): string {
  return `${Math.round(kb / 1024)} MB`;
}

/** Formats a ratio as `1.23x`. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

/** Formats a fraction as `87%`. */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Formats a rate as `12,345/s`. */
export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** Formats an integer with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** Formats a byte count as `812 KB` or `12.4 MB` (powers of 1024). */
export function formatBytes(bytes: number): string {
  const kb = bytes / 1024;
  return kb < 1024 ? `${Math.round(kb)} KB` : `${(kb / 1024).toFixed(1)} MB`;
}
