/**
 * Our own book: cash, balance reservations, positions per token and today's figures. Plain data with
 * synchronous methods, so "decide then reserve" happens without an await in between and two
 * concurrent signals can never both spend the same dollar.
 */
import { MICRO, mulMicros, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import type { Instrument } from './books.js';
import type { AccountView } from './decide.js';

export interface Holding {
  token: string;
  market: string;
  size: Micros;
  /** Cost basis of `size` (USD). */
  cost: Micros;
  /** Last known price (marks the position for equity and PnL). */
  mark: Micros;
  /** Where the shares are held when not as the Polymarket token itself (a mapped Kalshi market). */
  venue?: Instrument;
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

/** An executed fill as the venue reported it (see OrderResult: value before fees). */
export interface BookFill {
  token: string;
  market: string;
  side: Side;
  size: Micros;
  value: Micros;
  fee?: { usd: Micros; shares: Micros };
  venue?: Instrument;
}

/** What the store keeps of the book besides holdings and the day's figures. */
export interface BookTotals {
  cash: Micros;
  realizedPnl: Micros;
  fees: Micros;
}

export class Portfolio {
  cash: Micros;
  realizedPnl: Micros = 0n;
  /** Fees paid, in USD (shares withheld valued at the fill price). */
  fees: Micros = 0n;
  readonly holdings = new Map<string, Holding>();
  private readonly reservations = new Map<string, Reservation>();
  daily: DailyFigures;

  constructor(cash: Micros, now: number, holdings: Holding[] = [], daily?: DailyFigures, totals?: Omit<BookTotals, 'cash'>) {
    this.cash = cash;
    this.realizedPnl = totals?.realizedPnl ?? 0n;
    this.fees = totals?.fees ?? 0n;
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

  /**
   * Books an executed fill (and drops the order's reservation), fees included: a buy pays
   * value + fee.usd and receives size - fee.shares; a sell receives value - fee.usd. A sell is booked
   * only up to the shares held, at its average price: the venue cannot sell what we do not have, so
   * a larger report is not money we made (callers treat it as an unknown outcome before this point).
   */
  applyFill(id: string | undefined, fill: BookFill): void {
    if (id !== undefined) this.release(id);
    if (fill.size <= 0n) return;
    const feeUsd = fill.fee?.usd ?? 0n;
    const feeShares = fill.fee?.shares ?? 0n;
    const price = (fill.value * MICRO) / fill.size;
    const holding = this.holdings.get(fill.token) ?? { token: fill.token, market: fill.market, size: 0n, cost: 0n, mark: price };
    if (fill.venue) holding.venue = fill.venue;
    if (fill.side === 'buy') {
      const received = fill.size - feeShares;
      this.cash -= fill.value + feeUsd;
      this.daily.volume += fill.value;
      this.fees += feeUsd + mulMicros(feeShares, price);
      holding.size += received > 0n ? received : 0n;
      holding.cost += fill.value + feeUsd;
    } else {
      const sold = fill.size > holding.size ? holding.size : fill.size;
      const credited = sold === fill.size ? fill.value : (fill.value * sold) / fill.size;
      const costSold = holding.size > 0n ? (holding.cost * sold) / holding.size : 0n;
      this.cash += credited - feeUsd;
      this.fees += feeUsd;
      this.realizedPnl += credited - feeUsd - costSold;
      holding.size -= sold;
      holding.cost -= costSold;
    }
    holding.mark = price;
    this.put(holding);
  }

  /**
   * Money in or out that is not trading (a cash-out sweep, a deposit): cash and the day's starting
   * equity move together, so a transfer is never profit or loss and never trips the daily-loss limit.
   */
  transfer(amount: Micros): void {
    this.cash += amount;
    this.daily.startEquity += amount;
  }

  /** Sets cash to the venue's figure; the difference is booked as a transfer (see `transfer`). */
  setCash(venueCash: Micros): void {
    this.transfer(venueCash - this.cash);
  }

  /**
   * Sets a holding to the venue's figure. Shares that left without our order (sold by hand, another
   * key) take their share of the cost basis with them; shares that came without our order are
   * valued at the mark. Like a transfer, the change moves the day's baseline, not its PnL.
   */
  setHolding(token: string, market: string, venueSize: Micros): void {
    const holding = this.holdings.get(token) ?? { token, market, size: 0n, cost: 0n, mark: 0n };
    if (holding.size === venueSize) return;
    const before = mulMicros(holding.size, holding.mark);
    if (venueSize < holding.size) holding.cost = holding.size > 0n ? (holding.cost * venueSize) / holding.size : 0n;
    else holding.cost += mulMicros(venueSize - holding.size, holding.mark);
    holding.size = venueSize;
    this.daily.startEquity += mulMicros(holding.size, holding.mark) - before;
    this.put(holding);
  }

  private put(holding: Holding): void {
    if (holding.size <= 0n) this.holdings.delete(holding.token);
    else this.holdings.set(holding.token, holding);
  }

  /** Updates a token's mark from a fresh trade price (the whale's fills are our price feed). */
  mark(token: string, price: Micros): void {
    const holding = this.holdings.get(token);
    if (holding) holding.mark = price;
  }

  /** Everything mutable, to put back if the store refuses the write that goes with a change. */
  snapshot(): () => void {
    const saved = {
      cash: this.cash,
      realizedPnl: this.realizedPnl,
      fees: this.fees,
      holdings: [...this.holdings.values()].map((h) => ({ ...h })),
      reservations: [...this.reservations.entries()].map(([id, r]) => [id, { ...r }] as const),
      daily: { ...this.daily },
    };
    return () => {
      this.cash = saved.cash;
      this.realizedPnl = saved.realizedPnl;
      this.fees = saved.fees;
      this.holdings.clear();
      for (const h of saved.holdings) this.holdings.set(h.token, { ...h });
      this.reservations.clear();
      for (const [id, r] of saved.reservations) this.reservations.set(id, { ...r });
      this.daily = { ...saved.daily };
    };
  }

  totals(): BookTotals {
    return { cash: this.cash, realizedPnl: this.realizedPnl, fees: this.fees };
  }

  unrealizedPnl(): Micros {
    let total = 0n;
    for (const h of this.holdings.values()) total += mulMicros(h.size, h.mark) - h.cost;
    return total;
  }
}
