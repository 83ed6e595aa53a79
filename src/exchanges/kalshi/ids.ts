/**
 * Shapes of the identifiers betmirror puts into Kalshi request paths and bodies, checked before any
 * request: a malformed one is a BadInputError (exit 2) naming the value and what it should look like.
 */
import { BadInputError } from '../../core/errors.js';

/**
 * Market tickers: upper-case letters, digits and '-' in Kalshi's listings (KXHIGHNY-24JAN01-T60), with
 * '.' in strike values (KXBTCD-26AUG0207-T72299.99). Lower case, '_' and ':' are let through for Kalshi
 * to judge; anything that could change the request path ('/', '?', '%', spaces) is not. Kalshi publishes
 * no maximum length: 128 leaves room for its long multi-leg tickers (around 60 characters).
 */
export const TICKER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Kalshi's order ids are UUIDs (create-order-v2 `order_id`). */
export const ORDER_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Kalshi's `client_order_id`: at most 64 of [A-Za-z0-9_:+=/-]. */
export const CLIENT_ORDER_ID = /^[-\w:+=/]{1,64}$/;

const shown = (value: unknown) => JSON.stringify(typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}...` : value);

export function assertTicker(ticker: unknown): asserts ticker is string {
  if (typeof ticker === 'string' && TICKER.test(ticker)) return;
  throw new BadInputError(`market ${shown(ticker)} is not a Kalshi market ticker (letters, digits, '.', '_', ':' and '-', at most 128)`, {
    hint: 'give the market ticker as Kalshi shows it, e.g. --market KXHIGHNY-24JAN01-T60',
  });
}

export function assertOrderId(orderId: unknown): asserts orderId is string {
  if (typeof orderId === 'string' && ORDER_ID.test(orderId)) return;
  throw new BadInputError(`order id ${shown(orderId)} is not a Kalshi order id (a UUID such as 6f1c2c1e-8f0a-4c3e-9a7b-2d4e5f6a7b8c)`, {
    hint: 'use the orderId an order command printed, or `betmirror cancel --exchange kalshi --all`',
  });
}
