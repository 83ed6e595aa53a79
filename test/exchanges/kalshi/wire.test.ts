/** Pure translation rules: the YES-book side mapping, derived asks, formats, HTTP error mapping. */
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ExchangeError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import { mapKalshiError, retryAfterMs, type FailedCall } from '../../../src/exchanges/kalshi/errors.js';
import { createdStatus } from '../../../src/exchanges/kalshi/orders.js';
import { countString, dollarString, fromYesBook, outcomeBook, parseOrderbook, toYesBook } from '../../../src/exchanges/kalshi/wire.js';

describe('YES-book mapping', () => {
  it.each([
    ['yes', 'buy', '0.56', 'bid', '0.56'],
    ['yes', 'sell', '0.56', 'ask', '0.56'],
    ['no', 'buy', '0.30', 'ask', '0.70'],
    ['no', 'sell', '0.30', 'bid', '0.70'],
  ] as const)('%s %s at %s -> %s at YES %s', (outcome, side, price, bookSide, yesPrice) => {
    expect(toYesBook(outcome, side, toMicros(price))).toEqual({ side: bookSide, yesPrice: toMicros(yesPrice) });
  });

  it('reads orders back in the buy-outcome view', () => {
    expect(fromYesBook('bid', toMicros('0.56'))).toEqual({ outcome: 'yes', side: 'buy', price: toMicros('0.56') });
    expect(fromYesBook('ask', toMicros('0.70'))).toEqual({ outcome: 'no', side: 'buy', price: toMicros('0.30') });
  });

  it('formats prices as 4-decimal dollars and counts with 2 decimals', () => {
    expect(dollarString(toMicros('0.56'))).toBe('0.5600');
    expect(dollarString(toMicros('0.555'))).toBe('0.5550');
    expect(countString(toMicros('10'))).toBe('10.00');
    expect(countString(toMicros('0.01'))).toBe('0.01');
  });
});

describe('bids-only order book', () => {
  const book = parseOrderbook({
    orderbook_fp: { yes_dollars: [['0.41', '10.00'], ['0.42', '13.00']], no_dollars: [['0.55', '20.00'], ['0.56', '17.00']] },
  });

  it('takes YES asks from NO bids at 1 - p, best first', () => {
    const yes = outcomeBook(book, 'yes');
    expect(yes.bids.map((l) => l.price)).toEqual([toMicros('0.42'), toMicros('0.41')]);
    expect(yes.asks).toEqual([
      { price: toMicros('0.44'), size: toMicros('17') },
      { price: toMicros('0.45'), size: toMicros('20') },
    ]);
    const no = outcomeBook(book, 'no');
    expect(no.bids[0]?.price).toBe(toMicros('0.56'));
    expect(no.asks[0]?.price).toBe(toMicros('0.58'));
  });

  it('reads an empty or legacy-wrapped book', () => {
    expect(parseOrderbook({ orderbook_fp: { yes_dollars: [], no_dollars: [] } })).toEqual({ yes: [], no: [] });
    expect(parseOrderbook({ orderbook: { yes_dollars: [['0.10', '1']] } }).yes).toHaveLength(1);
  });
});

describe('create-order status', () => {
  it('reads fill counts per order type', () => {
    expect(createdStatus('GTC', 10n, 0n)).toBe('open');
    expect(createdStatus('GTC', 10n, 4n)).toBe('partially_filled');
    expect(createdStatus('FAK', 10n, 0n)).toBe('cancelled');
    expect(createdStatus('FAK', 10n, 4n)).toBe('partially_filled');
    expect(createdStatus('FOK', 10n, 10n)).toBe('filled');
  });
});

describe('Kalshi HTTP error mapping', () => {
  const call = (status: number, payload: unknown, kind: FailedCall['kind'] = 'order', retryAfter: string | null = null) =>
    mapKalshiError({ status, method: 'POST', path: '/trade-api/v2/portfolio/events/orders', payload, retryAfter, nowMs: 0, kind });

  it('maps statuses and codes onto the error tree, keeping the raw payload', () => {
    const auth = call(401, { error: { code: 'authentication_error', details: 'INCORRECT_API_KEY_SIGNATURE' } });
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth.message).toMatch(/INCORRECT_API_KEY_SIGNATURE/);
    expect(auth.info).toMatchObject({ status: 401, body: { error: { code: 'authentication_error' } } });
    expect(call(403, {})).toBeInstanceOf(AuthenticationError);
    expect(call(500, { code: 'internal' })).toBeInstanceOf(ExchangeUnavailableError);
    expect(call(400, { error: { code: 'insufficient_balance', message: 'insufficient balance' } })).toBeInstanceOf(InsufficientFundsError);
    expect(call(400, { code: 'invalid_parameters', message: 'bad price' })).toBeInstanceOf(InvalidOrderError);
    expect(call(404, { error: { code: 'not_found' } }, 'order-lookup')).toBeInstanceOf(OrderNotFoundError);
    expect(call(418, 'teapot', 'account')).toBeInstanceOf(ExchangeError);
  });

  it('reads Retry-After as seconds or a date', () => {
    const limited = call(429, { error: 'too many requests' }, 'account', '3');
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(3000);
    expect((call(429, {}) as RateLimitedError).retryAfterMs).toBeUndefined();
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
  });
});
