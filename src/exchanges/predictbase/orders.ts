/**
 * Order checks and results for PredictBase's create-order (wire.ts D3). Pure functions: the adapter does I/O.
 * Every value is checked before anything is sent; a malformed one is BadInputError (exit 2) naming the
 * flag, an order type PredictBase cannot express is NotSupportedError (exit 3).
 */
import { BadInputError, InvalidOrderError, NotSupportedError } from '../../core/errors.js';
import { MICRO, formatMicros, type Micros } from '../../core/money.js';
import type { OpenOrder, OrderParams, OrderResult, OrderStatus } from '../../core/types.js';
import { parseInstrument, type Instrument } from './ids.js';
import { CLIENT_ORDER_ID, SHARE, TICK, type CreateOrderBody, type WireMarket, type WireOrder } from './wire.js';

/**
 * PredictBase documents no per-order maximum. A million shares is $1,000,000 of payout in one order, far
 * beyond a copied or hand-placed order: a bigger qty is a typo or a unit mistake, refused before sending.
 */
export const MAX_QTY: Micros = 1_000_000n * MICRO;

/** The instrument an order names: `market` as `<id>:<option>`, or a bare id with the option in `outcome`. */
export function instrumentFor(market: string, outcome?: string): Instrument {
  return parseInstrument(!market.includes(':') && outcome ? `${market}:${outcome}` : market);
}

export function validateOrder(params: OrderParams): Instrument {
  const bad = (message: string, hint: string): never => {
    throw new BadInputError(`invalid PredictBase order: ${message}`, { hint });
  };
  const instrument = instrumentFor(params.market, params.outcome);
  if (params.side !== 'buy' && params.side !== 'sell') bad(`side must be buy or sell, got "${String(params.side)}"`, 'use --side buy or --side sell');
  if (params.type === 'FOK' || params.type === 'GTD') {
    throw new NotSupportedError(`PredictBase takes LIMIT GTC orders only: ${params.type} cannot be expressed`, {
      hint: params.type === 'FOK' ? 'use --type fak (fills what it can at once up to --price, the rest is cancelled)' : 'use --type gtc and cancel it later',
    });
  }
  if (params.type !== 'GTC' && params.type !== 'FAK') bad(`unknown order type "${String(params.type)}"`, 'use --type gtc or fak');
  if (params.size <= 0n) bad(`size must be positive, got ${formatMicros(params.size)}`, 'give --size as a number of shares, e.g. 10');
  if (params.size % SHARE !== 0n) bad(`size ${formatMicros(params.size)} is a fraction; PredictBase orders are whole shares`, 'give --size as a whole number, e.g. 10');
  if (params.size > MAX_QTY) bad(`size ${formatMicros(params.size)} is above ${formatMicros(MAX_QTY)} shares per order`, `lower --size`);
  if (params.price <= 0n || params.price >= MICRO) bad(`price must be strictly between 0 and 1, got ${formatMicros(params.price)}`, 'give --price in dollars, e.g. 0.42');
  if (params.price % TICK !== 0n) bad(`price ${formatMicros(params.price)} is not in whole cents`, 'round --price to 2 decimals, e.g. 0.42');
  if (params.clientOrderId !== undefined && !CLIENT_ORDER_ID.test(params.clientOrderId)) {
    bad('client order id must be 1-64 of letters, digits and _ # : . -', 'leave --client-order-id out for a fresh one');
  }
  return instrument;
}

/** The option index an instrument names on this market; InvalidOrderError (nothing sent) when it names none. */
export function optionIndexOf(instrument: Instrument, market: WireMarket): number {
  const titles = market.optionTitles;
  const list = titles.map((title, i) => `${i} "${title}"`).join(', ');
  if ('index' in instrument.option) {
    if (instrument.option.index < titles.length) return instrument.option.index;
    throw new InvalidOrderError(`PredictBase market ${market.id} has no option ${instrument.option.index} (options: ${list})`);
  }
  const wanted = instrument.option.title.toLowerCase();
  const index = titles.findIndex((title) => title.trim().toLowerCase() === wanted);
  if (index === -1) throw new InvalidOrderError(`PredictBase market ${market.id} has no option "${instrument.option.title}" (options: ${list})`);
  return index;
}

/** Only active markets (status 0, read-markets page) take orders. */
export function checkMarketOpen(market: WireMarket): void {
  if (market.status === 0) return;
  const state = market.status === 1 ? 'resolved' : market.status === 2 ? 'canceled' : `in status ${market.status}`;
  throw new InvalidOrderError(`PredictBase market ${market.id} is ${state}, not open for trading; nothing was sent`);
}

export function statusOf(order: Pick<WireOrder, 'status' | 'qty' | 'filledQty'>): OrderStatus {
  const filled = order.filledQty;
  switch (order.status) {
    case 'FILLED':
      return 'filled';
    case 'OPEN':
    case 'PARTIALLY_FILLED':
      return filled >= order.qty && filled > 0n ? 'filled' : filled > 0n ? 'partially_filled' : 'open';
    case 'CANCELED':
      return filled > 0n ? 'partially_filled' : 'cancelled';
    default:
      return 'pending';
  }
}

export function resultFrom(params: OrderParams, body: CreateOrderBody, order: WireOrder): OrderResult {
  return {
    exchange: 'predictbase',
    orderId: order.orderId,
    clientOrderId: body.meta.clientOrderId,
    status: statusOf(order),
    market: params.market,
    ...(params.outcome ? { outcome: params.outcome } : {}),
    side: params.side,
    type: params.type,
    size: params.size,
    price: params.price,
    filledSize: order.filledQty,
    filledValue: order.filledValue,
    ...(order.fee !== undefined && order.fee > 0n ? { fee: { usd: order.fee, shares: 0n } } : {}),
    request: body,
    info: order.info,
  };
}

export function dryRunResult(params: OrderParams, body: CreateOrderBody): OrderResult {
  return {
    exchange: 'predictbase',
    orderId: '',
    clientOrderId: body.meta.clientOrderId,
    status: 'dry_run',
    market: params.market,
    ...(params.outcome ? { outcome: params.outcome } : {}),
    side: params.side,
    type: params.type,
    size: params.size,
    price: params.price,
    filledSize: 0n,
    filledValue: 0n,
    request: body,
  };
}

export function openOrderFrom(order: WireOrder): OpenOrder {
  return {
    orderId: order.orderId,
    market: `${order.marketId}:${order.optionIndex}`,
    side: order.side,
    price: order.price,
    size: order.qty,
    filledSize: order.filledQty,
    type: 'GTC',
    ...(order.createdAt !== undefined ? { createdAt: order.createdAt } : {}),
    info: order.info,
  };
}
