/**
 * wire.ts against the documented vectors: the get_active_markets example of the read-markets page and the
 * create-order body of the place-and-manage-orders page (https://predictbase.gitbook.io/docs/developer/endpoints).
 */
import { describe, expect, it } from 'vitest';
import { createOrderBody, parseMarket, parseOrderbook, tradeFee, usdc } from '../../../src/exchanges/predictbase/wire.js';

describe('PredictBase wire format', () => {
  it('reads the documented market example: 1e6 strings, status, options', () => {
    const documented = {
      id: '123',
      creator: '0xCreator',
      question: 'Will BTC close above $100k in 2026?',
      status: 0,
      details: '...',
      categories: ['Crypto', 'BTC'],
      image: 'https://...',
      volume: '123000000',
      endsAt: '1735689600',
      createdAt: '1733000000',
      updatedAt: '1734000000',
      optionTitles: ['Yes', 'No'],
      optionPrices: ['550000', '480000'],
      optionVolumes: ['...', '...'],
      shares: ['...', '...'],
      winningOption: null,
      creatorRevenue: '0',
      platformRevenue: '0',
    };
    expect(parseMarket(documented)).toEqual({
      id: '123',
      question: 'Will BTC close above $100k in 2026?',
      status: 0,
      optionTitles: ['Yes', 'No'],
      optionPrices: [550_000n, 480_000n],
      endsAt: 1_735_689_600,
      winningOption: null,
      info: documented,
    });
  });

  it('builds the documented create-order body', () => {
    const body = createOrderBody({
      side: 'buy',
      marketId: '10744',
      optionIndex: 0,
      size: 1_000_000n,
      price: 420_000n,
      userId: '0xUserAddress',
      clientOrderId: 'ORD#abc123',
      nowMs: 1_765_595_666_776,
    });
    expect(body).toEqual({
      kind: 'NEW_ORDER',
      order: { type: 'LIMIT', side: 'BUY', marketId: '10744', optionIndex: 0, qty: 1, price: 0.42, userId: '0xUserAddress', timeInForce: 'GTC', receivedAt: 1765595666776 },
      meta: { clientOrderId: 'ORD#abc123', originalQty: 1 },
    });
    expect(JSON.stringify(body.order.price)).toBe('0.42');
  });

  it('aggregates one option of the book, best first', () => {
    const book = parseOrderbook(
      {
        buy: [
          { optionIndex: 0, price: '400000', qty: '5000000' },
          { optionIndex: 0, price: '410000', qty: '1000000' },
          { optionIndex: 1, price: '500000', qty: '9000000' },
          { optionIndex: 0, price: '400000', qty: '2000000' },
        ],
        sell: [{ optionIndex: 0, price: '450000', qty: '3000000' }, { optionIndex: 0, price: '430000', qty: '1000000' }],
      },
      0,
    );
    expect(book).toEqual({
      bids: [
        { price: 410_000n, size: 1_000_000n },
        { price: 400_000n, size: 7_000_000n },
      ],
      asks: [
        { price: 430_000n, size: 1_000_000n },
        { price: 450_000n, size: 3_000_000n },
      ],
    });
  });

  it('refuses amounts that are not 1e6 integer strings, and rounds the 2% fee up', () => {
    expect(() => usdc(0.55)).toThrow(RangeError);
    expect(() => usdc('0.55')).toThrow(RangeError);
    // The documented example: $100 traded, $2 of fees, the seller receives $98.
    expect(tradeFee(100_000_000n)).toBe(2_000_000n);
    expect(tradeFee(1n)).toBe(1n);
    expect(tradeFee(49n)).toBe(1n);
    expect(tradeFee(51n)).toBe(2n);
  });
});
