/** Whale fills reach the Data API, Gamma and the RTDS stream with the real field names and shapes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPolymarketSandbox, type ActivityItem, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { getJson } from './helpers.js';

const ACTIVITY_FIELDS = ['proxyWallet', 'timestamp', 'conditionId', 'type', 'size', 'usdcSize', 'transactionHash', 'price',
  'asset', 'side', 'outcomeIndex', 'outcome', 'title', 'slug', 'icon', 'eventSlug', 'name', 'pseudonym', 'bio',
  'profileImage', 'profileImageOptimized'];
const POSITION_FIELDS = ['proxyWallet', 'asset', 'conditionId', 'size', 'avgPrice', 'initialValue', 'currentValue', 'cashPnl',
  'percentPnl', 'totalBought', 'realizedPnl', 'curPrice', 'redeemable', 'mergeable', 'title', 'slug', 'eventSlug', 'outcome',
  'outcomeIndex', 'oppositeOutcome', 'oppositeAsset', 'endDate', 'negativeRisk'];

let sandbox: PolymarketSandbox;
let whale: string;
let tokenId: string;

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 2, intervalMs: 40 } });
  whale = sandbox.whales[0]!;
  tokenId = sandbox.markets[0]!.tokens[0].tokenId;
});
afterAll(() => sandbox.close());

/** Opens an RTDS socket subscribed to activity/trades and collects what arrives. */
async function rtds(filters?: string): Promise<{ ws: WebSocket; messages: Array<Record<string, unknown> | string> }> {
  const ws = new WebSocket(sandbox.rtdsUrl);
  const messages: Array<Record<string, unknown> | string> = [];
  ws.on('message', (data) => {
    const text = data.toString();
    messages.push(text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ action: 'subscribe', subscriptions: [{ topic: 'activity', type: 'trades', filters }] }));
  await new Promise((r) => setTimeout(r, 30)); // let the subscription land before trading
  return { ws, messages };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe('whale fills in the feeds', () => {
  it('a whale BUY fills against the market maker and shows in /activity, /trades, /positions and /value', async () => {
    const fills = await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'BUY', size: 120, price: 0.99 });
    expect(fills).toHaveLength(1);
    const [fill] = fills;
    expect(fill).toMatchObject({ proxyWallet: whale.toLowerCase(), side: 'BUY', size: 120, asset: tokenId, type: 'TRADE', outcome: 'Yes', outcomeIndex: 0, name: 'SandboxWhale1' });
    expect(fill!.usdcSize).toBeCloseTo(fill!.size * fill!.price, 3); // price is the average, at 6 decimals
    expect(sandbox.sharesOf(whale, tokenId)).toBe(120_000_000n);

    const activity = await getJson<ActivityItem[]>(`${sandbox.dataApiUrl}/activity?user=${whale}&type=TRADE&limit=10&sortBy=TIMESTAMP&sortDirection=DESC`);
    expect(activity.status).toBe(200);
    expect(Object.keys(activity.body[0]!).sort()).toEqual([...ACTIVITY_FIELDS].sort());
    expect(activity.body[0]).toEqual(fill);

    const trades = await getJson<Array<Record<string, unknown>>>(`${sandbox.dataApiUrl}/trades?user=${whale}`);
    expect(trades.body[0]).toMatchObject({ proxyWallet: whale.toLowerCase(), transactionHash: fill!.transactionHash, size: 120 });
    // The market maker was the maker of that fill: its rows are maker rows, hidden by /trades' takerOnly default.
    const market = sandbox.markets[0]!.conditionId;
    const takerOnly = await getJson<Array<Record<string, unknown>>>(`${sandbox.dataApiUrl}/trades?market=${market}`);
    const all = await getJson<Array<Record<string, unknown>>>(`${sandbox.dataApiUrl}/trades?market=${market}&takerOnly=false`);
    const sameTx = (rows: Array<Record<string, unknown>>) => rows.filter((r) => r.transactionHash === fill!.transactionHash);
    expect(sameTx(takerOnly.body).map((r) => r.proxyWallet)).toEqual([whale.toLowerCase()]);
    expect(sameTx(all.body).length).toBeGreaterThan(1);
    const makerRows = sameTx(all.body).filter((r) => r.proxyWallet !== whale.toLowerCase());
    expect(makerRows.every((r) => r.proxyWallet === sandbox.marketMaker.toLowerCase() && r.side === 'SELL')).toBe(true);
    expect(makerRows.reduce((n, r) => n + (r.size as number), 0)).toBeCloseTo(120, 6);

    const positions = await getJson<Array<Record<string, unknown>>>(`${sandbox.dataApiUrl}/positions?user=${whale}`);
    expect(positions.body).toHaveLength(1);
    const [position] = positions.body;
    expect(Object.keys(position!)).toEqual(expect.arrayContaining(POSITION_FIELDS));
    expect(position).toMatchObject({ asset: tokenId, size: 120, conditionId: sandbox.markets[0]!.conditionId, negativeRisk: false });
    expect(position!.avgPrice).toBeCloseTo(fill!.price, 6);
    expect(position!.initialValue).toBeCloseTo(fill!.usdcSize, 6);

    const value = await getJson<Array<{ user: string; value: number }>>(`${sandbox.dataApiUrl}/value?user=${whale}`);
    expect(value.body).toEqual([{ user: whale.toLowerCase(), value: position!.currentValue }]);
    expect(value.body[0]!.value).toBeGreaterThan(0);
  });

  it('streams the fill on RTDS as {topic, type, timestamp, payload} and answers ping with pong', async () => {
    const { ws, messages } = await rtds();
    try {
      ws.send('ping');
      const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'SELL', size: 20, price: 0.01 });
      expect(await until(() => messages.some((m) => typeof m === 'object'))).toBe(true);
      expect(messages).toContain('pong');
      const msg = messages.find((m) => typeof m === 'object') as Record<string, unknown>;
      expect(msg).toMatchObject({ topic: 'activity', type: 'trades', payload: fill });
      expect(typeof msg.timestamp).toBe('number');
      expect(msg.payload).toMatchObject({ proxyWallet: whale.toLowerCase(), asset: tokenId, side: 'SELL', size: 20, transactionHash: fill!.transactionHash });
    } finally {
      ws.close();
    }
  });

  it('a silent stream keeps the socket open but sends nothing until resumed', async () => {
    const { ws, messages } = await rtds();
    try {
      sandbox.setRtdsSilent(true);
      await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'BUY', size: 10, price: 0.99 });
      ws.send('ping');
      await new Promise((r) => setTimeout(r, 150));
      expect(messages).toEqual([]);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      sandbox.setRtdsSilent(false);
      await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'BUY', size: 10, price: 0.99 });
      expect(await until(() => messages.length === 1)).toBe(true);
    } finally {
      sandbox.setRtdsSilent(false);
      ws.close();
    }
  });

  it('applies event_slug filters and can duplicate messages like the live stream', async () => {
    const other = sandbox.markets[1]!;
    const { ws, messages } = await rtds(JSON.stringify({ event_slug: other.eventSlug }));
    try {
      await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'BUY', size: 10, price: 0.99 });
      sandbox.setRtdsDuplicates(true);
      const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId: other.tokens[0].tokenId, side: 'BUY', size: 10, price: 0.99 });
      expect(await until(() => messages.length === 2)).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      expect(messages).toHaveLength(2);
      expect(messages[0]).toEqual(messages[1]);
      expect((messages[0] as { payload: ActivityItem }).payload).toEqual(fill);
    } finally {
      sandbox.setRtdsDuplicates(false);
      ws.close();
    }
  });

  it('with an indexing lag the Data API misses fresh fills that positions already show', async () => {
    sandbox.setDataApiLagMs(60_000);
    try {
      const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId, side: 'BUY', size: 10, price: 0.99 });
      const lagged = await getJson<ActivityItem[]>(`${sandbox.dataApiUrl}/activity?user=${whale}`);
      expect(lagged.body.some((a) => a.transactionHash === fill!.transactionHash)).toBe(false);
      const positions = await getJson<Array<{ asset: string; size: number }>>(`${sandbox.dataApiUrl}/positions?user=${whale}`);
      expect(positions.body.find((p) => p.asset === tokenId)?.size).toBe(Number(sandbox.sharesOf(whale, tokenId)) / 1e6);
      sandbox.setDataApiLagMs(0);
      const indexed = await getJson<ActivityItem[]>(`${sandbox.dataApiUrl}/activity?user=${whale}`);
      expect(indexed.body[0]).toEqual(fill);
    } finally {
      sandbox.setDataApiLagMs(0);
    }
  });

  it('scripted whales trade on their own once started, and stop when told', async () => {
    const before = (await getJson<ActivityItem[]>(`${sandbox.dataApiUrl}/activity?user=${sandbox.whales[1]}`)).body.length;
    sandbox.startWhales();
    const traded = await until(() => sandbox.whales.some((w) => sandbox.markets.some((m) => m.tokens.some((t) => sandbox.sharesOf(w, t.tokenId) > 0n && t.tokenId !== tokenId))), 5000);
    sandbox.stopWhales();
    expect(traded).toBe(true);
    const all = await Promise.all(sandbox.whales.map((w) => getJson<ActivityItem[]>(`${sandbox.dataApiUrl}/activity?user=${w}`)));
    expect(all.reduce((n, r) => n + r.body.length, 0)).toBeGreaterThan(before);
  });

  it('Gamma finds a market by clob token id, with JSON-encoded outcomes and token ids', async () => {
    const market = sandbox.markets[0]!;
    const res = await getJson<Array<Record<string, unknown>>>(`${sandbox.gammaUrl}/markets?clob_token_ids=${market.tokens[1].tokenId}`);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ conditionId: market.conditionId, slug: market.slug, negRisk: false, closed: false, orderPriceMinTickSize: 0.01 });
    expect(JSON.parse(res.body[0]!.clobTokenIds as string)).toEqual(market.tokens.map((t) => t.tokenId));
    expect(JSON.parse(res.body[0]!.outcomes as string)).toEqual(['Yes', 'No']);
    const byId = await getJson<Record<string, unknown>>(`${sandbox.gammaUrl}/markets/${res.body[0]!.id}`);
    expect(byId.body.conditionId).toBe(market.conditionId);
  });
});
