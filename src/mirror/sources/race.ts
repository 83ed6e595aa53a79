/**
 * The race between fill sources. Every source runs at once; a whale fill is acted on when the first
 * source reports it, and the others confirm it (or fill the gap when the first one missed it). This
 * keeps the score per source: fills it saw first, fills it missed (another source saw them, this one
 * did not within the window), and its lead over the next source when it was first.
 */
import type { SourceName, WhaleFill } from '../types.js';

export interface SourceScore {
  source: SourceName;
  /** Fills this source reported before any other. */
  first: number;
  /** Fills this source reported after another one did. */
  confirmed: number;
  /** Fills another source reported and this one never did within the window. */
  missed: number;
  /** When first and another source also reported: ms until the next source did (p50, p99); null without such fills. */
  leadP50Ms: number | null;
  leadP99Ms: number | null;
}

export interface DetectionSummary {
  /** How long the other sources are waited for before a source counts as having missed a fill (ms). */
  windowMs: number;
  /** Fills still inside their window at the end of the run (counted as first, not yet as missed). */
  pending: number;
  sources: SourceScore[];
}

/** One fill's race, settled when every source reported it or its window ran out. */
export interface RaceResult {
  key: string;
  /** The fill as the first source reported it. */
  fill: WhaleFill;
  first: SourceName;
  /** Every source that reported it, in order, with ms after the first. */
  reports: Array<{ source: SourceName; afterMs: number }>;
  missed: SourceName[];
}

/** Lead samples kept per source: the latest ones, enough for a stable p99. */
const MAX_SAMPLES = 10_000;

interface Entry {
  fill: WhaleFill;
  at: number;
  reports: Map<SourceName, number>;
}

export class SourceRace {
  private readonly open = new Map<string, Entry>();
  private readonly scores = new Map<SourceName, { first: number; confirmed: number; missed: number; leads: number[] }>();

  constructor(
    private readonly sources: readonly SourceName[],
    readonly windowMs: number,
    private readonly onSettled: (result: RaceResult) => void = () => undefined,
  ) {
    for (const source of sources) this.scores.set(source, { first: 0, confirmed: 0, missed: 0, leads: [] });
  }

  /** A fill that just became a signal: `fill.source` won its race. */
  start(key: string, fill: WhaleFill, now: number): void {
    this.settle(now);
    this.open.set(key, { fill, at: now, reports: new Map([[fill.source, now]]) });
    this.score(fill.source).first++;
    this.settleIfComplete(key);
  }

  /** A later report of a fill whose race is open; repeats from a source that already reported are ignored. */
  report(key: string, source: SourceName, now: number): void {
    const entry = this.open.get(key);
    if (!entry || entry.reports.has(source)) return;
    entry.reports.set(source, now);
    this.score(source).confirmed++;
    this.settleIfComplete(key);
  }

  has(key: string): boolean {
    return this.open.has(key);
  }

  /** Settles every race whose window has run out (entries are in start order: stops at the first open one). */
  settle(now: number): void {
    for (const [key, entry] of this.open) {
      if (now - entry.at < this.windowMs) break;
      this.close(key, entry);
    }
  }

  summary(): DetectionSummary {
    return {
      windowMs: this.windowMs,
      pending: this.open.size,
      sources: [...this.scores].map(([source, s]) => ({
        source,
        first: s.first,
        confirmed: s.confirmed,
        missed: s.missed,
        leadP50Ms: percentile(s.leads, 50),
        leadP99Ms: percentile(s.leads, 99),
      })),
    };
  }

  private settleIfComplete(key: string): void {
    const entry = this.open.get(key)!;
    if (this.sources.every((source) => entry.reports.has(source))) this.close(key, entry);
  }

  private close(key: string, entry: Entry): void {
    this.open.delete(key);
    const reports = [...entry.reports].map(([source, at]) => ({ source, afterMs: at - entry.at }));
    const missed = this.sources.filter((source) => !entry.reports.has(source));
    for (const source of missed) this.score(source).missed++;
    const second = reports[1];
    if (second) {
      const leads = this.score(entry.fill.source).leads;
      leads.push(second.afterMs);
      if (leads.length > MAX_SAMPLES) leads.shift();
    }
    this.onSettled({ key, fill: entry.fill, first: entry.fill.source, reports, missed });
  }

  private score(source: SourceName) {
    let score = this.scores.get(source);
    if (!score) {
      // A source outside the configured set (a test seam): scored, never counted as missing.
      score = { first: 0, confirmed: 0, missed: 0, leads: [] };
      this.scores.set(source, score);
    }
    return score;
  }
}

/** Nearest-rank percentile; null for no samples. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
