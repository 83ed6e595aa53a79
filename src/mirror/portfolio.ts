/**
 * Our own book: cash, balance reservations, positions per token and today's figures. Plain data with
 * synchronous methods, so "decide then reserve" happens without an await in between and two
 * concurrent signals can never both spend the same dollar.
 */
import { mulMicros, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import type { AccountView } from './decide.js';

export interface Holding {
  token: string;
  market: string;
  size: Micros;
  /** Cost basis of `size` (USD). */
  cost: Micros;
  /** Last known price (marks the position for equity and PnL). */
  mark: Micros;
}

export interface DailyFigures {
  /** UTC day number (ms / 86_400_000). */
  day: number;
  /** USD bought today (the daily-volume cap counts buys: sells only lower risk). */
  volume: Micros;
  /** Equity when the day started, the daily-loss kill switch's baseline. */
  startEquity: Micros;
}

interface Reservation {
  market: string;
  amount: Micros;
}

const DAY_MS = 86_400_000;

export class Portfolio {
  cash: Micros;
  realizedPnl: Micros = 0n;
  readonly holdings = new Map<string, Holding>();
  private readonly reservations = new Map<string, Reservation>();
  daily: DailyFigures;

  constructor(cash: Micros, now: number, holdings: Holding[] = [], daily?: DailyFigures) {
    this.cash = cash;
    for (const holding of holdings) this.holdings.set(holding.token, { ...holding });
    const day = Math.floor(now / DAY_MS);
    this.daily = daily && daily.day === day ? { ...daily } : { day, volume: 0n, startEquity: this.equity() };
  }

  get reserved(): Micros {
    let total = 0n;
    for (const r of this.reservations.values()) total += r.amount;
    return total;
  }

  get availableCash(): Micros {
    return this.cash - this.reserved;
  }

  positionOf(token: string): Micros {
    return this.holdings.get(token)?.size ?? 0n;
  }

  equity(): Micros {
    let value = this.cash;
    for (const h of this.holdings.values()) value += mulMicros(h.size, h.mark);
    return value;
  }

  /** Rolls the daily figures over at UTC midnight. */
  rollDay(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.daily.day) this.daily = { day, volume: 0n, startEquity: this.equity() };
  }

  view(token: string, market: string, now: number): AccountView {
    this.rollDay(now);
    let marketExposure = 0n;
    let totalExposure = 0n;
    for (const h of this.holdings.values()) {
      totalExposure += h.cost;
      if (h.market === market) marketExposure += h.cost;
    }
    for (const r of this.reservations.values()) {
      totalExposure += r.amount;
      if (r.market === market) marketExposure += r.amount;
    }
    return {
      availableCash: this.availableCash,
      portfolioValue: this.equity(),
      position: this.positionOf(token),
      marketExposure,
      totalExposure,
      dailyVolume: this.daily.volume,
      dailyPnl: this.equity() - this.daily.startEquity,
    };
  }

  /** Holds `amount` of cash for an order about to be placed. False when not enough is free. */
  reserve(id: string, market: string, amount: Micros): boolean {
    if (this.reservations.has(id)) throw new Error(`reservation ${id} exists`);
    if (amount > this.availableCash) return false;
    this.reservations.set(id, { market, amount });
    return true;
  }

  release(id: string): void {
    this.reservations.delete(id);
  }

  /** Books an executed fill (and drops the order's reservation). */
  applyFill(id: string | undefined, fill: { token: string; market: string; side: Side; size: Micros; value: Micros }): void {
    if (id !== undefined) this.release(id);
    if (fill.size <= 0n) return;
    const price = (fill.value * 1_000_000n) / fill.size;
    const holding = this.holdings.get(fill.token) ?? { token: fill.token, market: fill.market, size: 0n, cost: 0n, mark: price };
    if (fill.side === 'buy') {
      this.cash -= fill.value;
      this.daily.volume += fill.value;
      holding.size += fill.size;
      holding.cost += fill.value;
    } else {
      const sold = fill.size > holding.size ? holding.size : fill.size;
      const costSold = holding.size > 0n ? (holding.cost * sold) / holding.size : 0n;
      this.cash += fill.value;
      this.realizedPnl += fill.value - costSold;
      holding.size -= sold;
      holding.cost -= costSold;
    }
    holding.mark = price;
    if (holding.size <= 0n) this.holdings.delete(fill.token);
    else this.holdings.set(fill.token, holding);
  }

  /** Updates a token's mark from a fresh trade price (the whale's fills are our price feed). */
  mark(token: string, price: Micros): void {
    const holding = this.holdings.get(token);
    if (holding) holding.mark = price;
  }

  unrealizedPnl(): Micros {
    let total = 0n;
    for (const h of this.holdings.values()) total += mulMicros(h.size, h.mark) - h.cost;
    return total;
  }
}
