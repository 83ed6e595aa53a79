/**
 * Translation between betmirror's (outcome, side, price) and Kalshi's single YES book, plus the wire
 * formats (dollar strings, fixed-point counts). All money stays in bigint micro-units here.
 *
 * Kalshi's order endpoint (https://docs.kalshi.com/api-reference/orders/create-order-v2) knows one book:
 * `side: bid` buys YES, `side: ask` sells YES, and `price` is always the YES price. Holding NO is the
 * same as being short YES, so every (outcome, side) pair lands on that book:
 *
 *   outcome yes, buy  at p  ->  bid at p        (pay at most p per YES)
 *   outcome yes, sell at p  ->  ask at p        (receive at least p per YES)
 *   outcome no,  buy  at q  ->  ask at 1 - q    (a YES ask at 1-q fills only at YES >= 1-q, i.e. NO <= q)
 *   outcome no,  sell at q  ->  bid at 1 - q    (a YES bid at 1-q fills only at YES <= 1-q, i.e. NO >= q)
 *
 * The limit therefore stays a price cap in the caller's outcome for IOC/FOK orders. Reading orders back,
 * Kalshi cannot tell "sell YES" from "buy NO" (they are one order): reads report the buy-outcome view
 * (bid -> buy yes at the YES price, ask -> buy no at the NO price).
 */
import { MICRO, formatMicros, toMicros, type Micros } from '../../core/money.js';
import type { BookLevel, Outcome, Side } from '../../core/types.js';

export type BookSide = 'bid' | 'ask';

export interface YesBookOrder {
  side: BookSide;
  /** YES price, micro-units. */
  yesPrice: Micros;
}

export function toYesBook(outcome: Outcome, side: Side, price: Micros): YesBookOrder {
  const yesPrice = outcome === 'yes' ? price : MICRO - price;
  const buysYes = (outcome === 'yes') === (side === 'buy');
  return { side: buysYes ? 'bid' : 'ask', yesPrice };
}

/** The buy-outcome view of a YES-book order: bid = buy YES at p, ask = buy NO at 1-p. */
export function fromYesBook(side: BookSide, yesPrice: Micros): { outcome: Outcome; side: Side; price: Micros } {
  return side === 'bid'
    ? { outcome: 'yes', side: 'buy', price: yesPrice }
    : { outcome: 'no', side: 'buy', price: MICRO - yesPrice };
}

/** Price in the caller's outcome from a YES-book price. */
export function outcomePrice(outcome: Outcome, yesPrice: Micros): Micros {
  return outcome === 'yes' ? yesPrice : MICRO - yesPrice;
}

/** "0.5600": Kalshi's examples use 4 decimals; prices finer than 1e-4 exist on no Kalshi grid. */
export function dollarString(price: Micros): string {
  const whole = price / MICRO;
  const frac = (price % MICRO).toString().padStart(6, '0');
  return `${whole}.${frac.slice(0, 4)}`;
}

/** "10.00": fixed-point contract count, 2 decimals (the venue's granularity). */
export function countString(size: Micros): string {
  const whole = size / MICRO;
  const frac = (size % MICRO).toString().padStart(6, '0');
  return `${whole}.${frac.slice(0, 2)}`;
}

/** Parses a dollar or fixed-point count string (or a number) from a response; absent -> 0. */
export function parseFixed(value: unknown): Micros {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value === 'number' || typeof value === 'string') return toMicros(value);
  throw new RangeError(`not a fixed-point value: ${JSON.stringify(value)}`);
}

/**
 * An order's total fee from create-order-v2's `average_fee_paid`, a dollar string PER CONTRACT
 * ("Volume-weighted average fee paid per contract for fills resulting from this request",
 * https://docs.kalshi.com/api-reference/orders/create-order-v2), times the filled count. Fees are whole
 * multiples of $0.0001 (https://docs.kalshi.com/getting_started/fee_rounding), and the average carries
 * 6 decimals, so the product is rounded to the nearest $0.0001: exact below FEE_EXACT_BELOW contracts
 * (the average's rounding error times the count stays under half a step). Above it the adapter reads the
 * order resource, whose taker_fees_dollars + maker_fees_dollars are the exact totals (orderResultFrom).
 */
export function feePaid(averagePerContract: unknown, filled: Micros): Micros {
  const product = parseFixed(averagePerContract) * filled; // micro-dollars x micro-contracts
  return ((product / MICRO + FEE_STEP / 2n) / FEE_STEP) * FEE_STEP;
}

/** Kalshi's fee unit, $0.0001, in micro-dollars. */
const FEE_STEP = 100n;
/** Below this many contracts `feePaid` is exact: count x 0.5e-6 < 0.5 x $0.0001. */
export const FEE_EXACT_BELOW = 100n * MICRO;

/** Cents (integer) to micro-USD. */
export function centsToMicros(cents: unknown): Micros {
  if (typeof cents === 'number' && Number.isInteger(cents)) return BigInt(cents) * 10_000n;
  if (typeof cents === 'string' && /^-?\d+$/.test(cents)) return BigInt(cents) * 10_000n;
  throw new RangeError(`not an integer amount of cents: ${JSON.stringify(cents)}`);
}

export interface KalshiOrderbook {
  /** YES bids and NO bids as Kalshi sends them: [price_dollars, count_fp], ascending (best last). */
  yes: BookLevel[];
  no: BookLevel[];
}

/** Reads `orderbook_fp` (current) or `orderbook` with *_dollars arrays; sorts defensively. */
export function parseOrderbook(payload: unknown): KalshiOrderbook {
  const root = (payload ?? {}) as Record<string, unknown>;
  const book = (root.orderbook_fp ?? root.orderbook ?? {}) as Record<string, unknown>;
  const levels = (raw: unknown): BookLevel[] =>
    (Array.isArray(raw) ? raw : [])
      .map((level) => {
        const [price, size] = level as [unknown, unknown];
        return { price: parseFixed(price), size: parseFixed(size) };
      })
      .filter((level) => level.size > 0n);
  return { yes: levels(book.yes_dollars), no: levels(book.no_dollars) };
}

/**
 * The book in one outcome's terms. Kalshi sends bids only: that outcome's bids are its own array; its
 * asks are the other outcome's bids at 1 - p (a NO bid at 0.44 is a YES ask at 0.56).
 */
export function outcomeBook(book: KalshiOrderbook, outcome: Outcome): { bids: BookLevel[]; asks: BookLevel[] } {
  const own = outcome === 'yes' ? book.yes : book.no;
  const other = outcome === 'yes' ? book.no : book.yes;
  const bids = [...own].sort((a, b) => (a.price === b.price ? 0 : a.price > b.price ? -1 : 1));
  const asks = other
    .map((level) => ({ price: MICRO - level.price, size: level.size }))
    .sort((a, b) => (a.price === b.price ? 0 : a.price < b.price ? -1 : 1));
  return { bids, asks };
}

/** Price grid of a market from `price_ranges` ([{start, end, step}]); undefined if the market gives none. */
export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

export function parsePriceRanges(market: Record<string, unknown>): PriceRange[] | undefined {
  const ranges = market.price_ranges;
  if (!Array.isArray(ranges) || ranges.length === 0) return undefined;
  return ranges.map((range) => {
    const r = range as Record<string, unknown>;
    return { start: parseFixed(r.start), end: parseFixed(r.end), step: parseFixed(r.step) };
  });
}

/** True when `price` lies on the grid of one of the ranges (range bounds inclusive). */
export function onGrid(price: Micros, ranges: readonly PriceRange[]): boolean {
  return ranges.some(
    (range) => price >= range.start && price <= range.end && range.step > 0n && (price - range.start) % range.step === 0n,
  );
}

export function describeGrid(ranges: readonly PriceRange[]): string {
  return ranges.map((r) => `${formatMicros(r.start)}-${formatMicros(r.end)} step ${formatMicros(r.step)}`).join(', ');
}
