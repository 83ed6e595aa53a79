/**
 * The Data API source: polls /activity per followed wallet with a cursor per wallet, pages through
 * bursts longer than one page (newest first, until it reaches the cursor) so nothing is lost, backs
 * off per wallet on 429, and polls wallets concurrently.
 */
import type { Clock, Logger } from '../../core/runtime.js';
import { RateLimitedError } from '../../core/errors.js';
import type { WhaleFill } from '../types.js';
import { ACTIVITY_PAGE_LIMIT, activityToFill, type ActivityItem, type DataApiClient } from './data-api.js';
import type { FillSink, FillSource } from './source.js';

export interface DataApiPollerOptions {
  wallets: readonly string[];
  intervalMs: number;
  /** Only rows at or after this time (ms) are delivered; the cursors start here. */
  since: number;
  pageLimit?: number;
  /** Guard against a runaway burst: at most this many pages per wallet and poll. */
  maxPages?: number;
  concurrency?: number;
}

export class DataApiPoller implements FillSource {
  readonly name = 'data-api' as const;
  private readonly cursors = new Map<string, number>(); // unix seconds
  private readonly backoff = new Map<string, { until: number; delay: number }>();
  private cancelTimer: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private sink: FillSink | undefined;
  private stopped = false;

  constructor(
    private readonly client: DataApiClient,
    private readonly options: DataApiPollerOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    for (const wallet of options.wallets) this.cursors.set(wallet.toLowerCase(), Math.floor(options.since / 1000));
  }

  async start(sink: FillSink): Promise<void> {
    this.sink = sink;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    await this.running;
  }

  /** One pass over every wallet (also used by the RTDS source to fill a gap). */
  async pollAll(sink: FillSink | undefined = this.sink): Promise<void> {
    if (!sink) return;
    const wallets = [...this.cursors.keys()];
    const concurrency = this.options.concurrency ?? 8;
    let next = 0;
    const worker = async () => {
      while (next < wallets.length) {
        const wallet = wallets[next++]!;
        await this.pollWallet(wallet, sink);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, wallets.length) }, worker));
  }

  /** Rewinds every cursor to `since` (ms) so the next pass re-reads a gap; dedup drops what was seen. */
  rewind(since: number): void {
    const seconds = Math.floor(since / 1000);
    for (const [wallet, cursor] of this.cursors) if (seconds < cursor) this.cursors.set(wallet, seconds);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.cancelTimer = this.clock.after(delay, () => {
      this.running = this.pollAll().finally(() => this.schedule(this.options.intervalMs));
    });
  }

  private async pollWallet(wallet: string, sink: FillSink): Promise<void> {
    const now = this.clock.now();
    const backoff = this.backoff.get(wallet);
    if (backoff && now < backoff.until) return;
    const cursor = this.cursors.get(wallet)!;
    const limit = this.options.pageLimit ?? ACTIVITY_PAGE_LIMIT;
    const maxPages = this.options.maxPages ?? 20;
    const rows: ActivityItem[] = [];
    try {
      for (let page = 0; page < maxPages; page++) {
        const items = await this.client.activity(wallet, { limit, offset: page * limit, start: cursor });
        let reachedCursor = false;
        for (const item of items) {
          if (Number(item.timestamp) < cursor) reachedCursor = true;
          else rows.push(item);
        }
        if (reachedCursor || items.length < limit) break;
      }
      this.backoff.delete(wallet);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        const delay = Math.min((backoff?.delay ?? this.options.intervalMs) * 2, 60_000);
        const wait = error.retryAfterMs ?? delay;
        this.backoff.set(wallet, { until: now + wait, delay });
        this.logger.warn(`Data API rate limit for ${wallet}: backing off ${wait} ms`);
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
