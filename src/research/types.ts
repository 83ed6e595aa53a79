/** Plain data the research core (discover, vet, backtest) works on. Amounts are micro-units. */
import type { Micros } from '../core/money.js';
import type { Side } from '../core/types.js';

/** One of a wallet's fills, from Data API /activity (type TRADE). */
export interface HistoryFill {
  wallet: string;
  /** Seconds since the epoch (the Data API's precision). */
  timestamp: number;
  market: string;
  token: string;
  side: Side;
  size: Micros;
  price: Micros;
  /** USD that changed hands (`usdcSize`). */
  usd: Micros;
  txHash: string;
  /** The wallet's order was resting (maker) rather than crossing the book; undefined when unknown. */
  maker?: boolean;
  title?: string;
  slug?: string;
  outcome?: string;
}

/** An open position (Data API /positions). */
export interface OpenPosition {
  market: string;
  token: string;
  size: Micros;
  avgPrice: Micros;
  initialValue: Micros;
  currentValue: Micros;
  realizedPnl: Micros;
  /** The market resolved but the shares were never redeemed (a loser is never worth redeeming). */
  redeemable: boolean;
  title?: string;
}

/** A closed (resolved or sold out) position (Data API /closed-positions). */
export interface ClosedPosition {
  market: string;
  token: string;
  avgPrice: Micros;
  /** Shares bought over the position's life. */
  totalBought: Micros;
  realizedPnl: Micros;
  /** Seconds. */
  closedAt: number;
  title?: string;
}

/** Everything public about a wallet that vetting reads. */
export interface WalletHistory {
  wallet: string;
  fills: HistoryFill[];
  positions: OpenPosition[];
  closed: ClosedPosition[];
  /** Positions value (Data API /value). */
  value: Micros;
}

export interface LeaderboardRow {
  rank: number;
  wallet: string;
  name: string;
  pnl: Micros;
  volume: Micros;
}

/** One price observation of a token (CLOB /prices-history): seconds, price. */
export interface PricePoint {
  t: number;
  p: Micros;
}

/** What the backtest knows of a market; `resolvedAt`/`winner` only once the market resolved. */
export interface MarketInfo {
  token: string;
  market: string;
  slug?: string;
  title?: string;
  tickSize: Micros;
  minSize: Micros;
  /** Taker fee schedule (VENUES 1.5b); undefined = no fee. */
  fee?: { rate: number; exponent: number };
  /** Seconds; undefined while unresolved. */
  resolvedAt?: number;
  /** Payout per share at resolution: 1 (won) or 0 (lost). */
  payout?: Micros;
}
