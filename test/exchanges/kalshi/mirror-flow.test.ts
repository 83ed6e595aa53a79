/**
 * The pieces the mirror engine combines for `--exchange kalshi`: a followed wallet's Polymarket trades go
 * through the market map, mapped ones become capped IOC orders on the local Kalshi, unmapped ones are
 * skipped with their reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicros } from '../../../src/core/money.js';
import type { Side } from '../../../src/core/types.js';
import { mapSignal, parseMarketMap } from '../../../src/exchanges/kalshi/market-map.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const key = generateKey();
let kalshi: KalshiSandbox;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('mirror', key.publicKeyPem);
  kalshi.fund('mirror', 50_00);
  kalshi.addMarket({ ticker: 'KXFED-25DEC-H0', yesBids: [['0.60', '100']], noBids: [['0.35', '100']] });
});
afterAll(() => kalshi.close());

describe('mirroring Polymarket trades onto Kalshi', () => {
  it('places the mapped orders and skips the rest', async () => {
    const map = parseMarketMap(
      JSON.stringify({
        entries: [
          { tokenId: '1001', kalshi: 'KXFED-25DEC-H0', outcome: 'yes' },
          { tokenId: '1002', kalshi: 'KXFED-25DEC-H0', outcome: 'no' },
        ],
      }),
    );
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'mirror', pem: key.privateKeyPem });
    const whaleTrades: Array<{ tokenId: string; side: Side; price: string; id: string }> = [
      { tokenId: '1001', side: 'buy', price: '0.66', id: 'tx1-1001' }, // Fed holds: YES ask is 0.65
      { tokenId: '9999', side: 'buy', price: '0.20', id: 'tx2-9999' }, // not in the map
      { tokenId: '1002', side: 'buy', price: '0.41', id: 'tx3-1002' }, // NO ask is 0.40
    ];
    const skipped: string[] = [];
    for (const trade of whaleTrades) {
      const target = mapSignal(map, trade);
      if ('skip' in target) {
        skipped.push(target.skip);
        continue;
      }
      const result = await adapter.createOrder({
        market: target.ticker,
        outcome: target.outcome,
        side: trade.side,
        size: toMicros('4'),
        price: toMicros(trade.price),
        type: 'FAK',
        clientOrderId: trade.id,
      });
      expect(result.status).toBe('filled');
    }
    expect(skipped).toEqual(['no Kalshi market mapped for Polymarket token 9999']);
    const posts = kalshi.requests.filter((r) => r.method === 'POST').map((r) => r.body);
    expect(posts).toEqual([
      expect.objectContaining({ ticker: 'KXFED-25DEC-H0', side: 'bid', price: '0.6600', client_order_id: 'tx1-1001' }),
      expect.objectContaining({ ticker: 'KXFED-25DEC-H0', side: 'ask', price: '0.5900', client_order_id: 'tx3-1002' }),
    ]);
    // 4 YES then 4 NO on the same market net to zero: paid 4 x 0.65 + 4 x 0.40, got $4 back, and two
    // taker fees: 0.07 x 4 x 0.65 x 0.35 = 0.0637 and 0.07 x 4 x 0.60 x 0.40 = 0.0672, each up to $0.07.
    expect(kalshi.position('mirror', 'KXFED-25DEC-H0')).toBe('0.00');
    expect(kalshi.balanceCents('mirror')).toBe(50_00 - 260 - 160 + 400 - 7 - 7);
  });
});
