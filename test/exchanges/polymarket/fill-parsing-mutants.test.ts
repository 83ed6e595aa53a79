/**
 * How the CLOB's answers become filled shares, dollars, fees and a status, at the edges that mutation
 * testing (`npm run test:mutation`) showed no other test pinned down. Pure functions, recorded shapes.
 */
import type { OpenOrder as ClobOpenOrder, OrderResponse, Trade } from '@polymarket/clob-client-v2';
import { describe, expect, it } from 'vitest';
import { OutcomeUnknownError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import { chargesFees, takerFee, takerFillsOf, totalShares } from '../../../src/exchanges/polymarket/fees.js';
import { assertRecordWithinSize, orderResultOf } from '../../../src/exchanges/polymarket/wire.js';
import { assertFillWithinSigned, filledAmounts, marketBuyAmount, orderStatus, venueMicros } from '../../../src/exchanges/polymarket/orders.js';

const M = (text: string) => toMicros(text);
const TOKEN = '1234567890';

function params(overrides: Partial<OrderParams> = {}): OrderParams {
  return { market: TOKEN, side: 'buy', size: M('10'), price: M('0.5'), type: 'GTC', ...overrides };
}

function record(overrides: Partial<ClobOpenOrder> = {}): ClobOpenOrder {
  return {
    id: '0xorder',
    status: 'LIVE',
    owner: 'owner',
    maker_address: '0xmaker',
    market: '0xcondition',
    asset_id: TOKEN,
    side: 'BUY',
    original_size: '10',
    size_matched: '0',
    price: '0.5',
    associate_trades: [],
    outcome: 'Yes',
    created_at: 1_767_600_000,
    expiration: '0',
    order_type: 'GTC',
    ...overrides,
  } as ClobOpenOrder;
}

/** The error `run` throws (undefined when it throws nothing), to assert its class and exact message. */
function thrown(run: () => void): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

const answer = (status: string, makingAmount = '', takingAmount = '') => ({ success: true, orderID: '0xorder', status, makingAmount, takingAmount }) as unknown as OrderResponse;

describe('venue decimal strings', () => {
  it('reads absent and empty amounts as zero', () => {
    expect(venueMicros(undefined)).toBe(0n);
    expect(venueMicros(null)).toBe(0n);
    expect(venueMicros('')).toBe(0n);
  });

  it('reads whole numbers, numbers and padded strings exactly', () => {
    expect(venueMicros('5')).toBe(5_000_000n);
    expect(venueMicros(5.6)).toBe(5_600_000n);
    expect(venueMicros(' 5.6 ')).toBe(5_600_000n);
  });

  it('truncates past 6 decimals instead of refusing', () => {
    expect(venueMicros('0.1234567')).toBe(123_456n);
    expect(venueMicros('5.0000019')).toBe(5_000_001n);
  });

  it('reads anything that is not a plain unsigned decimal as zero', () => {
    expect(venueMicros('abc')).toBe(0n);
    expect(venueMicros('x5.6')).toBe(0n);
    expect(venueMicros('5.6x')).toBe(0n);
    expect(venueMicros('-1')).toBe(0n);
  });
});

describe('POST /order answer: amounts', () => {
  it('a BUY makes dollars and takes shares; a SELL makes shares and takes dollars', () => {
    expect(filledAmounts(params({ side: 'buy' }), answer('matched', '5.1', '10'))).toEqual({ filledSize: M('10'), filledValue: M('5.1') });
    expect(filledAmounts(params({ side: 'sell' }), answer('matched', '10', '4.9'))).toEqual({ filledSize: M('10'), filledValue: M('4.9') });
  });

  it('a marketable BUY spends size x cap rounded down to the cent', () => {
    expect(marketBuyAmount(params({ size: M('3.33'), price: M('0.333'), type: 'FAK' }))).toBe(M('1.1'));
    expect(marketBuyAmount(params({ size: M('10'), price: M('0.51'), type: 'FAK' }))).toBe(M('5.1'));
  });
});

describe('POST /order answer: within what was signed', () => {
  const raw = { orderId: '0xorder', answer: {} };

  it('a partial limit SELL is within its signed shares even when more shares sold than dollars were signed', () => {
    // SELL 10 at 0.50: makerAmount 10 shares, takerAmount $5; 8 shares sold for $4.
    const signed = { makerAmount: '10000000', takerAmount: '5000000' };
    expect(() => assertFillWithinSigned(params({ side: 'sell' }), signed, { filledSize: M('8'), filledValue: M('4') }, raw)).not.toThrow();
  });

  it('a SELL of more shares than signed is an unknown outcome, with both amounts in the message', () => {
    const signed = { makerAmount: '10000000', takerAmount: '5000000' };
    const error = thrown(() => assertFillWithinSigned(params({ side: 'sell' }), signed, { filledSize: M('10.5'), filledValue: M('5.25') }, raw));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error?.message).toBe('placing a Polymarket order: the CLOB reports more than the order allows (10.5 shares sold where 10 were signed)');
  });

  it('a limit BUY receiving more shares than signed is an unknown outcome; a marketable BUY may receive more', () => {
    const signed = { makerAmount: '5000000', takerAmount: '10000000' };
    const filled = { filledSize: M('10.2'), filledValue: M('5') };
    expect(() => assertFillWithinSigned(params({ side: 'buy' }), signed, filled, raw)).toThrow(
      'placing a Polymarket order: the CLOB reports more than the order allows (10.2 shares bought where 10 were signed)',
    );
    expect(() => assertFillWithinSigned(params({ side: 'buy', type: 'FAK' }), signed, filled, raw)).not.toThrow();
  });
});

describe('POST /order answer: status', () => {
  const filled = (size: string, value: string) => ({ filledSize: M(size), filledValue: M(value) });

  it('matched: a FOK is complete once matched', () => {
    expect(orderStatus(params({ type: 'FOK', side: 'sell' }), answer('matched'), filled('9', '4.5'))).toBe('filled');
  });

  it('matched: a marketable BUY is complete when its dollars were spent, give or take a cent', () => {
    const fak = params({ type: 'FAK', size: M('10'), price: M('0.51') }); // spends $5.10
    expect(orderStatus(fak, answer('matched'), filled('10.2', '5.09'))).toBe('filled');
    expect(orderStatus(fak, answer('matched'), filled('10.1', '5.089999'))).toBe('partially_filled');
  });

  it('matched: a marketable SELL and a limit order are complete when every share executed', () => {
    expect(orderStatus(params({ type: 'FAK', side: 'sell' }), answer('matched'), filled('10', '5'))).toBe('filled');
    expect(orderStatus(params({ type: 'FAK', side: 'sell' }), answer('matched'), filled('9.99', '4.995'))).toBe('partially_filled');
    expect(orderStatus(params({ type: 'GTC' }), answer('matched'), filled('10', '5'))).toBe('filled');
    expect(orderStatus(params({ type: 'GTC' }), answer('matched'), filled('9.99', '4.995'))).toBe('partially_filled');
  });

  it('live: open until something executes, then partially filled', () => {
    expect(orderStatus(params(), answer('live'), filled('0', '0'))).toBe('open');
    expect(orderStatus(params(), answer('live'), filled('2', '1'))).toBe('partially_filled');
  });

  it('delayed, unknown or missing statuses are pending', () => {
    expect(orderStatus(params(), answer('delayed'), filled('0', '0'))).toBe('pending');
    expect(orderStatus(params(), answer('something-new'), filled('0', '0'))).toBe('pending');
    expect(orderStatus(params(), { success: true } as unknown as OrderResponse, filled('0', '0'))).toBe('pending');
  });

  it('unmatched: a marketable order was cancelled (or partly filled); a limit order rests', () => {
    expect(orderStatus(params({ type: 'FAK' }), answer('unmatched'), filled('0', '0'))).toBe('cancelled');
    expect(orderStatus(params({ type: 'FAK' }), answer('unmatched'), filled('3', '1.5'))).toBe('partially_filled');
    expect(orderStatus(params({ type: 'GTC' }), answer('unmatched'), filled('0', '0'))).toBe('open');
  });
});

describe('GET /data/order record', () => {
  const result = (overrides: Partial<ClobOpenOrder>) => {
    const { info: _info, ...rest } = orderResultOf(record(overrides));
    return rest;
  };

  it('values the matched shares at the limit price and keeps the order fields', () => {
    expect(result({ status: 'LIVE', size_matched: '4', price: '0.55', side: 'SELL' })).toEqual({
      exchange: 'polymarket',
      orderId: '0xorder',
      status: 'partially_filled',
      market: TOKEN,
      side: 'sell',
      type: 'GTC',
      size: M('10'),
      price: M('0.55'),
      filledSize: M('4'),
      filledValue: M('2.2'),
    });
  });

  it('is filled when matched, or when every share matched whatever the state says', () => {
    expect(result({ status: 'MATCHED', size_matched: '3' }).status).toBe('filled');
    expect(result({ status: 'LIVE', size_matched: '10' }).status).toBe('filled');
    expect(result({ status: 'LIVE', size_matched: '9.99' }).status).toBe('partially_filled');
  });

  it('a cancelled record is partially filled when something matched, else cancelled, also with no size', () => {
    expect(result({ status: 'CANCELED', size_matched: '2' }).status).toBe('partially_filled');
    expect(result({ status: 'CANCELED', size_matched: '0' }).status).toBe('cancelled');
    expect(result({ status: 'CANCELED', original_size: '0', size_matched: '0' }).status).toBe('cancelled');
  });

  it('a live record with nothing matched is open; an unknown or missing state is pending', () => {
    expect(result({ status: 'LIVE', size_matched: '0' }).status).toBe('open');
    expect(result({ status: 'UNKNOWN_STATE', size_matched: '0' }).status).toBe('pending');
    expect(result({ status: undefined as unknown as string, size_matched: '0' }).status).toBe('pending');
  });

  it('a record matching more shares than its size is an unknown outcome, except for a marketable BUY', () => {
    const over = { original_size: '10', size_matched: '10.5' };
    const message = (side: string, type: string) => thrown(() => assertRecordWithinSize(record({ ...over, side, order_type: type })))?.message;
    const expected = 'reading Polymarket order 0xorder: the CLOB reports 10.5 shares matched of 10';
    expect(message('BUY', 'GTC')).toBe(expected);
    expect(message('SELL', 'FOK')).toBe(expected);
    expect(message('SELL', 'FAK')).toBe(expected);
    expect(message('BUY', 'FOK')).toBeUndefined();
    expect(message('BUY', 'FAK')).toBeUndefined();
  });

  it('an over-matched record names the order to look up and keeps the answer', () => {
    const order = record({ original_size: '10', size_matched: '10.5' });
    const error = thrown(() => assertRecordWithinSize(order)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.hint).toBe("look up order 0xorder and the funder's pUSD and share balances before trading this market again");
    expect(error.info).toEqual({ orderId: '0xorder', answer: order });
  });

  it('a record matching exactly its size, or with no size, is passed on', () => {
    expect(() => assertRecordWithinSize(record({ original_size: '10', size_matched: '10' }))).not.toThrow();
    expect(() => assertRecordWithinSize(record({ original_size: '0', size_matched: '3' }))).not.toThrow();
  });
});

describe('taker fees', () => {
  it('charges only with a schedule whose rate is above zero', () => {
    expect(chargesFees(undefined)).toBe(false);
    expect(chargesFees({ rate: 0, exponent: 1 })).toBe(false);
    expect(chargesFees({ rate: 0.03, exponent: 1 })).toBe(true);
  });

  it('a SELL pays only for fills with shares at a price strictly inside (0, 1)', () => {
    // Exponent 0: the fee is C x rate whatever the price, so any fill that is not skipped would show.
    const fills = [
      { shares: M('10'), price: M('1') },
      { shares: M('10'), price: 0n },
      { shares: M('10'), price: M('1.2') },
      { shares: -M('10'), price: M('0.5') },
      { shares: M('10'), price: M('0.5') },
    ];
    expect(takerFee('sell', fills, { rate: 0.03, exponent: 0 })).toEqual({ usd: M('0.3'), shares: 0n });
  });

  it('a BUY skips a fill at price 0 and pays the rest in shares', () => {
    // 10 x 0.03 x 0.25 = $0.075 = 0.15 shares at 0.50.
    const fills = [
      { shares: M('10'), price: 0n },
      { shares: M('10'), price: M('0.5') },
    ];
    expect(takerFee('buy', fills, { rate: 0.03, exponent: 1 })).toEqual({ usd: 0n, shares: M('0.15') });
  });

  it('a trade record without maker orders adds no fill', () => {
    const trades = [{ taker_order_id: '0xorder' }, { taker_order_id: '0xorder', maker_orders: [{ price: '0.4', matched_amount: '5', asset_id: TOKEN }] }] as unknown as Trade[];
    const fills = takerFillsOf(trades, '0xorder', TOKEN);
    expect(fills).toEqual([{ shares: M('5'), price: M('0.4') }]);
    expect(totalShares(fills)).toBe(M('5'));
  });
});
