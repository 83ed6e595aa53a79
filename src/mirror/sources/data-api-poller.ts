/**
 * The Data API source: polls /activity per followed wallet with a cursor per wallet, pages through
 * bursts longer than one page (newest first, until it reaches the cursor) so nothing is lost.
 *
 * Following many wallets, polls are scheduled under the process's request budget: each wallet gets a
 * fair share of the /activity requests the documented limit allows (VENUES.md 1.7: 1,000 per 10 s
 * for the whole Data API), wallets are spread evenly over the period instead of polled in bursts, and
 * when a firehose source (RTDS) is live the polls only fill its gaps, at a slower pace. A 429 pauses the
 * budget for its Retry-After; the wallet's cursor stays where it was, so the next poll reads the rows
 * the refused one would have.
 */
import type { Clock, Logger } from '../../core/runtime.js';
import { RateLimitedError } from '../../core/errors.js';
import type { WhaleFill } from '../types.js';
import type { RequestBudget } from './budget.js';
import { ACTIVITY_PAGE_LIMIT, activityToFill, type ActivityItem, type DataApiClient } from './data-api.js';
import type { ActivityPageRef } from './data-api-v2.js';
import type { FillSink, FillSource } from './source.js';

/** Share of the Data API budget the /activity polls may use; the rest is for whale books and gap reads. */
export const ACTIVITY_BUDGET_SHARE = 0.8;
/** While a firehose source is live, polls only fill its gaps: each wallet this many times less often. */
export const GAP_FILL_FACTOR = 4;

export interface DataApiPollerOptions {
  wallets: readonly string[];
  /** Fastest polling period of one wallet (ms); slower when the budget's fair share says so. */
  intervalMs: number;
  /** Only rows at or after this time (ms) are delivered; the cursors start here. */
  since: number;
  pageLimit?: number;
  /** Guard against a runaway burst: at most this many pages per wallet and poll. */
  maxPages?: number;
  concurrency?: number;
  /** The process's Data API budget (the same one the client waits on): sets each wallet's fair share. */
  budget?: RequestBudget;
  /** True while a firehose source (RTDS) delivers: polling then only fills gaps, slower. */
  firehoseLive?: () => boolean;
}

export class DataApiPoller implements FillSource {
  readonly name = 'data-api' as const;
  private readonly cursors = new Map<string, number>(); // unix seconds
  /** Wallets in the order they are due; each goes back to the end once polled (round robin). */
  private due: Array<{ wallet: string; at: number; polledAt?: number }> = [];
  /** Some wallet is scheduled at the gap-filling pace: watch for the firehose going quiet. */
  private slowed = false;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private sink: FillSink | undefined;
  private stopped = false;
  /** Aborted at stop: polls waiting for the budget give up instead of holding the stop. */
  private readonly abort = new AbortController();

  constructor(
    private readonly client: DataApiClient,
    private readonly options: DataApiPollerOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    for (const wallet of options.wallets) this.cursors.set(wallet.toLowerCase(), Math.floor(options.since / 1000));
  }

  /**
   * How often one wallet is polled (ms): the configured period, or slower when the wallets' fair share
   * of the /activity budget asks for it, and slower again while a firehose is live.
   */
  periodMs(): number {
    const period = this.basePeriodMs();
    return this.firehoseLive() ? period * GAP_FILL_FACTOR : period;
  }

  /** The period without a live firehose: the configured one, or the fair share of the budget. */
  private basePeriodMs(): number {
    const budget = this.options.budget;
    const share = budget ? (budget.limitOf('/activity') * ACTIVITY_BUDGET_SHARE) / budget.limits.windowMs : Infinity; // requests per ms
    const fair = Math.ceil(this.cursors.size / share);
    return Math.max(this.options.intervalMs, fair);
  }

  private firehoseLive(): boolean {
    return this.options.firehoseLive?.() ?? false;
  }

  /**
   * The firehose stopped delivering: every wallet scheduled at the gap-filling pace is due again one
   * full-pace period after its last poll, not up to GAP_FILL_FACTOR periods later.
   */
  private resumeFullPace(): void {
    const period = this.basePeriodMs();
    for (const entry of this.due) if (entry.polledAt !== undefined) entry.at = Math.min(entry.at, entry.polledAt + period);
    this.due = this.due.sort((a, b) => a.at - b.at);
    this.slowed = false;
  }

  async start(sink: FillSink): Promise<void> {
    this.sink = sink;
    // Spread the first polls over one period: a thousand wallets never start with a thousand requests.
    const now = this.clock.now();
    const wallets = [...this.cursors.keys()];
    const step = this.periodMs() / Math.max(1, wallets.length);
    wallets.forEach((wallet, i) => this.due.push({ wallet, at: now + Math.floor(i * step) }));
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.abort.abort();
    await Promise.all(this.running);
  }

  /** One pass over every wallet now (the RTDS source's gap reconciliation, tests). */
  async pollAll(sink: FillSink | undefined = this.sink): Promise<void> {
    if (!sink) return;
    const wallets = [...this.cursors.keys()];
    const concurrency = this.options.concurrency ?? 8;
    let next = 0;
    const worker = async () => {
      while (next < wallets.length) await this.pollWallet(wallets[next++]!, sink);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, wallets.length) }, worker));
  }

  /** Rewinds every cursor to `since` (ms) so the next pass re-reads a gap; dedup drops what was seen. */
  rewind(since: number): void {
    const seconds = Math.floor(since / 1000);
    for (const [wallet, cursor] of this.cursors) if (seconds < cursor) this.cursors.set(wallet, seconds);
  }

  /** Starts every poll that is due (within the concurrency), then sleeps until the next one is. */
  private pump(): void {
    if (this.stopped || !this.sink) return;
    const now = this.clock.now();
    const concurrency = this.options.concurrency ?? 8;
    if (this.slowed && !this.firehoseLive()) this.resumeFullPace();
    while (this.inFlight < concurrency && this.due.length > 0 && this.due[0]!.at <= now) {
      const { wallet } = this.due.shift()!;
      this.inFlight++;
      const poll = this.pollWallet(wallet, this.sink).finally(() => {
        this.inFlight--;
        this.running.delete(poll);
        this.slowed ||= this.firehoseLive();
        this.due.push({ wallet, at: now + this.periodMs(), polledAt: now });
        this.pump();
      });
      this.running.add(poll);
    }
    let next = this.due[0]?.at;
    // While polls are slowed, look again within one full-pace period: the firehose may have gone quiet.
    if (this.slowed) next = Math.min(next ?? Infinity, now + this.basePeriodMs());
    if (next === undefined || this.inFlight >= concurrency || next >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = next;
    this.cancelTimer = this.clock.after(Math.max(0, next - now), () => {
      this.timerAt = Infinity;
      this.pump();
    });
  }

  private async pollWallet(wallet: string, sink: FillSink): Promise<void> {
    const cursor = this.cursors.get(wallet)!;
    const limit = this.options.pageLimit ?? ACTIVITY_PAGE_LIMIT;
    const maxPages = this.options.maxPages ?? 20;
    const rows: ActivityItem[] = [];
    try {
      let after: ActivityPageRef | undefined;
      for (let page = 0; page < maxPages; page++) {
        const result = await this.client.activityPage(wallet, { limit, start: cursor, after }, this.abort.signal);
        let reachedCursor = false;
        for (const item of result.items) {
          if (Number(item.timestamp) < cursor) reachedCursor = true;
          else rows.push(item);
        }
        if (reachedCursor || !result.next) break;
        after = result.next;
      }
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof RateLimitedError) {
        // The client paused the shared budget for the Retry-After: every request waits, this wallet is
        // polled again when its turn comes back, from the same cursor.
        this.logger.warn(`Data API rate limit (429) polling ${wallet}: waiting ${error.retryAfterMs ?? 'one window of'} ms`);
      } else {
        this.logger.warn(`Data API /activity for ${wallet}: ${(error as Error).message}`);
      }
      // Deliver nothing from a burst read half-way: newest rows first would move the cursor past
      // older rows not read yet. The next poll re-reads from the same cursor.
      return;
    }
    if (rows.length === 0) return;
    // Oldest first, so a whale's buy reaches the executor before its sell.
    const fills: WhaleFill[] = rows.map((row) => activityToFill(row, 'data-api', this.clock)).reverse();
    fills.sort((a, b) => a.timestamp - b.timestamp);
    let newest = cursor;
    for (const fill of fills) {
      sink(fill);
      newest = Math.max(newest, Math.floor(fill.timestamp / 1000));
    }
    // Rows of the newest second may still be arriving: keep it inclusive, dedup absorbs repeats.
    this.cursors.set(wallet, newest);
  }
}
