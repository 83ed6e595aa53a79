/**
 * fetchInstrumentRules against the local CLOB: tick, minimums, neg risk, open / paused / closed and the
 * taker fee all come from the CLOB (/book, /clob-markets, /markets-by-token), never from Gamma.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOrderError } from '../../../src/core/errors.js';
import { maxTakerFee } from '../../../src/exchanges/polymarket/rules.js';
import { makeMarket, startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey } from './helpers.js';

const USD = 1_000_000n;
let sandbox: PolymarketSandbox;

const fee = makeMarket({ slug: 'rules-fee', eventSlug: 'rules', question: 'Fee market?', tickSize: '0.001', feeRate: 0.07 });
const free = makeMarket({ slug: 'rules-free', eventSlug: 'rules', question: 'Free market?', tickSize: '0.01' });
const closed = makeMarket({ slug: 'rules-closed', eventSlug: 'rules', question: 'Closed market?', tickSize: '0.01', closed: true, feeRate: 0.03 });

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false, markets: [fee, free, closed] });
});
afterAll(async () => sandbox?.close());

function adapter() {
  return adapterFor({ clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: 'http://127.0.0.1:9/gamma-is-never-asked' }, { privateKey: newKey().key });
}

const gammaRequests = () => sandbox.requests.filter((r) => r.path.startsWith('/gamma'));

describe('Polymarket fetchInstrumentRules', () => {
  it('reads tick, minimums and the fee schedule of an open fee market from the CLOB', async () => {
    const since = sandbox.requests.length;
    const rules = await adapter().fetchInstrumentRules(fee.tokens[0].tokenId);
    expect(rules).toMatchObject({
      market: fee.conditionId,
      active: true,
      closed: false,
      tickSize: 1_000n,
      minSize: 5n * USD,
      minNotional: USD,
      sizeStep: 10_000n,
    });
    // 0.07 x 100 x 0.6 x 0.4 = $1.68; 0.07 x 7.77 x 0.33 x 0.67 = 0.12025629 -> rounded up to 0.120257.
    expect(rules.takerFee(100n * USD, 600_000n)).toBe(1_680_000n);
    expect(rules.takerFee(7_770_000n, 330_000n)).toBe(120_257n);
    const paths = sandbox.requests.slice(since).map((r) => r.path.split('?')[0]);
    expect(paths).toEqual(['/book', `/clob-markets/${fee.conditionId}`]);
    expect(gammaRequests()).toEqual([]);
  });

  it('a fee-free market charges nothing', async () => {
    const rules = await adapter().fetchInstrumentRules(free.tokens[1].tokenId);
    expect(rules.market).toBe(free.conditionId);
    expect(rules.tickSize).toBe(10_000n);
    expect(rules.takerFee(100n * USD, 500_000n)).toBe(0n);
  });

  it('a market that stopped accepting orders is inactive', async () => {
    const live = sandbox.markets[1]!;
    live.active = false;
    try {
      const rules = await adapter().fetchInstrumentRules(free.tokens[0].tokenId);
      expect({ active: rules.active, closed: rules.closed }).toEqual({ active: false, closed: false });
    } finally {
      live.active = true;
    }
  });

  it('a closed market (no book) is reported closed, with its schedule, from /markets-by-token and /clob-markets', async () => {
    const since = sandbox.requests.length;
    const rules = await adapter().fetchInstrumentRules(closed.tokens[0].tokenId);
    expect(rules).toMatchObject({ market: closed.conditionId, active: false, closed: true, tickSize: 10_000n, minSize: 5n * USD });
    expect(rules.takerFee(10n * USD, 500_000n)).toBe(75_000n); // 0.03 x 10 x 0.25
    const paths = sandbox.requests.slice(since).map((r) => r.path.split('?')[0]);
    expect(paths).toEqual(['/book', `/markets-by-token/${closed.tokens[0].tokenId}`, `/clob-markets/${closed.conditionId}`]);
  });

  it('reads afresh: one adapter sees a market pause and then close', async () => {
    const market = makeMarket({ slug: 'rules-lifecycle', eventSlug: 'rules', question: 'Lifecycle?', tickSize: '0.01' });
    sandbox.markets.push(market);
    const venue = adapter();
    const token = market.tokens[0].tokenId;
    const state = async () => {
      const rules = await venue.fetchInstrumentRules(token);
      return [rules.active, rules.closed];
    };
    expect(await state()).toEqual([true, false]);
    market.active = false;
    expect(await state()).toEqual([false, false]);
    market.closed = true;
    expect(await state()).toEqual([false, true]);
  });

  it('an unknown token is an InvalidOrderError, not a closed market', async () => {
    const unknown = '12345678901234567890';
    await expect(adapter().fetchInstrumentRules(unknown)).rejects.toBeInstanceOf(InvalidOrderError);
  });
});

describe('maxTakerFee', () => {
  it('bounds the venue fee (rounded down to 5 decimals per fill) from above, exponent included', () => {
    expect(maxTakerFee({ rate: 0.25, exponent: 2 }, 100n * USD, 500_000n)).toBe(1_562_500n); // 0.25 x 100 x 0.0625
    expect(maxTakerFee({ rate: 0.03, exponent: 1 }, 1n, 290_000n)).toBe(1n); // 6.177e-9 USD rounds up to one micro
    expect(maxTakerFee({ rate: 0, exponent: 1 }, 100n * USD, 500_000n)).toBe(0n);
  });
});
