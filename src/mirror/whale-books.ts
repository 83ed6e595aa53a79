/**
 * WhaleBooks: loads the followed wallets' books (their positions, and the value proportional sizing
 * needs) in the background once the mirror runs, so it starts at once whatever the number of wallets.
 * Every request goes through the process's Data API budget like any other.
 *
 * A fill from a wallet not loaded yet does not wait for its turn here: the executor loads that wallet
 * on demand (WhalePositions.ensure, shared with a load already under way). That request must not queue
 * behind the background ones, so the background is paced below the budget instead of filling it: one
 * wallet every `backgroundPaceMs`, inside 90% of the /positions limit and of what the /activity polls
 * leave of the overall limit. The rest of the window is free for on-demand loads, which the budget then
 * lets through at once.
 */
import type { Clock, Logger } from '../core/runtime.js';
import type { BudgetLimits } from './sources/budget.js';
import { ACTIVITY_BUDGET_SHARE } from './sources/data-api-poller.js';
import type { WhaleBalanceCache } from './whale-balance-cache.js';
import type { WhalePositions } from './whale-positions.js';

/** Share of the room left to whale books that the background load uses; the rest is for on-demand loads. */
export const BACKGROUND_SHARE = 0.9;

/**
 * ms between two background wallet loads. With the default budget (VENUES.md 1.7 at 80%: 800 per 10 s
 * overall, 120 /positions): 93 ms (positions only, 1,000 wallets in 93 s) or 139 ms with the value
 * too (160 requests per 10 s are left by the polls, two per wallet: 1,000 wallets in 139 s).
 */
export function backgroundPaceMs(limits: BudgetLimits, withValues: boolean): number {
  const positions = (limits.routes['/positions'] ?? limits.overall) * BACKGROUND_SHARE;
  const leftByPolls = limits.overall * (1 - ACTIVITY_BUDGET_SHARE) * BACKGROUND_SHARE;
  return Math.max(limits.windowMs / positions, (limits.windowMs * (withValues ? 2 : 1)) / leftByPolls);
}

export interface WhaleBooksOptions {
  wallets: readonly string[];
  positions: WhalePositions;
  /** Set for proportional sizing: each wallet's value is loaded after its positions. */
  values?: WhaleBalanceCache;
  /** The Data API budget's limits: they set the background pace. */
  limits: BudgetLimits;
  clock: Clock;
  logger: Logger;
}

export class WhaleBooks {
  private readonly wallets: string[];
  private next = 0;
  private stopped = false;
  private cancelTimer: (() => void) | undefined;
  private readonly running = new Set<Promise<void>>();
  private finished!: () => void;
  private readonly over = new Promise<void>((resolve) => (this.finished = resolve));
  readonly paceMs: number;

  constructor(private readonly options: WhaleBooksOptions) {
    this.wallets = [...new Set(options.wallets.map((w) => w.toLowerCase()))];
    this.paceMs = backgroundPaceMs(options.limits, options.values !== undefined);
  }

  /** Starts loading in the background; returns at once. */
  start(): void {
    this.tick();
  }

  /** No new background load starts; one under way finishes (its request may already be on the wire). */
  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.finished();
  }

  /** Resolves when every wallet was tried once in the background (or on stop). */
  done(): Promise<void> {
    return this.over;
  }

  /** Wallets whose positions are not loaded yet. */
  get pending(): number {
    return this.wallets.filter((w) => !this.options.positions.has(w)).length;
  }

  /** Starts the next wallet not loaded yet (those loaded on demand cost no time), then waits one pace. */
  private tick(): void {
    if (this.stopped) return;
    while (this.next < this.wallets.length && this.options.positions.has(this.wallets[this.next]!)) this.next++;
    const wallet = this.wallets[this.next++];
    if (wallet === undefined) {
      void Promise.all(this.running).then(() => this.finished());
      return;
    }
    const load = this.load(wallet).finally(() => this.running.delete(load));
    this.running.add(load);
    this.cancelTimer = this.options.clock.after(this.paceMs, () => this.tick());
  }

  /** A failure leaves the wallet to its first fill's on-demand load. */
  private async load(wallet: string): Promise<void> {
    const { positions, values, logger } = this.options;
    await positions.ensure(wallet).catch((e: Error) => logger.warn(`positions of ${wallet}: ${e.message}`));
    if (this.stopped || !values || values.peek(wallet) !== undefined) return;
    await values.get(wallet).catch((e: Error) => logger.warn(`value of ${wallet}: ${e.message}`));
  }
}
