/**
 * TradeMonitor: runs the sources, drops what is not a new fill of a followed wallet (duplicates from
 * several sources or repeated messages, trades from before the start, stale reconciliation rows),
 * records each new signal durably and hands it on. The sources race: the first report of a fill is
 * the signal, later ones confirm it, and SourceRace keeps the score.
 */
import { every, type Clock } from '../core/runtime.js';
import { fillKey, SeenSet } from './dedup.js';
import { SourceRace, type RaceResult } from './sources/race.js';
import type { FillSource } from './sources/source.js';
import type { MirrorStore } from './store.js';
import type { WhaleFill } from './types.js';

export interface MonitorCounters {
  seen: number;
  duplicates: number;
  beforeStart: number;
}

export const DEFAULT_DEDUP_WINDOW_MS = 30 * 60_000;
/**
 * How long the other sources are waited for before one counts as having missed a fill. The Data API
 * lags the chain by seconds (VENUES.md 1.5) and, following many wallets, polls each one every few
 * seconds to a minute (DataApiPoller): two minutes covers both.
 */
export const DEFAULT_RACE_WINDOW_MS = 120_000;

export class TradeMonitor {
  private readonly seen: SeenSet;
  private readonly wallets: Set<string>;
  private accepting = true;
  private cancelSettle: (() => void) | undefined;
  readonly race: SourceRace;
  readonly counters: MonitorCounters = { seen: 0, duplicates: 0, beforeStart: 0 };

  constructor(
    private readonly options: {
      sources: readonly FillSource[];
      wallets: readonly string[];
      /** Fills before this time (ms) are history: never copied. */
      startAt: number;
      /** Keys of fills the venue already showed at the start (history inside the start's second). */
      history?: ReadonlySet<string>;
      /** The aggregation window: seen keys older than this are pruned, fills older than this ignored. */
      windowMs?: number;
      store: MirrorStore;
      clock: Clock;
      onSignal: (key: string, fill: WhaleFill) => void;
      /** The store could not say whether a fill is new: the fill is reported, the mirror stops. */
      onStoreFailure?: (error: Error, fill: WhaleFill) => void;
      /** How long a fill's race stays open (default DEFAULT_RACE_WINDOW_MS). */
      raceWindowMs?: number;
      /** A fill's race is over: every source reported it, or its window ran out. */
      onRaceSettled?: (result: RaceResult) => void;
    },
  ) {
    this.seen = new SeenSet(options.windowMs ?? DEFAULT_DEDUP_WINDOW_MS);
    const names = [...new Set(options.sources.map((source) => source.name))];
    this.race = new SourceRace(names, options.raceWindowMs ?? DEFAULT_RACE_WINDOW_MS, options.onRaceSettled);
    this.wallets = new Set(options.wallets.map((w) => w.toLowerCase()));
  }

  get seenSetSize(): number {
    return this.seen.size;
  }

  async start(): Promise<void> {
    const { clock } = this.options;
    this.cancelSettle = every(clock, Math.min(1000, this.race.windowMs), () => this.race.settle(clock.now()));
    await Promise.all(this.options.sources.map((source) => source.start((fill) => this.accept(fill))));
  }

  /** Stops taking signals: sources closed, late deliveries ignored. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.cancelSettle?.();
    await Promise.all(this.options.sources.map((source) => source.stop()));
  }

  /** Entry point of every source. Returns true when the fill became a new signal. */
  accept(fill: WhaleFill): boolean {
    if (!this.accepting || !this.wallets.has(fill.wallet)) return false;
    const { clock, store } = this.options;
    const now = clock.now();
    // The Data API has second precision: compare at second granularity so a fill in the start's
    // own second is not mistaken for history. Rows older than the dedup window could no longer be
    // recognised as repeats, so they are refused as well.
    const startSecond = Math.floor(this.options.startAt / 1000) * 1000;
    const windowMs = this.options.windowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    if (fill.timestamp < startSecond || fill.timestamp < now - windowMs) {
      this.counters.beforeStart++;
      return false;
    }
    const key = fillKey(fill);
    if (this.options.history?.has(key)) {
      this.counters.beforeStart++;
      return false;
    }
    if (this.race.has(key)) this.race.report(key, fill.source, now);
    if (!this.seen.add(key, now)) {
      this.counters.duplicates++;
      return false;
    }
    // The store remembers earlier runs: a restart never copies a fill a previous run already took.
    // (The signal is written with its decision, in one commit, by the executor.)
    let known: boolean;
    try {
      known = store.has(key);
    } catch (error) {
      this.options.onStoreFailure?.(store.failure('could not be read', error), fill);
      return false;
    }
    if (known) {
      this.counters.duplicates++;
      return false;
    }
    this.counters.seen++;
    this.race.start(key, fill, now);
    this.options.onSignal(key, fill);
    return true;
  }
}
