/**
 * The sandbox's state: markets, keys, ledger, books, trades and the activity feed. HTTP handlers and
 * the whale script call into this; nothing here knows about sockets.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/runtime.js';
import { MICRO, microsToNumber } from '../../core/money.js';
import { ApiKeyStore } from './auth.js';
import { MatchingEngine, type BookOrder, type MatchPlan } from './engine.js';
import { feeRateBps, scheduleOf, takerFee, type TakerFee } from './fees.js';
import { Ledger } from './ledger.js';
import type { DepositWalletRecord } from './signing.js';
import type { ActivityItem, SandboxMarket } from './types.js';

export interface TradeRecord {
  id: string;
  takerOrder: BookOrder;
  market: SandboxMarket;
  tokenId: string;
  outcome: string;
  /** Taker's side. */
  side: 'BUY' | 'SELL';
  shares: bigint;
  usd: bigint;
  makers: Array<{ order: BookOrder; shares: bigint; usd: bigint; price: bigint }>;
  /** What the taker paid in fees for the whole match (shares on a BUY, pUSD on a SELL). */
  fee: TakerFee;
  /** The fee schedule's rate when the match happened, in basis points (0 on fee-free markets). */
  feeRateBps: string;
  matchTime: number;
  transactionHash: string;
}

export interface PlaceResult {
  order: BookOrder;
  trades: TradeRecord[];
  activity: ActivityItem[];
}

/** Internal wallets (market maker, whales) own no API key; their orders carry a stable pseudo owner id. */
export const MARKET_MAKER_OWNER = 'sandbox-market-maker';

export class Venue {
  readonly keys: ApiKeyStore;
  readonly ledger = new Ledger();
  readonly engine: MatchingEngine;
  readonly depositWallets = new Map<string, DepositWalletRecord>();
  readonly orders = new Map<string, BookOrder>();
  readonly trades: TradeRecord[] = [];
  readonly activity: ActivityItem[] = [];
  /** Rows written for the taker of a match (the Data API's /trades defaults to takerOnly). */
  readonly takerRows = new WeakSet<ActivityItem>();
  /** When each activity row was written (ms), for the Data API's indexing lag. */
  readonly writtenAt = new WeakMap<ActivityItem, number>();
  /** The Data API lags the chain by seconds; rows younger than this stay invisible to /activity and /trades. */
  dataApiLagMs = 0;
  readonly events = new EventEmitter();
  readonly lastTradePrice = new Map<string, bigint>();
  readonly names = new Map<string, string>();
  /** Since May 2026 new API users must trade from a deposit wallet (signature type 3). */
  depositWalletFlowOnly = false;
  /** Where takers' fees go; set by the sandbox (an internal wallet). */
  feeCollector?: string;
  private counter = 0;

  constructor(
    readonly markets: SandboxMarket[],
    readonly clock: Clock,
    readonly chainId: 137 | 80002,
    readonly exchangeVersion: 2 | 3,
    private readonly seed: string,
  ) {
    this.keys = new ApiKeyStore(seed);
    this.engine = new MatchingEngine(this.ledger);
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  marketOfToken(tokenId: string): { market: SandboxMarket; outcomeIndex: number } | undefined {
    for (const market of this.markets) {
      const i = market.tokens.findIndex((t) => t.tokenId === tokenId);
      if (i >= 0) return { market, outcomeIndex: i };
    }
    return undefined;
  }

  marketById(conditionId: string): SandboxMarket | undefined {
    return this.markets.find((m) => m.conditionId.toLowerCase() === conditionId.toLowerCase());
  }

  /** Unique hex ids (trade ids, transaction hashes) that differ per sandbox seed. */
  newHash(label: string): `0x${string}` {
    this.counter += 1;
    return `0x${createHash('sha256').update(`${this.seed}|${label}|${this.counter}|${this.clock.now()}`).digest('hex')}`;
  }

  newTradeId(): string {
    const h = this.newHash('trade').slice(2);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Cancels GTD orders whose expiration has passed (the venue does it on its own clock). */
  expireOrders(): void {
    const now = this.nowSeconds();
    for (const o of this.engine.resting()) {
      if (o.type === 'GTD' && o.expiration > 0 && o.expiration <= now) this.cancel(o);
    }
  }

  cancel(order: BookOrder): void {
    order.status = 'CANCELED';
    this.engine.remove(order);
  }

  availableCollateral(address: string): bigint {
    return this.ledger.collateralOf(address) - this.engine.reservedCollateral(address);
  }

  availableShares(address: string, tokenId: string): bigint {
    return this.ledger.sharesOf(address, tokenId) - this.engine.reservedShares(address, tokenId);
  }

  /** Runs an already validated order through the book and records what happened. */
  execute(order: BookOrder, plan: MatchPlan): PlaceResult {
    const info = this.marketOfToken(order.tokenId)!;
    for (const maker of this.engine.unfundedMakers(order, plan)) this.cancel(maker);
    // Fees are charged at match time, per fill at that fill's price, to the taker only (fees.ts).
    const schedule = scheduleOf(info.market);
    for (const fill of plan.fills) fill.fee = takerFee(order.side, fill.shares, fill.price, schedule);
    this.engine.apply(order, plan, this.feeCollector);
    this.orders.set(order.id, order);
    const trades: TradeRecord[] = [];
    const activity: ActivityItem[] = [];
    if (plan.fills.length > 0) {
      const trade: TradeRecord = {
        id: this.newTradeId(),
        takerOrder: order,
        market: info.market,
        tokenId: order.tokenId,
        outcome: info.market.tokens[info.outcomeIndex]!.outcome,
        side: order.side,
        shares: plan.fills.reduce((s, f) => s + f.shares, 0n),
        usd: plan.fills.reduce((s, f) => s + f.usd, 0n),
        makers: plan.fills.map((f) => ({ order: f.maker, shares: f.shares, usd: f.usd, price: f.price })),
        fee: {
          shares: plan.fills.reduce((s, f) => s + (f.fee?.shares ?? 0n), 0n),
          usd: plan.fills.reduce((s, f) => s + (f.fee?.usd ?? 0n), 0n),
        },
        feeRateBps: feeRateBps(schedule),
        matchTime: this.nowSeconds(),
        transactionHash: this.newHash('tx'),
      };
      order.tradeIds.push(trade.id);
      for (const m of trade.makers) m.order.tradeIds.push(trade.id);
      this.trades.push(trade);
      this.lastTradePrice.set(order.tokenId, plan.fills[plan.fills.length - 1]!.price);
      trades.push(trade);
      activity.push(...this.recordActivity(trade, info.outcomeIndex));
    }
    const filled = plan.fills.length > 0;
    const rests = (order.type === 'GTC' || order.type === 'GTD') && !plan.complete;
    if (rests) {
      order.status = 'LIVE';
      this.engine.rest(order);
    } else {
      order.status = filled ? 'MATCHED' : 'UNMATCHED';
    }
    for (const a of activity) this.events.emit('activity', a);
    if (trades.length > 0) this.events.emit('trade', activity[0]);
    return { order, trades, activity };
  }

  /** One Data API row for the taker (the whole match) and one per maker order filled. */
  private recordActivity(trade: TradeRecord, outcomeIndex: number): ActivityItem[] {
    const rows = [this.activityRow(trade, trade.takerOrder.maker, trade.side, trade.shares, trade.usd, outcomeIndex)];
    this.takerRows.add(rows[0]!);
    for (const m of trade.makers) {
      rows.push(this.activityRow(trade, m.order.maker, m.order.side, m.shares, m.usd, outcomeIndex));
    }
    const now = this.clock.now();
    for (const row of rows) this.writtenAt.set(row, now);
    this.activity.push(...rows);
    return rows;
  }

  private activityRow(
    trade: TradeRecord,
    wallet: string,
    side: 'BUY' | 'SELL',
    shares: bigint,
    usd: bigint,
    outcomeIndex: number,
  ): ActivityItem {
    const price = shares > 0n ? (usd * MICRO) / shares : 0n;
    const name = this.names.get(wallet.toLowerCase()) ?? '';
    return {
      proxyWallet: wallet.toLowerCase(),
      timestamp: trade.matchTime,
      conditionId: trade.market.conditionId,
      type: 'TRADE',
      size: microsToNumber(shares),
      usdcSize: microsToNumber(usd),
      transactionHash: trade.transactionHash,
      price: microsToNumber(price),
      asset: trade.tokenId,
      side,
      outcomeIndex,
      outcome: trade.outcome,
      title: trade.market.question,
      slug: trade.market.slug,
      icon: '',
      eventSlug: trade.market.eventSlug,
      name,
      pseudonym: name || pseudonymOf(wallet),
      bio: '',
      profileImage: '',
      profileImageOptimized: '',
    };
  }

  /** Activity rows the Data API has indexed by now. */
  indexedActivity(): ActivityItem[] {
    if (this.dataApiLagMs <= 0) return this.activity;
    const cutoff = this.clock.now() - this.dataApiLagMs;
    return this.activity.filter((a) => (this.writtenAt.get(a) ?? 0) <= cutoff);
  }

  /** Best bid / ask / mid / last of a token, micro-units. */
  quote(tokenId: string): { bid?: bigint; ask?: bigint; mid?: bigint; last?: bigint } {
    const { bids, asks } = this.engine.levels(tokenId);
    const bid = bids[0]?.price;
    const ask = asks[0]?.price;
    const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2n : undefined;
    return { bid, ask, mid, last: this.lastTradePrice.get(tokenId) };
  }

  /** The mark the Data API values positions at: midpoint, else last trade, else 0.5. */
  markPrice(tokenId: string): bigint {
    const q = this.quote(tokenId);
    return q.mid ?? q.last ?? MICRO / 2n;
  }

  reservedOf(address: string): bigint {
    return this.engine.reservedCollateral(address);
  }
}

/** Data API pseudonyms are two words picked from the address; any stable label will do here. */
export function pseudonymOf(wallet: string): string {
  const adjectives = ['Quiet', 'Brisk', 'Lucky', 'Patient', 'Bold', 'Calm', 'Sharp', 'Witty'];
  const nouns = ['Heron', 'Otter', 'Falcon', 'Badger', 'Lynx', 'Marten', 'Ibis', 'Puffin'];
  const h = createHash('sha256').update(wallet.toLowerCase()).digest();
  return `${adjectives[h[0]! % adjectives.length]}-${nouns[h[1]! % nouns.length]}`;
}
