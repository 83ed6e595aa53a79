/**
 * Backtest: replays followed wallets' historical fills in time order through the live mirror's own
 * decision (src/mirror/decide.ts) and book (src/mirror/portfolio.ts). Each copy is decided `latency`
 * after the whale's fill, seeing only what was known then (a Tape view), and fills at the market
 * price of that moment plus a slippage model and the market's taker fee, inside the order's price
 * cap like the live FAK/FOK order. Positions settle at resolution or are marked at the last price.
 * Pure: all data comes in, a result comes out.
 */
import { formatMicros, mulMicros, type Micros } from '../core/money.js';
import { takerFee } from '../exchanges/polymarket/fees.js';
import { MIN_MARKETABLE_USD, SIZE_STEP, maxTakerFee } from '../exchanges/polymarket/rules.js';
import { decide, type WhaleView } from '../mirror/decide.js';
import { Portfolio } from '../mirror/portfolio.js';
import type { Decision, MarketRules, RiskConfig, WhaleFill } from '../mirror/types.js';
import { Tape, type PointInTime } from './tape.js';
import type { HistoryFill, MarketInfo } from './types.js';

export interface BacktestConfig {
  risk: RiskConfig;
  bankroll: Micros;
  /** ms between the whale's fill and our decision + order. */
  latencyMs: number;
  /** Extra price paid beyond the market price when our order fills (fraction in micro-units, 0.5% = 5_000). */
  fillSlippage: Micros;
  /** The live mirror skips fills older than this (ms); so does the replay. */
  maxSignalAgeMs?: number;
  /** Replay window, ms since the epoch: fills before `from` are not copied; `to` is where positions are marked. */
  from: number;
  to: number;
}

export interface CopiedTrade {
  /** ms. */
  at: number;
  wallet: string;
  token: string;
  title?: string;
  side: 'buy' | 'sell' | 'settle';
  whalePrice?: Micros;
  marketPrice?: Micros;
  price: Micros;
  size: Micros;
  value: Micros;
  feeUsd: Micros;
  limitedBy?: string;
}

export interface SignalOutcome {
  /** ms of the decision. */
  at: number;
  key: string;
  status: 'copied' | 'skipped';
  reason?: string;
  detail?: string;
}

export interface EquityPoint {
  at: number;
  equity: Micros;
}

export interface ReplayResult {
  latencyMs: number;
  finalEquity: Micros;
  pnl: Micros;
  fees: Micros;
  maxDrawdown: Micros;
  copied: number;
  skipped: number;
  skipReasons: Record<string, number>;
  openPositions: number;
  equity: EquityPoint[];
  trades: CopiedTrade[];
  signals: SignalOutcome[];
}

export interface BacktestData {
  fills: readonly HistoryFill[];
  tape: Tape;
}

type Event =
  | { kind: 'whale'; at: number; seq: number; fill: HistoryFill }
  | { kind: 'settle'; at: number; seq: number; token: string }
  | { kind: 'decide'; at: number; seq: number; fill: HistoryFill; positionBefore: Micros };

const ORDER = { whale: 0, settle: 1, decide: 2 } as const;

/** The key of a fill (VENUES 1.5: one transaction can hold several fills of one wallet). */
export function fillKey(f: HistoryFill): string {
  return `${f.wallet}:${f.txHash}:${f.token}:${f.side}:${f.size}:${f.price}`;
}

export function replay(data: BacktestData, config: BacktestConfig): ReplayResult {
  const book = new Portfolio(config.bankroll, config.from);
  const whaleShares = new Map<string, Micros>();
  const events: Event[] = [];
  let seq = 0;
  for (const fill of data.fills) events.push({ kind: 'whale', at: fill.timestamp * 1000, seq: seq++, fill });
  for (const r of data.tape.resolutions()) if (r.at >= config.from && r.at <= config.to) events.push({ kind: 'settle', at: r.at, seq: seq++, token: r.token });
  const queue = events.sort(byTime);
  const result: ReplayResult = {
    latencyMs: config.latencyMs, finalEquity: 0n, pnl: 0n, fees: 0n, maxDrawdown: 0n, copied: 0, skipped: 0,
    skipReasons: {}, openPositions: 0, equity: [{ at: config.from, equity: config.bankroll }], trades: [], signals: [],
  };
  const skip = (at: number, key: string, reason: string, detail: string) => {
    result.skipped++;
    result.skipReasons[reason] = (result.skipReasons[reason] ?? 0) + 1;
    result.signals.push({ at, key, status: 'skipped', reason, detail });
  };

  for (let i = 0; i < queue.length; i++) {
    const event = queue[i]!;
    if (event.at > config.to) break;
    const view = data.tape.asOf(event.at);
    if (event.kind === 'whale') {
      // The whale's own book follows every fill (as WhalePositions does live), copied or not.
      const key = `${event.fill.wallet}:${event.fill.token}`;
      const before = whaleShares.get(key) ?? 0n;
      whaleShares.set(key, before + (event.fill.side === 'buy' ? event.fill.size : -event.fill.size));
      if (event.at >= config.from) insert(queue, i, { kind: 'decide', at: event.at + config.latencyMs, seq: seq++, fill: event.fill, positionBefore: before > 0n ? before : 0n });
      continue;
    }
    markAll(book, view);
    if (event.kind === 'settle') {
      settle(book, view, event.token, result);
    } else {
      const key = fillKey(event.fill);
      if (config.maxSignalAgeMs !== undefined && config.latencyMs > config.maxSignalAgeMs) {
        skip(event.at, key, 'signal_too_old', `the fill is ${Math.round(config.latencyMs / 1000)} s old`);
        continue;
      }
      const info = view.market(event.fill.token);
      if (!info) {
        skip(event.at, key, 'market_unknown', `no market data for token ${event.fill.token}`);
        continue;
      }
      const whale: WhaleView = { positionBefore: event.positionBefore, value: whaleValue(whaleShares, event.fill.wallet, view) };
      const decision = decideCopy(event.fill, info, config.risk, whale, book, event.at);
      if (decision.action === 'skip') {
        skip(event.at, key, decision.reason, decision.detail);
        continue;
      }
      const missed = execute(book, view, info, event.fill, decision, config, result);
      if (missed) skip(event.at, key, 'no_fill_inside_cap', missed);
      else {
        result.copied++;
        result.signals.push({ at: event.at, key, status: 'copied', ...(decision.limitedBy ? { reason: decision.limitedBy } : {}) });
      }
    }
    result.equity.push({ at: event.at, equity: book.equity() });
  }
  markAll(book, data.tape.asOf(config.to));
  result.finalEquity = book.equity();
  result.equity.push({ at: config.to, equity: result.finalEquity });
  result.pnl = result.finalEquity - config.bankroll;
  result.fees = book.fees;
  result.maxDrawdown = maxDrawdown(result.equity);
  result.openPositions = book.holdings.size;
  return result;
}

/**
 * The copy decision for one whale fill, exactly as the live TradeExecutor makes it: the same
 * `decide` over the same inputs (the market's rules as of the decision, our book's view, the whale's
 * position before the fill and its value). Marks the token at the whale's price first, as live does.
 */
export function decideCopy(fill: HistoryFill, info: MarketInfo, risk: RiskConfig, whale: WhaleView, book: Portfolio, at: number): Decision {
  // As TradeExecutor.process: the whale's fill is the latest price of its token.
  book.mark(fill.token, fill.price);
  const sized = fill.side === 'buy' && risk.sizing.mode === 'proportional' ? whale : { positionBefore: whale.positionBefore };
  return decide(toWhaleFill(fill, at), rulesOf(info), risk, sized, book.view(fill.token, info.market, at));
}

/** Market rules at decision time: open unless it had resolved by then (the view never says more). */
export function rulesOf(info: MarketInfo): MarketRules {
  return {
    token: info.token,
    market: info.market,
    ...(info.slug ? { slug: info.slug } : {}),
    active: true,
    closed: info.resolvedAt !== undefined,
    tickSize: info.tickSize,
    minSize: info.minSize,
    minNotional: MIN_MARKETABLE_USD,
    sizeStep: SIZE_STEP,
    // As the live mirror: the worst-case fee counts in the caps (src/exchanges/polymarket/rules.ts).
    takerFee: (shares, price) => (info.fee ? maxTakerFee(info.fee, shares, price) : 0n),
  };
}

export function toWhaleFill(fill: HistoryFill, seenAt: number): WhaleFill {
  return {
    wallet: fill.wallet,
    token: fill.token,
    market: fill.market,
    side: fill.side,
    size: fill.size,
    price: fill.price,
    timestamp: fill.timestamp * 1000,
    txHash: fill.txHash,
    source: 'data-api',
    seenAt,
    ...(fill.title ? { title: fill.title } : {}),
    ...(fill.slug ? { slug: fill.slug } : {}),
  };
}

/** Fills the planned order at the market price plus slippage, or says why nothing filled inside the cap. */
function execute(book: Portfolio, view: PointInTime, info: MarketInfo, fill: HistoryFill, decision: Extract<Decision, { action: 'place' }>, config: BacktestConfig, result: ReplayResult): string | undefined {
  const { order } = decision;
  const market = view.price(fill.token);
  if (market === undefined) return 'no price history at the decision time';
  // The average price of a fill that sweeps levels is off the tick grid: slippage is not rounded.
  const price = order.side === 'buy' ? market + mulMicros(market, config.fillSlippage) : market - mulMicros(market, config.fillSlippage);
  if (order.side === 'buy' ? price > order.price : price < order.price) {
    return `market ${formatMicros(market)} (${formatMicros(price)} with slippage) is past the ${formatMicros(order.price)} price cap`;
  }
  const value = mulMicros(order.size, price);
  const fee = info.fee ? takerFee(order.side, [{ shares: order.size, price }], info.fee) : { usd: 0n, shares: 0n };
  book.applyFill(undefined, { token: fill.token, market: info.market, side: order.side, size: order.size, value, fee });
  result.trades.push({
    at: view.at, wallet: fill.wallet, token: fill.token, ...(fill.title ? { title: fill.title } : {}), side: order.side,
    whalePrice: fill.price, marketPrice: market, price, size: order.size, value, feeUsd: fee.usd + mulMicros(fee.shares, price),
    ...(decision.limitedBy ? { limitedBy: decision.limitedBy } : {}),
  });
  return undefined;
}

/** A resolved market pays 1 per winning share and 0 per losing one: booked as a fee-free sale at the payout. */
function settle(book: Portfolio, view: PointInTime, token: string, result: ReplayResult): void {
  const holding = book.holdings.get(token);
  const info = view.market(token);
  if (!holding || info?.payout === undefined) return;
  const value = mulMicros(holding.size, info.payout);
  result.trades.push({ at: view.at, wallet: '', token, ...(info.title ? { title: info.title } : {}), side: 'settle', price: info.payout, size: holding.size, value, feeUsd: 0n });
  book.applyFill(undefined, { token, market: holding.market, side: 'sell', size: holding.size, value });
}

function markAll(book: Portfolio, view: PointInTime): void {
  for (const token of book.holdings.keys()) {
    const price = view.price(token);
    if (price !== undefined) book.mark(token, price);
  }
}

/**
 * What the Data API's /value would have answered for the whale at decision time: its shares marked
 * at that moment's prices. Its cash is not in the public record, so proportional sizing here sees
 * positions only (live, with an RPC URL, the mirror adds the wallet's collateral).
 */
function whaleValue(shares: ReadonlyMap<string, Micros>, wallet: string, view: PointInTime): Micros | undefined {
  let value = 0n;
  for (const [key, size] of shares) {
    const [owner, token] = key.split(':') as [string, string];
    if (owner !== wallet || size <= 0n) continue;
    value += mulMicros(size, view.price(token) ?? 0n);
  }
  return value > 0n ? value : undefined;
}

export function maxDrawdown(curve: readonly EquityPoint[]): Micros {
  let peak: Micros | undefined;
  let worst = 0n;
  for (const { equity } of curve) {
    if (peak === undefined || equity > peak) peak = equity;
    if (peak - equity > worst) worst = peak - equity;
  }
  return worst;
}

function byTime(a: Event, b: Event): number {
  return a.at - b.at || ORDER[a.kind] - ORDER[b.kind] || a.seq - b.seq;
}

/** Inserts a later event into the sorted queue, after position `from`. */
function insert(queue: Event[], from: number, event: Event): void {
  let i = from + 1;
  while (i < queue.length && byTime(queue[i]!, event) <= 0) i++;
  queue.splice(i, 0, event);
}
