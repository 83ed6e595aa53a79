/** Plain data shared by the mirror engine's parts. Amounts are micro-units (src/core/money.ts). */
import type { Micros } from '../core/money.js';
import type { InstrumentRules, OrderType, Outcome, Side } from '../core/types.js';

export type SourceName = 'data-api' | 'rtds' | 'onchain';
export const SOURCE_NAMES: readonly SourceName[] = ['data-api', 'rtds', 'onchain'];

/** One fill of a followed wallet, as a source saw it. */
export interface WhaleFill {
  /** The followed wallet (lower-case), Polymarket's proxyWallet / on-chain maker. */
  wallet: string;
  /** Outcome token id (decimal string). */
  token: string;
  /** Condition id of the market, when the source knows it. */
  market?: string;
  side: Side;
  /** Shares. */
  size: Micros;
  /** Price per share in USD. */
  price: Micros;
  /** When the fill happened (ms since epoch; second precision from the Data API). */
  timestamp: number;
  txHash: string;
  /** On-chain log index, when the source is the chain. */
  logIndex?: number;
  source: SourceName;
  /** Local clock when the source delivered it (ms): detection latency starts at the fill, ends here. */
  seenAt: number;
  title?: string;
  outcome?: string;
  slug?: string;
}

/**
 * What the executor needs to know about a market to size an order on it: the venue's own rules for the
 * instrument the copy is placed on (IExchangeAdapter.fetchInstrumentRules), keyed by the whale's token.
 */
export interface MarketRules extends InstrumentRules {
  /** The whale's outcome token the rules were looked up for. */
  token: string;
  slug?: string;
}

export type SizingMode = 'proportional' | 'fixed' | 'percent';

export interface SizingConfig {
  mode: SizingMode;
  /** proportional: multiplier in micro-units (1.0 = 1_000_000). */
  multiplier: Micros;
  /** fixed: USD per copied buy. */
  fixedUsd: Micros;
  /** percent: percent of own cash per copied buy, micro-units of a percent (5% = 5_000_000). */
  percent: Micros;
}

/** Every cap is USD; undefined = no cap. */
export interface CapsConfig {
  maxPerTrade?: Micros;
  maxPerMarket?: Micros;
  maxExposure?: Micros;
  maxDailyVolume?: Micros;
  /** Daily-loss kill switch: no new buys once today's PnL is at or below minus this. */
  dailyLossLimit?: Micros;
}

export interface RiskConfig {
  sizing: SizingConfig;
  caps: CapsConfig;
  /**
   * Ceiling on one copied buy as a fraction of our equity (cash + positions), micro-units of a
   * fraction (10% = 100_000); undefined = none. A safety net under every sizing mode.
   */
  maxCopyFraction?: Micros;
  /** Maximum slippage from the whale's price, micro-units of a fraction (2% = 20_000). */
  maxSlippage: Micros;
  /** Marketable order type: FAK sweeps what it can inside the cap, FOK all or nothing. */
  orderType: Extract<OrderType, 'FAK' | 'FOK'>;
  /** Token ids, condition ids or slugs; an empty allow list allows all. */
  allow: readonly string[];
  deny: readonly string[];
}

/** Where a copied order goes when the mirror trades on another venue (Kalshi via a market map). */
export interface MappedMarket {
  market: string;
  outcome?: Outcome;
}

/** Where a whale's Polymarket fill is copied on another venue (Kalshi), or why it is not. */
export type MarketMapper = (fill: WhaleFill) => MappedMarket | { skip: string };

export type SkipReason =
  | 'market_closed'
  | 'market_inactive'
  | 'market_denied'
  | 'market_not_allowed'
  | 'market_unknown'
  | 'unmapped_market'
  | 'daily_loss_limit'
  | 'whale_value_unknown'
  | 'whale_position_unknown'
  | 'no_position'
  | 'below_minimum'
  | 'max_per_trade'
  | 'max_per_market'
  | 'max_exposure'
  | 'max_daily_volume'
  | 'insufficient_balance'
  | 'price_out_of_range'
  | 'max_copy_fraction'
  | 'signal_too_old'
  | 'state_store_failed'
  | 'shutdown'
  | 'interrupted';

export interface PlannedOrder {
  side: Side;
  /** Shares. */
  size: Micros;
  /** Worst acceptable price (the FAK/FOK cap). */
  price: Micros;
  type: Extract<OrderType, 'FAK' | 'FOK'>;
  /** Worst-case USD that changes hands: size x price. */
  notional: Micros;
  /** The most the venue can charge as taker fee for it (rules.takerFee at the cap price). */
  maxFee: Micros;
}

export type Decision =
  | { action: 'place'; order: PlannedOrder; /** Cap that reduced the size, if any. */ limitedBy?: SkipReason }
  | { action: 'skip'; reason: SkipReason; detail: string };
