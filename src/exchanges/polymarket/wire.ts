/**
 * The wire format: venue shapes -> unified types (order books, open orders, order states, positions of
 * the Data API) and the collateral part of the permission report.
 * https://docs.polymarket.com/developers/CLOB/orders/get-active-order
 */
import { getContractConfig, type BalanceAllowanceResponse, type OpenOrder as ClobOpenOrder, type OrderBookSummary } from '@polymarket/clob-client-v2';
import { ExchangeError, OutcomeUnknownError } from '../../core/errors.js';
import { formatMicros, MICRO, minMicros, mulMicros } from '../../core/money.js';
import type { OpenOrder, OrderBook, OrderResult, OrderType, PermissionCheck, Position, Side } from '../../core/types.js';
import { venueError } from './errors.js';
import { venueMicros } from './orders.js';

/** Best first: bids descending, asks ascending (the CLOB lists the best level last). */
export function bookOf(market: string, book: OrderBookSummary): OrderBook {
  const levels = (rows: { price: string; size: string }[] | undefined) =>
    (rows ?? []).map((row) => ({ price: venueMicros(row.price), size: venueMicros(row.size) }));
  return {
    market,
    bids: levels(book.bids).sort((a, b) => (a.price === b.price ? 0 : a.price > b.price ? -1 : 1)),
    asks: levels(book.asks).sort((a, b) => (a.price === b.price ? 0 : a.price < b.price ? -1 : 1)),
    tickSize: book.tick_size ? venueMicros(book.tick_size) : undefined,
    minOrderSize: book.min_order_size ? venueMicros(book.min_order_size) : undefined,
    info: book,
  };
}

const sideOf = (side: string): Side => (side.toUpperCase() === 'BUY' ? 'buy' : 'sell');
const typeOf = (type: string | undefined): OrderType => {
  const upper = (type ?? 'GTC').toUpperCase();
  return upper === 'GTD' || upper === 'FOK' || upper === 'FAK' ? upper : 'GTC';
};

export function openOrderOf(order: ClobOpenOrder): OpenOrder {
  return {
    orderId: order.id,
    market: order.asset_id,
    side: sideOf(order.side),
    price: venueMicros(order.price),
    size: venueMicros(order.original_size),
    filledSize: venueMicros(order.size_matched),
    type: typeOf(order.order_type),
    createdAt: typeof order.created_at === 'number' ? order.created_at : undefined,
    info: order,
  };
}

export function orderResultOf(order: ClobOpenOrder): OrderResult {
  const price = venueMicros(order.price);
  const size = venueMicros(order.original_size);
  const filledSize = venueMicros(order.size_matched);
  const state = String(order.status ?? '').toUpperCase();
  let status: OrderResult['status'];
  if (state.includes('MATCHED') || (size > 0n && filledSize >= size)) status = 'filled';
  else if (state.includes('CANCEL')) status = filledSize > 0n ? 'partially_filled' : 'cancelled';
  else if (state.includes('LIVE')) status = filledSize > 0n ? 'partially_filled' : 'open';
  else status = 'pending';
  return {
    exchange: 'polymarket',
    orderId: order.id,
    status,
    market: order.asset_id,
    side: sideOf(order.side),
    type: typeOf(order.order_type),
    size,
    price,
    filledSize,
    // The CLOB's order record carries no executed value: size_matched x limit price is a bound (at most
    // what a BUY paid, at least what a SELL received); the trades in associate_trades have the exact one.
    // A marketable BUY spends at most the dollars it signed (original size x limit price), even when a
    // better price brought it more shares than its size.
    filledValue: marketableBuy(order) ? minMicros(mulMicros(filledSize, price), mulMicros(size, price)) : mulMicros(filledSize, price),
    info: order,
  };
}

function marketableBuy(order: ClobOpenOrder): boolean {
  const type = typeOf(order.order_type);
  return sideOf(order.side) === 'buy' && (type === 'FOK' || type === 'FAK');
}

/**
 * An order record whose matched size exceeds its own size is not passed on as a fill (see
 * assertFillWithinSigned): what executed is unknown. Marketable BUYs are exempt, as they spend USD and
 * may receive more shares than their signed minimum.
 */
export function assertRecordWithinSize(order: ClobOpenOrder): void {
  const side = sideOf(order.side);
  const type = typeOf(order.order_type);
  if (side === 'buy' && (type === 'FOK' || type === 'FAK')) return;
  const size = venueMicros(order.original_size);
  const matched = venueMicros(order.size_matched);
  if (size === 0n || matched <= size) return;
  throw new OutcomeUnknownError(
    `reading Polymarket order ${order.id}: the CLOB reports ${formatMicros(matched)} shares matched of ${formatMicros(size)}`,
    { hint: `look up order ${order.id} and the funder's pUSD and share balances before trading this market again`, info: { orderId: order.id, answer: order } },
  );
}

/**
 * Collateral the venue holds back for resting BUY orders: remaining shares x limit price, rounded up
 * (when in doubt, hold back a micro more). https://docs.polymarket.com/developers/CLOB/orders/get-active-order
 */
export function reservedByBuys(orders: readonly OpenOrder[]): bigint {
  return orders
    .filter((order) => order.side === 'buy')
    .reduce((sum, order) => sum + ((order.size - order.filledSize) * order.price + MICRO - 1n) / MICRO, 0n);
}

/**
 * Collateral checks of validatePermissions: money on the funder, and the exchanges allowed to spend it
 * (V2 and neg-risk V2, or the one V3 exchange when /version answers 3). All are warnings: a new user with
 * $0 or without approvals yet can still set up; orders will say what is missing.
 */
export function permissionChecksOf(
  response: BalanceAllowanceResponse,
  chainId: 137 | 80002,
  funder: string,
  version?: number,
): PermissionCheck[] {
  const balance = BigInt(response.balance || '0');
  const checks: PermissionCheck[] = [
    {
      name: 'collateral balance',
      ok: balance > 0n,
      severity: 'warning',
      detail:
        balance > 0n
          ? `funder ${funder} holds $${formatMicros(balance)} pUSD`
          : `funder ${funder} holds $0 pUSD: deposit to the funder (not to the signing key unless they are the same)`,
    },
  ];
  const contracts = getContractConfig(chainId);
  const allowances = Object.fromEntries(Object.entries(response.allowances ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const spenders: [string, string][] =
    version === 3
      ? [['CTF exchange V3', contracts.exchangeV3]]
      : [
          ['CTF exchange', contracts.exchangeV2],
          ['neg-risk CTF exchange', contracts.negRiskExchangeV2],
        ];
  for (const [name, spender] of spenders) {
    const allowance = BigInt(allowances[spender.toLowerCase()] ?? '0');
    checks.push({
      name: `allowance (${name})`,
      ok: allowance > 0n,
      severity: 'warning',
      detail:
        allowance > 0n
          ? `${spender} may spend ${allowance >= 10n ** 30n ? 'unlimited' : `$${formatMicros(allowance)}`} pUSD of the funder`
          : `${spender} is not approved to spend the funder's pUSD: approve it (Polymarket's site or the relayer does this on setup)`,
    });
  }
  return checks;
}

interface DataApiPosition {
  asset: string;
  size: number;
  avgPrice?: number;
  currentValue?: number;
  outcome?: string;
}

const POSITIONS_PAGE = 500;
/** The Data API refuses offsets past 10,000; a wallet with more positions than that is not ours to mirror. */
const POSITIONS_MAX_OFFSET = 10_000;

/** Data API GET /positions?user=<funder>, every page (https://docs.polymarket.com/api-reference/core/get-current-positions-for-a-user). */
export async function fetchPositions(fetchFn: typeof fetch, dataApiUrl: string, funder: string): Promise<Position[]> {
  const positions: Position[] = [];
  for (let offset = 0; offset <= POSITIONS_MAX_OFFSET; offset += POSITIONS_PAGE) {
    const rows = await positionsPage(fetchFn, dataApiUrl, funder, offset);
    positions.push(...rows.map(positionOf));
    if (rows.length < POSITIONS_PAGE) break;
  }
  return positions;
}

async function positionsPage(fetchFn: typeof fetch, dataApiUrl: string, funder: string, offset: number): Promise<DataApiPosition[]> {
  const query = { user: funder, sizeThreshold: '0', limit: String(POSITIONS_PAGE), offset: String(offset) };
  const response = await fetchFn(`${dataApiUrl}/positions?${new URLSearchParams(query)}`);
  const text = await response.text();
  if (!response.ok) throw venueError('Data API /positions', { reason: text.slice(0, 300) || response.statusText, status: response.status });
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw new ExchangeError('Data API /positions answered something that is not JSON', { info: text.slice(0, 300) });
  }
  if (!Array.isArray(rows)) throw new ExchangeError('Data API /positions did not answer a list', { info: rows });
  return rows as DataApiPosition[];
}

function positionOf(row: DataApiPosition): Position {
  return {
    market: String(row.asset),
    size: numberMicros(row.size),
    avgPrice: row.avgPrice === undefined ? undefined : numberMicros(row.avgPrice),
    currentValue: row.currentValue === undefined ? undefined : numberMicros(row.currentValue),
    info: row,
  };
}

/** The Data API answers JSON numbers; convert at the edge, rounding to micro-units. */
function numberMicros(value: number): bigint {
  return venueMicros(Number(value).toFixed(6));
}
