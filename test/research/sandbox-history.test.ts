/** The sandbox's history routes answer in the venue's shapes, and leave every other wallet to the live sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolymarketSandbox } from '../../src/sandbox/polymarket/types.js';
import { HISTORY_WALLETS } from '../../src/sandbox/polymarket/history.js';
import { ANCHOR, DAY, historySandbox } from './support.js';

let sandbox: PolymarketSandbox;
let close: () => Promise<void>;
beforeAll(async () => ({ sandbox, close } = await historySandbox()));
afterAll(() => close());

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
};

describe('sandbox history routes', () => {
  it('GET /v1/leaderboard: rank as a string, pages by limit/offset, refuses unknown windows', async () => {
    const page = await get(`${sandbox.dataApiUrl}/v1/leaderboard?timePeriod=ALL&orderBy=VOL&limit=2&offset=1`);
    expect(page).toEqual({
      status: 200,
      body: [
        { rank: '2', proxyWallet: HISTORY_WALLETS.loser, userName: 'FavouriteBuyer', vol: 700, pnl: -300, profileImage: '', xUsername: '', verifiedBadge: false },
        { rank: '3', proxyWallet: HISTORY_WALLETS.fast, userName: 'FastMover', vol: 500, pnl: 200, profileImage: '', xUsername: '', verifiedBadge: false },
      ],
    });
    expect(await get(`${sandbox.dataApiUrl}/v1/leaderboard?timePeriod=YEAR`)).toEqual({ status: 400, body: { error: 'invalid timePeriod YEAR' } });
    // No timePeriod = DAY: nothing resolved or traded in the last day.
    expect(await get(`${sandbox.dataApiUrl}/v1/leaderboard`)).toEqual({ status: 200, body: [] });
  });

  it('GET /activity: newest first, start/end/limit/offset as the venue, rows in its shape', async () => {
    const { body } = await get(`${sandbox.dataApiUrl}/activity?user=${HISTORY_WALLETS.fast}&type=TRADE&limit=2&offset=1`);
    const rows = body as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.timestamp)).toEqual([ANCHOR - 14 * DAY + 11 * 3600, ANCHOR - 16 * DAY + 11 * 3600]);
    expect(rows[0]).toMatchObject({ proxyWallet: HISTORY_WALLETS.fast, type: 'TRADE', side: 'BUY', size: 100, price: 0.5, usdcSize: 50, outcome: 'Yes', outcomeIndex: 0, name: 'FastMover' });
    const windowed = (await get(`${sandbox.dataApiUrl}/activity?user=${HISTORY_WALLETS.fast}&start=${ANCHOR - 13 * DAY}&sortDirection=ASC`)).body as unknown[];
    expect(windowed.length).toBe(1);
  });

  it('GET /trades?takerOnly leaves out maker fills; /closed-positions and /positions split resolved from open', async () => {
    const all = (await get(`${sandbox.dataApiUrl}/trades?user=${HISTORY_WALLETS.steady}&takerOnly=false&limit=500`)).body as unknown[];
    const taker = (await get(`${sandbox.dataApiUrl}/trades?user=${HISTORY_WALLETS.steady}&limit=500`)).body as unknown[];
    expect([all.length, taker.length]).toEqual([15, 10]);
    const closed = (await get(`${sandbox.dataApiUrl}/closed-positions?user=${HISTORY_WALLETS.steady}&limit=50`)).body as Array<Record<string, unknown>>;
    expect(closed.length).toBe(12);
    expect(closed.find((c) => c.title === 'History market S5?')).toMatchObject({ avgPrice: 0.34, totalBought: 300, realizedPnl: 198, curPrice: 1 });
    expect((await get(`${sandbox.dataApiUrl}/closed-positions?user=${HISTORY_WALLETS.steady}`)).body).toHaveLength(10);
    const open = (await get(`${sandbox.dataApiUrl}/positions?user=${HISTORY_WALLETS.steady}`)).body;
    expect(open).toMatchObject([{ title: 'History market S13?', size: 150, avgPrice: 0.6, initialValue: 90, currentValue: 99, cashPnl: 9, curPrice: 0.66 }]);
    expect((await get(`${sandbox.dataApiUrl}/value?user=${HISTORY_WALLETS.steady}`)).body).toEqual([{ user: HISTORY_WALLETS.steady, value: 99 }]);
  });

  it('resolved losers nobody redeemed stay in /positions (redeemable, at 0) and never reach /closed-positions', async () => {
    const closed = (await get(`${sandbox.dataApiUrl}/closed-positions?user=${HISTORY_WALLETS.loser}&limit=50`)).body as unknown[];
    const open = (await get(`${sandbox.dataApiUrl}/positions?user=${HISTORY_WALLETS.loser}`)).body as Array<Record<string, unknown>>;
    expect(closed.length).toBe(8);
    expect(open.map((p) => [p.title, p.redeemable, p.curPrice, p.currentValue, p.cashPnl])).toEqual([
      ['History market X2?', true, 0, 0, -70],
      ['History market X3?', true, 0, 0, -70],
    ]);
  });

  it('GET /prices-history?market&startTs&endTs: {history:[{t,p}]}, the price in force at startTs first; NO is 1 - YES', async () => {
    const at = ANCHOR - 30 * DAY + 11 * 3600; // F1's trade
    const yes = await get(`${sandbox.clobUrl}/prices-history?market=770060&startTs=${at - 10}&endTs=${at + 10}&fidelity=1`);
    expect(yes).toEqual({ status: 200, body: { history: [{ t: at - 10, p: 0.49 }, { t: at + 5, p: 0.7 }] } });
    const no = await get(`${sandbox.clobUrl}/prices-history?market=770061&startTs=${at + 5}&endTs=${at + 10}`);
    expect(no.body).toEqual({ history: [{ t: at + 5, p: 0.3 }] });
  });

  it('Gamma /markets: a resolved history market carries closedTime and its payout in outcomePrices', async () => {
    const { body } = await get(`${sandbox.gammaUrl}/markets?clob_token_ids=770060`);
    expect(body).toMatchObject([{ slug: 'history-f1', closed: true, outcomePrices: '["1","0"]', clobTokenIds: '["770060","770061"]', closedTime: new Date((ANCHOR - 29 * DAY + 11 * 3600) * 1000).toISOString(), feeSchedule: { rate: 0.02, exponent: 1, takerOnly: true } }]);
  });

  it('other wallets and tokens fall through to the live sandbox', async () => {
    const whale = sandbox.whales[0]!;
    const [market] = sandbox.markets;
    sandbox.setShares(whale, market!.tokens[0].tokenId, 10_000_000n);
    const positions = (await get(`${sandbox.dataApiUrl}/positions?user=${whale}`)).body as Array<{ asset: string; size: number }>;
    expect(positions.map((p) => [p.asset, p.size])).toEqual([[market!.tokens[0].tokenId, 10]]);
    const gamma = (await get(`${sandbox.gammaUrl}/markets?clob_token_ids=${market!.tokens[0].tokenId}`)).body as Array<{ slug: string }>;
    expect(gamma.map((m) => m.slug)).toEqual([market!.slug]);
  });
});
