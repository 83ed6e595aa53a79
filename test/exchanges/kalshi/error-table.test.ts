/**
 * Kalshi's error table, entry by entry: each documented answer (status + body, VENUES.md section 3 and
 * the stand-in's documented refusals) maps to one error class, message, hint and exit code.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ExchangeError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NotSupportedError,
  OrderNotFoundError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { describeError } from '../../../src/cli/exit.js';
import { mapKalshiError, type FailedCall } from '../../../src/exchanges/kalshi/errors.js';

const ORDERS = '/trade-api/v2/portfolio/events/orders';
const AUTH_HINT =
  'check KALSHI_API_KEY_ID and the private key belong together and to this environment (demo keys do not work on prod), that the key can trade, and that the local clock is right';

type Row = [string, Pick<FailedCall, 'status' | 'payload' | 'kind'> & { method?: string; path?: string }, Function, number, string, string | undefined];

const ROWS: Row[] = [
  ['401 bad signature', { status: 401, payload: { error: { code: 'authentication_error', details: 'INCORRECT_API_KEY_SIGNATURE' } }, kind: 'account' }, AuthenticationError, 4, `Kalshi refused the credentials (INCORRECT_API_KEY_SIGNATURE) on POST ${ORDERS}`, AUTH_HINT],
  ['403 key cannot trade', { status: 403, payload: { code: 'forbidden', message: 'forbidden' }, kind: 'order' }, AuthenticationError, 4, `Kalshi refused the credentials (forbidden) on POST ${ORDERS}`, AUTH_HINT],
  ['429 rate limit', { status: 429, payload: { error: 'too many requests' }, kind: 'order' }, RateLimitedError, 6, `Kalshi rate limit hit on POST ${ORDERS}`, 'basic tier allows about 20 reads/s and 10 writes/s; slow down and retry'],
  ['500 internal', { status: 500, payload: { code: 'internal', message: 'internal error' }, kind: 'order' }, ExchangeUnavailableError, 6, `Kalshi is unavailable (internal error) on POST ${ORDERS}`, undefined],
  ['503 maintenance, even with an order refusal in the body', { status: 503, payload: { error: { code: 'insufficient_balance' } }, kind: 'order' }, ExchangeUnavailableError, 6, `Kalshi is unavailable (HTTP 503) on POST ${ORDERS}`, undefined],
  ['400 insufficient_balance', { status: 400, payload: { error: { code: 'insufficient_balance', message: 'insufficient balance' } }, kind: 'order' }, InsufficientFundsError, 5, 'Kalshi: not enough balance for this order (insufficient balance)', 'deposit in the Kalshi web app or lower --size'],
  ['400 invalid_order (post only cross)', { status: 400, payload: { error: { code: 'invalid_order', message: 'invalid order', details: 'post only cross' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: invalid order: post only cross', undefined],
  ['400 missing_parameters', { status: 400, payload: { error: { code: 'missing_parameters', message: 'ticker is required' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: ticker is required', undefined],
  ['400 top-level bad_request', { status: 400, payload: { code: 'bad_request', message: 'unparsable body' }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: unparsable body', undefined],
  ['404 on an order: unknown market', { status: 404, payload: { error: { code: 'market_not_found', message: 'market not found' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: market not found', undefined],
  ['409 on an order', { status: 409, payload: { error: { code: 'conflict', message: 'duplicate client_order_id' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: duplicate client_order_id', undefined],
  ['422 on an order', { status: 422, payload: { error: { code: 'invalid_parameters', message: 'bad price' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: bad price', undefined],
  ['2xx carrying an error on an order', { status: 200, payload: { error: { code: 'order_rejected', message: 'rejected' } }, kind: 'order' }, InvalidOrderError, 5, 'Kalshi refused the order: rejected (HTTP 200 carrying an error)', undefined],
  ['2xx deprecated_v1_order_endpoint', { status: 201, path: '/trade-api/v2/portfolio/orders', payload: { error: { code: 'deprecated_v1_order_endpoint', message: 'use v2' } }, kind: 'order' }, NotSupportedError, 3, 'Kalshi no longer serves POST /trade-api/v2/portfolio/orders (use v2); nothing was placed', 'orders go to POST /portfolio/events/orders since May 2026: upgrade betmirror if this persists'],
  ['404 on an order lookup', { status: 404, method: 'DELETE', path: `${ORDERS}/x`, payload: { error: { code: 'not_found', message: 'order not found' } }, kind: 'order-lookup' }, OrderNotFoundError, 5, 'Kalshi has no such order (order not found)', undefined],
  ['404 on a market read', { status: 404, method: 'GET', path: '/trade-api/v2/markets/KXNOPE', payload: { error: { code: 'not_found', message: 'not found' } }, kind: 'market' }, InvalidOrderError, 5, 'Kalshi has no market at GET /trade-api/v2/markets/KXNOPE (not found)', 'check the market ticker'],
  ['anything else', { status: 418, method: 'GET', path: '/trade-api/v2/portfolio/balance', payload: 'teapot', kind: 'account' }, ExchangeError, 1, 'Kalshi answered HTTP 418 on GET /trade-api/v2/portfolio/balance: HTTP 418', undefined],
];

describe('Kalshi error table', () => {
  it.each(ROWS)('%s', (_name, call, type, exitCode, message, hint) => {
    const error = mapKalshiError({ method: 'POST', path: ORDERS, retryAfter: null, nowMs: 0, ...call });
    expect(error.constructor).toBe(type);
    expect(error.message).toBe(message);
    expect(error.hint).toBe(hint);
    expect(error.info).toEqual({ status: call.status, method: call.method ?? 'POST', path: call.path ?? ORDERS, body: call.payload });
    expect(describeError(error).exitCode).toBe(exitCode);
  });

  it('a 429 carries its Retry-After', () => {
    const error = mapKalshiError({ status: 429, method: 'GET', path: '/x', payload: {}, retryAfter: '3', nowMs: 0, kind: 'account' });
    expect((error as RateLimitedError).retryAfterMs).toBe(3000);
  });
});
