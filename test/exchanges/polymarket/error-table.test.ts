/**
 * Polymarket's error table, entry by entry: each documented CLOB answer (the create-order error messages,
 * https://docs.polymarket.com/developers/CLOB/orders/create-order#error-messages, as the local CLOB sends
 * them) maps to one error class, hint and exit code, the message carrying the venue's reason.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ExchangeError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
  RequestTimeoutError,
} from '../../../src/core/errors.js';
import { describeError } from '../../../src/cli/exit.js';
import { venueError } from '../../../src/exchanges/polymarket/errors.js';

const AUTH = 'run `betmirror auth --exchange polymarket`: it checks the key and stores fresh API credentials';
const KEY_OWNER = 'the API credentials belong to another key: run `betmirror auth --exchange polymarket` with this key';
const FUNDS = 'fund the funder address with pUSD and approve the exchange';
const DEPOSIT_WALLET = 'this account must trade from a deposit wallet: set POLYMARKET_SIGNATURE_TYPE=deposit-wallet';

const ROWS: Array<[string, number | undefined, Function, number, string | undefined]> = [
  ['Invalid order payload', 400, InvalidOrderError, 5, undefined],
  ['the order owner has to be the owner of the API KEY', 400, AuthenticationError, 4, KEY_OWNER],
  ['the order signer address has to be the address of the API KEY', 400, AuthenticationError, 4, KEY_OWNER],
  ['invalid signature', 400, AuthenticationError, 4, AUTH],
  ['the market is not yet ready to process new orders', 400, InvalidOrderError, 5, undefined],
  ['not enough balance / allowance', 400, InsufficientFundsError, 5, FUNDS],
  ["order couldn't be fully filled. FOK orders are fully filled or killed.", 400, InvalidOrderError, 5, undefined],
  ['no orders found to match with FAK order', 400, InvalidOrderError, 5, undefined],
  ['invalid post-only order: order crosses book', 400, InvalidOrderError, 5, undefined],
  ['maker address not allowed, please use the deposit wallet flow', 400, AuthenticationError, 4, DEPOSIT_WALLET],
  [`order 0x${'ab'.repeat(32)} is invalid. Duplicated. Same order has already been placed, can't be placed again`, 400, InvalidOrderError, 5, undefined],
  ['INVALID_ORDER_MIN_TICK_SIZE', 400, InvalidOrderError, 5, undefined],
  ['order 0x1 is invalid. Size (1) lower than the minimum: 5', 400, InvalidOrderError, 5, undefined],
  ['Unauthorized/Invalid api key', 401, AuthenticationError, 4, AUTH],
  ['Too Many Requests', 429, RateLimitedError, 6, undefined],
  ['order not found', 404, OrderNotFoundError, 5, undefined],
  ['request timeout', 408, RequestTimeoutError, 6, undefined],
  ['bad gateway', 502, ExchangeUnavailableError, 6, undefined],
  // The message's cause wins over a generic status.
  ['insufficient collateral', 404, InsufficientFundsError, 5, FUNDS],
  ['rate limit exceeded', 400, RateLimitedError, 6, undefined],
  // No status: the request got no answer.
  ['fetch failed (ECONNREFUSED)', undefined, ExchangeUnavailableError, 6, undefined],
  ['something odd', 418, ExchangeError, 1, undefined],
];

describe('Polymarket error table', () => {
  it.each(ROWS)('%s (HTTP %s)', (reason, status, type, exitCode, hint) => {
    const error = venueError('placing', { reason, status, payload: { error: reason } });
    expect(error.constructor).toBe(type);
    expect(error.message).toBe(`placing: ${reason}${status ? ` (HTTP ${status})` : ''}`);
    expect(error.hint).toBe(hint);
    expect(error.info).toEqual({ reason, status, payload: { error: reason } });
    expect(describeError(error).exitCode).toBe(exitCode);
  });
});
