/** Small statistics for vetting: a win-rate interval that is honest about small samples, medians. */
import type { Micros } from '../core/money.js';

/** z for a two-sided 95% interval. */
export const Z95 = 1.959964;

/**
 * Wilson score interval of a proportion (wins of n). Unlike "wins / n +- z x se" it stays inside
 * [0, 1] and does not collapse to a point at 0 or n wins, so 3 wins of 3 reads as "at least 44%",
 * not "100%". Its lower bound is the win rate to trust.
 */
export function wilson(wins: number, n: number, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = wins / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  return { low: Math.max(0, (centre - spread) / denominator), high: Math.min(1, (centre + spread) / denominator) };
}

/** Median of micro-unit amounts (the mean of the middle two, rounded down, for an even count). */
export function medianMicros(values: readonly Micros[]): Micros | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2n;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A ratio rounded to 4 decimals, for stable output. */
export function ratio(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
