/**
 * TradeExecutor: turns a whale fill into an order. Gathers the decision's inputs (market rules, the
 * whale's book, ours), lets the pure `decide` choose, reserves cash, records the intent durably,
 * places a marketable FAK/FOK order with the worst-price cap, and books the outcome. Signals on the
 * same token run in order; different tokens run concurrently.
 */
import { createHash } from 'node:crypto';
import { formatMicros, type Micros } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { OrderResult } from '../core/types.js';
import { GeoblockedError, isRetryable, OutcomeUnknownError, RateLimitedError } from '../core/errors.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import type { Instrument } from './books.js';
import { decide } from './decide.js';
import { fillOutOfBounds, statusOfFill } from './fill-bounds.js';
import { makeEvent, usd, type MirrorEvent } from './events.js';
import { KeyedQueue } from './keyed-queue.js';
import type { MarketRulesSource } from './market-rules.js';
import type { MarketTitles } from './market-titles.js';
import type { Portfolio } from './portfolio.js';
import type { MirrorStore, SignalStatus } from './store.js';
import type { MarketMapper, PlannedOrder, RiskConfig, SkipReason, WhaleFill } from './types.js';
import type { WhaleBalanceCache } from './whale-balance-cache.js';
import type { WhalePositions } from './whale-positions.js';

export interface ExecutorDeps {
  adapter: IExchangeAdapter;
  store: MirrorStore;
  portfolio: Portfolio;
  markets: MarketRulesSource;
  /** Market names for events, looked up in the background (Gamma): never awaited. */
  titles?: MarketTitles;
  whaleValues: WhaleBalanceCache;
  whalePositions: WhalePositions;
  risk: RiskConfig;
  clock: Clock;
  logger: Logger;
  emit: (event: MirrorEvent) => void;
  dryRun: boolean;
  /** Polymarket token or condition id -> the market to trade on another venue. */
  mapMarket?: MarketMapper;
  /** Called when an order's outcome is unknown (the engine reconciles it with the venue, never re-sends). */
  onUnknown?: (token: string) => void;
  /** Called after a sell executed (FundManager trigger). */
  onSold?: () => void;
  /** Called when an order result is known, with the ms spent deciding+signing+posting (benchmarks). */
  onPlaced?: (key: string, fill: WhaleFill, placeMs: number) => void;
  /**
   * Before deciding a sell: set the book's shares of the token to the venue's (inside the token's
   * queue), so a sell is sized from and bounded by what the venue holds.
   */
  syncHolding?: (token: string) => Promise<void>;
  /** Signals whose fill is older than this (ms) are skipped as too old to copy at a sensible price. */
  maxSignalAgeMs?: number;
  /**
   * The state store refused a write even after retries: the mirror must stop taking signals (the
   * signal was reported in an event; a restart settles it from the venue).
   */
  onStoreFailure?: (error: Error) => void;
  /**
   * The venue refuses every order from this location (a geoblock): no further order is sent (queued
   * signals are skipped as at shutdown) and the engine ends the run with `error`.
   */
  onGeoblocked?: (error: GeoblockedError) => void;
}

/** Store writes are tried this many times, with a doubling pause (100 ms, 200 ms) between tries. */
const STORE_ATTEMPTS = 3;

export interface ExecutorCounters {
  copied: number;
  skipped: number;
  failed: number;
  skipReasons: Record<string, number>;
  orders: { sent: number; filled: number; partiallyFilled: number; missed: number; unknown: number };
}

/** A deterministic client id per signal: the same whale fill always maps to the same order intent. */
export function clientIdFor(key: string): string {
  return `bm-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

export class TradeExecutor {
  private readonly queue = new KeyedQueue();
  private stopping = false;
  /**
   * Bumped whenever an order starts or is booked: a balance read is comparable with the book only
   * if no order started or settled while it was on the wire.
   */
  activity = 0;
  readonly counters: ExecutorCounters = {
    copied: 0,
    skipped: 0,
    failed: 0,
    skipReasons: {},
    orders: { sent: 0, filled: 0, partiallyFilled: 0, missed: 0, unknown: 0 },
  };

  constructor(private readonly deps: ExecutorDeps) {}

  get inFlight(): number {
    return this.queue.pending;
  }

  submit(key: string, fill: WhaleFill): Promise<void> {
    return this.queue.push(fill.token, () => this.process(key, fill));
  }

  /** Runs `task` in the token's queue: nothing else on that token runs meanwhile. */
  runOnToken(token: string, task: () => Promise<void>): Promise<void> {
    return this.queue.push(token, task);
  }

  /** Stop starting new signals (queued ones are recorded as skipped) and wait for those in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.queue.drain();
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async process(key: string, fill: WhaleFill): Promise<void> {
    const { deps } = this;
    // A wallet whose book is not loaded yet (the background load has not reached it) is loaded now,
    // before its fill is applied: a sell's size needs the whale's position before it.
    if (!this.stopping && !deps.whalePositions.has(fill.wallet)) {
      await deps.whalePositions.ensure(fill.wallet).catch((error: Error) => deps.logger.warn(`positions of ${fill.wallet}: ${error.message}`));
    }
    // The whale's book must follow every fill, copied or not, so later sells see the right position.
    const whalePositionBefore = deps.whalePositions.apply(fill);
    // Starts the name's lookup now, so the order's event can carry it; nothing below waits for it.
    if (!fill.title) deps.titles?.titleOf(fill.token);
    else deps.titles?.remember(fill.token, fill.title);
    deps.portfolio.mark(fill.token, fill.price);
    if (this.stopping) return this.skipSignal(key, fill, 'shutdown', 'the mirror is stopping');

    const started = deps.clock.now();
    const age = started - fill.timestamp;
    if (deps.maxSignalAgeMs !== undefined && age > deps.maxSignalAgeMs) {
      return this.skipSignal(key, fill, 'signal_too_old', `the fill is ${Math.round(age / 1000)} s old (limit ${Math.round(deps.maxSignalAgeMs / 1000)} s)`);
    }
    const mapped = deps.mapMarket?.(fill);
    if (mapped && 'skip' in mapped) return this.skipSignal(key, fill, 'unmapped_market', mapped.skip);
    const venue = mapped ? { market: mapped.market, outcome: mapped.outcome } : undefined;

    let rules;
    try {
      rules = await deps.markets.get(fill, venue);
    } catch (error) {
      return this.skipSignal(key, fill, 'market_unknown', `market lookup failed: ${(error as Error).message}`);
    }
    deps.titles?.remember(fill.token, rules.title);
    let whaleValue: Micros | undefined;
    if (fill.side === 'buy' && deps.risk.sizing.mode === 'proportional') {
      whaleValue = await deps.whaleValues.get(fill.wallet).catch((error: Error) => {
        deps.logger.warn(`whale value for ${fill.wallet}: ${error.message}`);
        return undefined;
      });
    }

    if (fill.side === 'sell' && !deps.dryRun && deps.syncHolding && deps.portfolio.positionOf(fill.token) > 0n) {
      await deps.syncHolding(fill.token).catch((error: Error) => deps.logger.warn(`holding of ${fill.token} before a sell: ${error.message}`));
    }

    // From here to the reservation nothing awaits: decide + reserve are one atomic step.
    const account = deps.portfolio.view(fill.token, rules.market, deps.clock.now());
    const decision = decide(fill, rules, deps.risk, { value: whaleValue, positionBefore: whalePositionBefore }, account);
    if (decision.action === 'skip') return this.skipSignal(key, fill, decision.reason, decision.detail);
    const { order } = decision;
    const clientId = clientIdFor(key);
    // A buy holds its worst case: what the shares cost at the cap plus the most the venue can charge.
    const reserved = order.notional + order.maxFee;
    if (order.side === 'buy' && !deps.portfolio.reserve(clientId, rules.market, reserved)) {
      return this.skipSignal(key, fill, 'insufficient_balance', `${formatMicros(reserved)} USD is not free`);
    }
    // The intent is durable BEFORE the order is sent, or the order is not sent.
    const intent = { clientId, side: order.side, size: order.size, price: order.price, venue };
    if (!(await this.durably('could not record the intent to order', () => deps.store.recordDecision(key, fill, intent, deps.clock.now())))) {
      deps.portfolio.release(clientId);
      this.countSkip('state_store_failed');
      deps.emit(this.event('decision', fill, undefined, { status: 'skip', reason: 'state_store_failed', detail: 'the state store refused the write: nothing was sent' }));
      return;
    }
    deps.emit(this.event('decision', fill, order, { status: 'copy', reason: decision.limitedBy ?? null }));

    let result: OrderResult;
    try {
      this.counters.orders.sent++;
      this.activity++;
      result = await deps.adapter.createOrder({
        market: mapped?.market ?? fill.token,
        outcome: mapped?.outcome,
        side: order.side,
        size: order.size,
        price: order.price,
        type: order.type,
        clientOrderId: clientId,
        // A copied sell may only close what we hold: on Kalshi's single book it would otherwise open a short.
        reduceOnly: order.side === 'sell',
        dryRun: deps.dryRun,
        // Best effort: without the id a restart still settles the order, from the venue's holdings.
        onSigned: (orderId) => {
          try {
            deps.store.recordOrderId(key, orderId, deps.clock.now());
          } catch (error) {
            deps.logger.warn(deps.store.failure('could not record an order id', error).message);
          }
        },
      });
    } catch (error) {
      if (error instanceof GeoblockedError) {
        // Every copy would fail the same way: stop sending. The message is the run's error, said once.
        this.stopping = true;
        await this.fail(key, fill, order, clientId, false, 'geoblocked');
        deps.onGeoblocked?.(error);
        return;
      }
      // A 429 or a refusal means the venue did not take the order; a timeout or dropped connection
      // means it may have: that one stays 'unknown' and is reconciled, never re-sent.
      const unknown = error instanceof OutcomeUnknownError || (isRetryable(error) && !(error instanceof RateLimitedError));
      await this.fail(key, fill, order, clientId, unknown, (error as Error).message);
      return;
    } finally {
      this.activity++;
    }
    deps.onPlaced?.(key, fill, deps.clock.now() - started);
    const outOfBounds = result.status === 'dry_run' ? undefined : fillOutOfBounds(order, result);
    if (outOfBounds) return this.fail(key, fill, order, clientId, true, `${outOfBounds}: not booked, settled from the venue's balances`);
    await this.book(key, fill, { market: rules.market, venue }, order, result, clientId);
  }

  /** An order that failed (nothing happened) or whose outcome is unknown (reconciled, never re-sent). */
  private async fail(key: string, fill: WhaleFill, order: PlannedOrder, clientId: string, unknown: boolean, message: string): Promise<void> {
    const { deps } = this;
    const status: SignalStatus = unknown ? 'unknown' : 'failed';
    // An unknown outcome keeps its cash reserved until reconciliation says what was spent.
    if (!unknown) deps.portfolio.release(clientId);
    if (unknown) this.counters.orders.unknown++;
    this.counters.failed++;
    deps.emit(this.event('order', fill, order, { status, reason: message }));
    // If this write fails the record stays an 'intent': a restart settles it from the venue.
    if (!(await this.durably('could not record an order outcome', () => deps.store.recordOutcome(key, { status, reason: message }, deps.clock.now())))) return;
    if (unknown) deps.onUnknown?.(fill.token);
  }

  private async book(key: string, fill: WhaleFill, where: { market: string; venue?: Instrument }, order: PlannedOrder, result: OrderResult, clientId: string): Promise<void> {
    const { deps } = this;
    // A dry run books the copy as if filled at the whale's price, so later sells and the status stay meaningful.
    const dry = result.status === 'dry_run';
    const filledSize = dry ? order.size : result.filledSize;
    const filledValue = dry ? (order.size * fill.price) / 1_000_000n : result.filledValue;
    // The amounts decide the status: a venue calling a partial fill 'filled' does not make it one.
    const status = dry ? result.status : result.status === 'open' || result.status === 'pending' ? result.status : statusOfFill(order, filledSize);
    // The book changes only together with its record: a refused write puts the book back as it was.
    const booked = await this.durably('could not record a fill', () => {
      const undo = deps.portfolio.snapshot();
      try {
        deps.store.transaction(() => {
          deps.portfolio.applyFill(clientId, { token: fill.token, market: where.market, side: order.side, size: filledSize, value: filledValue, fee: dry ? undefined : result.fee, venue: where.venue });
          deps.store.recordOutcome(key, { status, orderId: result.orderId, filledSize, filledValue }, deps.clock.now());
          deps.store.saveBook(deps.portfolio, [fill.token]);
        });
      } catch (error) {
        undo();
        throw error;
      }
    });
    if (!booked) {
      // Executed but not recorded: reported here, settled from the venue by the next start.
      deps.emit(this.event('order', fill, order, { orderId: result.orderId, status, filledSize: usd(filledSize), filledValue: usd(filledValue), reason: 'executed, but the state store refused the record: a restart settles it from the venue' }));
      return;
    }
    if (filledSize > 0n) {
      this.counters.copied++;
      if (status === 'partially_filled') this.counters.orders.partiallyFilled++;
      else this.counters.orders.filled++;
    } else {
      this.counters.orders.missed++;
    }
    deps.emit(
      this.event('order', fill, order, {
        orderId: result.orderId,
        status,
        filledSize: usd(filledSize),
        filledValue: usd(filledValue),
        reason: filledSize === 0n && !dry ? 'no liquidity inside the price cap' : null,
      }),
    );
    if (order.side === 'sell' && filledSize > 0n) deps.onSold?.();
  }

  private countSkip(reason: SkipReason): void {
    this.counters.skipped++;
    this.counters.skipReasons[reason] = (this.counters.skipReasons[reason] ?? 0) + 1;
  }

  private async skipSignal(key: string, fill: WhaleFill, reason: SkipReason, detail: string): Promise<void> {
    this.countSkip(reason);
    // The event goes out whatever the store says: no fill is ever dropped without one naming it.
    this.deps.emit(this.event('decision', fill, undefined, { status: 'skip', reason, detail }));
    await this.durably('could not record a decision', () => this.deps.store.recordDecision(key, fill, { reason }, this.deps.clock.now()));
  }

  /**
   * A store write, retried with backoff. False when it still fails: the failure is reported to the
   * engine (which stops) and the caller must not go on as if it were recorded.
   */
  private async durably(what: string, write: () => void): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        write();
        return true;
      } catch (error) {
        if (attempt >= STORE_ATTEMPTS) {
          this.deps.onStoreFailure?.(this.deps.store.failure(what, error));
          return false;
        }
        await this.deps.clock.sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  private event(type: 'decision' | 'order', fill: WhaleFill, order: PlannedOrder | undefined, fields: Partial<MirrorEvent>): MirrorEvent {
    return makeEvent(type, this.deps.clock.now(), {
      wallet: fill.wallet,
      token: fill.token,
      market: fill.market ?? null,
      title: fill.title ?? this.deps.titles?.titleOf(fill.token) ?? null,
      outcome: fill.outcome ?? null,
      side: fill.side,
      whaleSize: usd(fill.size),
      whalePrice: usd(fill.price),
      copySize: usd(order?.size),
      copyPrice: usd(order?.price),
      source: fill.source,
      txHash: fill.txHash,
      ...fields,
    });
  }
}
