/** Unified domain types shared by every venue, the CLI and the mirror engine. Amounts are micro-units. */
import type { Micros } from './money.js';

export type Side = 'buy' | 'sell';
export type Outcome = 'yes' | 'no';

/**
 * GTC rests until cancelled; GTD rests until `expiresAt`; FOK fills entirely at once or not at all;
 * FAK (immediate-or-cancel) fills what it can at once and cancels the rest.
 */
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';
export const ORDER_TYPES: readonly OrderType[] = ['GTC', 'GTD', 'FOK', 'FAK'];

export interface OrderParams {
  /** The venue's instrument: a Polymarket outcome token id, a Kalshi market ticker. */
  market: string;
  /** For venues where one market carries both outcomes (Kalshi). Polymarket tokens are one outcome each. */
  outcome?: Outcome;
  side: Side;
  /** Shares (contracts), micro-units. */
  size: Micros;
  /** Limit price per share in USD, micro-units in (0, 1). For FOK/FAK it is the worst price accepted. */
  price: Micros;
  type: OrderType;
  /** GTD only: unix seconds after which the order is cancelled by the venue. */
  expiresAt?: number;
  /** Idempotency key where the venue supports one. */
  clientOrderId?: string;
  /** Build and sign, send nothing. */
  dryRun?: boolean;
  /**
   * The order may only shrink a position, never open or grow one (Kalshi `reduce_only`: a sell without
   * holdings would otherwise become a short). The mirror sets it on every copied sell. Venues whose
   * sells can never open a position (Polymarket: a SELL needs the shares) ignore it.
   */
  reduceOnly?: boolean;
  /**
   * Called with the venue's order id (Polymarket: the order hash) once the order is signed and BEFORE
   * it is sent, so a caller can record it durably and, after a crash in flight, look the order up
   * instead of sending it again (the mirror engine does). Adapters that know the id early call it.
   */
  onSigned?: (orderId: string) => void;
}

export type OrderStatus =
  | 'filled' // fully executed
  | 'partially_filled' // some executed; the rest rests (GTC/GTD) or was cancelled (FAK)
  | 'open' // resting, nothing executed yet
  | 'cancelled' // nothing executed and nothing rests (FAK/FOK miss, or cancelled)
  | 'pending' // accepted, outcome not yet known (e.g. delayed matching)
  | 'dry_run'; // built and signed, not sent

export interface OrderResult {
  exchange: string;
  orderId: string;
  /**
   * The idempotency key sent with the order (given or generated), where the venue has one (Kalshi's
   * client_order_id). Print it: after an unknown outcome it is how the user finds or safely repeats the order.
   */
  clientOrderId?: string;
  status: OrderStatus;
  market: string;
  outcome?: Outcome;
  side: Side;
  type: OrderType;
  /** Requested size and limit price. */
  size: Micros;
  price: Micros;
  /**
   * Executed shares and the USD that changed hands for them at the match price, before fees
   * (0 when nothing filled).
   */
  filledSize: Micros;
  filledValue: Micros;
  /**
   * Fees the venue charged for this order, where it reports them: `usd` paid in cash (Kalshi; a
   * Polymarket SELL), `shares` withheld from the shares bought (a Polymarket BUY: the taker receives
   * filledSize - shares). Absent = the venue reported none. So the account moved by:
   * buy: cash -(filledValue + usd), shares +(filledSize - shares); sell: cash +(filledValue - usd), shares -filledSize.
   */
  fee?: { usd: Micros; shares: Micros };
  /** Signed payload that was (or, for dry runs, would have been) sent. No secrets. */
  request?: unknown;
  /** The venue's raw response. */
  info?: unknown;
}

export interface OpenOrder {
  orderId: string;
  market: string;
  outcome?: Outcome;
  side: Side;
  price: Micros;
  size: Micros;
  filledSize: Micros;
  type: OrderType;
  createdAt?: number;
  info?: unknown;
}

export interface CancelRequest {
  /** Order ids to cancel; ignored when `all` is set. */
  orderIds: string[];
  all?: boolean;
}

export interface CancelResult {
  cancelled: string[];
  /** Order id -> the venue's reason it was not cancelled. */
  notCancelled: Record<string, string>;
  info?: unknown;
}

export interface Balance {
  /** Collateral that can be spent now (USD). */
  cash: Micros;
  /** Part of cash reserved by resting buy orders, where the venue reports it. */
  reserved?: Micros;
  /** Mark-to-market value of open positions, where the venue reports it. */
  positionsValue?: Micros;
  currency: string;
  /** The account holding the funds (funder / smart account / venue account). */
  account?: string;
  info?: unknown;
}

export interface MarketPrice {
  market: string;
  outcome?: Outcome;
  bid?: Micros;
  ask?: Micros;
  mid?: Micros;
  info?: unknown;
}

/**
 * What a venue requires of an order on one instrument, read from the venue itself (never assumed):
 * the mirror sizes, rounds and caps every copy with it. Adapters that trade instruments the mirror
 * can copy onto implement IExchangeAdapter.fetchInstrumentRules.
 */
export interface InstrumentRules {
  /** Groups instruments into one market (Polymarket condition id, Kalshi ticker): per-market caps use it. */
  market: string;
  /** Human name when the venue's trading endpoint carries it (never required to trade). */
  title?: string;
  active: boolean;
  closed: boolean;
  tickSize: Micros;
  /** Minimum order size in shares (limit orders). */
  minSize: Micros;
  /** Minimum order value in USD (marketable orders). */
  minNotional: Micros;
  /** Share sizes are multiples of this (Polymarket 0.01, Kalshi whole contracts). */
  sizeStep: Micros;
  /**
   * The most the venue can charge a taker for `shares` at `price` (USD micro-units, rounded against
   * us): part of the worst-case cost of an order in caps and reserved cash. 0n when the market is free.
   */
  takerFee(shares: Micros, price: Micros): Micros;
}

export interface BookLevel {
  price: Micros;
  size: Micros;
}

export interface OrderBook {
  market: string;
  outcome?: Outcome;
  /** Best first: bids descending, asks ascending. */
  bids: BookLevel[];
  asks: BookLevel[];
  tickSize?: Micros;
  minOrderSize?: Micros;
  info?: unknown;
}

export interface Position {
  market: string;
  outcome?: Outcome;
  size: Micros;
  avgPrice?: Micros;
  currentValue?: Micros;
  info?: unknown;
}

export interface CashoutRequest {
  /** USD micro-units, or 'all' for the whole free collateral. */
  amount: Micros | 'all';
  destination: string;
  dryRun?: boolean;
}

export interface CashoutResult {
  txHash: string;
  amount: Micros;
  destination: string;
  /** How the transfer was made: 'eoa-transfer', 'relayer', 'user-operation'... */
  method: string;
  info?: unknown;
}

export interface PermissionCheck {
  name: string;
  ok: boolean;
  detail: string;
  /**
   * 'error' (default): trading cannot work until this is fixed, so `auth` saves nothing.
   * 'warning': worth telling (e.g. no funds deposited yet) but set-up can go on; it does not make the report fail.
   */
  severity?: 'error' | 'warning';
}

export interface PermissionReport {
  ok: boolean;
  signer?: string;
  funder?: string;
  checks: PermissionCheck[];
}

export interface AuthResult {
  /** The account the venue knows us as. */
  account: string;
  /**
   * Secrets the venue issued (e.g. Polymarket L2 API credentials), to be kept in the encrypted
   * secret store by the caller under these names. Adapters never store anything themselves.
   */
  issuedSecrets?: Record<string, string>;
  info?: unknown;
}
