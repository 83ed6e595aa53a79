/**
 * How Kalshi's answers become filled contracts, dollars, fees and a status, at the edges that mutation
 * testing (`npm run test:mutation`) showed no other test pinned down. Pure functions, recorded shapes.
 */
import { describe, expect, it } from 'vitest';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import { buildOrderBody, createResult, orderResultFrom, type CreateOrderResponse, type KalshiOrder } from '../../../src/exchanges/kalshi/orders.js';
import { centsToMicros, parseFixed } from '../../../src/exchanges/kalshi/wire.js';

const m = (text: string) => toMicros(text);

/** The exact message `run` throws (undefined when it throws nothing). */
function thrownMessage(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

describe('fixed-point values', () => {
  it('reads absent, null and empty values as zero', () => {
    expect(parseFixed(undefined)).toBe(0n);
    expect(parseFixed(null)).toBe(0n);
    expect(parseFixed('')).toBe(0n);
  });

  it('reads dollar strings and JSON numbers exactly', () => {
    expect(parseFixed('0.5600')).toBe(m('0.56'));
    expect(parseFixed(0.56)).toBe(m('0.56'));
    expect(parseFixed('10.00')).toBe(m('10'));
  });

  it('refuses anything else, naming it', () => {
    expect(thrownMessage(() => parseFixed({ value: 1 }))).toBe('not a fixed-point value: {"value":1}');
    expect(thrownMessage(() => parseFixed(true))).toBe('not a fixed-point value: true');
  });
});

describe('integer cents', () => {
  it('converts whole cents, as numbers or digit strings, signed', () => {
    expect(centsToMicros(1234)).toBe(m('12.34'));
    expect(centsToMicros(-5)).toBe(-m('0.05'));
    expect(centsToMicros('1234')).toBe(m('12.34'));
    expect(centsToMicros('-3')).toBe(-m('0.03'));
  });

  it('refuses fractions of a cent and anything that is not a whole number', () => {
    expect(thrownMessage(() => centsToMicros(1.5))).toBe('not an integer amount of cents: 1.5');
    expect(thrownMessage(() => centsToMicros('1.5'))).toBe('not an integer amount of cents: "1.5"');
    expect(thrownMessage(() => centsToMicros('12abc'))).toBe('not an integer amount of cents: "12abc"');
    expect(thrownMessage(() => centsToMicros('abc12'))).toBe('not an integer amount of cents: "abc12"');
    expect(thrownMessage(() => centsToMicros('x'))).toBe('not an integer amount of cents: "x"');
    expect(thrownMessage(() => centsToMicros('-'))).toBe('not an integer amount of cents: "-"');
    expect(thrownMessage(() => centsToMicros(undefined))).toBe('not an integer amount of cents: undefined');
  });
});

describe('create-order answer', () => {
  const params = (overrides: Partial<OrderParams> = {}): OrderParams => ({
    market: 'KXRAIN-26JAN05',
    outcome: 'yes',
    side: 'buy',
    size: m('10'),
    price: m('0.56'),
    type: 'FAK',
    clientOrderId: 'copy-1',
    ...overrides,
  });

  function result(p: OrderParams, response: Omit<CreateOrderResponse, 'order_id'>) {
    const body = buildOrderBody(p);
    const { request: _request, info: _info, ...rest } = createResult(p, body, { order_id: 'ord-1', ...response });
    return rest;
  }

  it('values a NO buy at the NO price: the YES-book average is turned over', () => {
    // 10 NO contracts filled at a YES average of 0.45: $5.50 at 0.55, fee 10 x $0.0173.
    expect(result(params({ outcome: 'no', price: m('0.6') }), { fill_count: '10.00', remaining_count: '0.00', average_fill_price: '0.4500', average_fee_paid: '0.0173' })).toEqual({
      exchange: 'kalshi',
      orderId: 'ord-1',
      clientOrderId: 'copy-1',
      status: 'filled',
      market: 'KXRAIN-26JAN05',
      outcome: 'no',
      side: 'buy',
      type: 'FAK',
      size: m('10'),
      price: m('0.6'),
      filledSize: m('10'),
      filledValue: m('5.5'),
      fee: { usd: m('0.173'), shares: 0n },
    });
  });

  it('reports no fee when nothing filled, even when the answer carries an average fee', () => {
    const nothing = result(params(), { fill_count: '0.00', remaining_count: '0.00', average_fee_paid: '0.0000' });
    expect(nothing).toEqual({
      exchange: 'kalshi',
      orderId: 'ord-1',
      clientOrderId: 'copy-1',
      status: 'cancelled',
      market: 'KXRAIN-26JAN05',
      outcome: 'yes',
      side: 'buy',
      type: 'FAK',
      size: m('10'),
      price: m('0.56'),
      filledSize: 0n,
      filledValue: 0n,
    });
    expect('fee' in nothing).toBe(false);
  });

  it('reports no fee when the answer carries none', () => {
    const filled = result(params(), { fill_count: '4.00', remaining_count: '0.00', average_fill_price: '0.5500' });
    expect(filled.filledValue).toBe(m('2.2'));
    expect(filled.status).toBe('partially_filled');
    expect('fee' in filled).toBe(false);
  });
});

describe('order resource', () => {
  const order = (overrides: Partial<KalshiOrder>): KalshiOrder => ({
    order_id: 'ord-1',
    ticker: 'KXRAIN-26JAN05',
    status: 'executed',
    book_side: 'bid',
    yes_price_dollars: '0.5600',
    initial_count_fp: '10.00',
    fill_count_fp: '10.00',
    ...overrides,
  });

  it('a resting order is open until something fills, then partially filled', () => {
    expect(orderResultFrom(order({ status: 'resting', fill_count_fp: '0.00' })).status).toBe('open');
    expect(orderResultFrom(order({ status: 'resting', fill_count_fp: '3.00' })).status).toBe('partially_filled');
  });

  it('a canceled order is cancelled when nothing filled, else partially filled; an unknown status is pending', () => {
    expect(orderResultFrom(order({ status: 'canceled', fill_count_fp: '0.00' })).status).toBe('cancelled');
    expect(orderResultFrom(order({ status: 'canceled', fill_count_fp: '3.00' })).status).toBe('partially_filled');
    expect(orderResultFrom(order({ status: 'executed' })).status).toBe('filled');
    expect(orderResultFrom(order({ status: 'under_review', fill_count_fp: '0.00' })).status).toBe('pending');
  });

  it('values the fills at taker plus maker cost, and a maker-only fee is still a fee', () => {
    const { info: _info, ...rest } = orderResultFrom(
      order({ client_order_id: 'copy-1', taker_fill_cost_dollars: '3.3600', maker_fill_cost_dollars: '2.2400', maker_fees_dollars: '0.0100' }),
    );
    expect(rest).toEqual({
      exchange: 'kalshi',
      orderId: 'ord-1',
      clientOrderId: 'copy-1',
      status: 'filled',
      market: 'KXRAIN-26JAN05',
      outcome: 'yes',
      side: 'buy',
      type: 'GTC',
      size: m('10'),
      price: m('0.56'),
      filledSize: m('10'),
      filledValue: m('5.6'),
      fee: { usd: m('0.01'), shares: 0n },
    });
  });

  it('reads the legacy side and action when the book side is absent', () => {
    const legacy = (side: string, action: string) => {
      const r = orderResultFrom(order({ book_side: undefined, side, action, yes_price_dollars: '0.7000' }));
      return { outcome: r.outcome, side: r.side, price: r.price };
    };
    // buy yes / sell no rest on the bid (buy YES at the YES price); buy no / sell yes on the ask (buy NO at 1 - YES).
    expect(legacy('yes', 'buy')).toEqual({ outcome: 'yes', side: 'buy', price: m('0.7') });
    expect(legacy('no', 'sell')).toEqual({ outcome: 'yes', side: 'buy', price: m('0.7') });
    expect(legacy('no', 'buy')).toEqual({ outcome: 'no', side: 'buy', price: m('0.3') });
    expect(legacy('yes', 'sell')).toEqual({ outcome: 'no', side: 'buy', price: m('0.3') });
  });
});
