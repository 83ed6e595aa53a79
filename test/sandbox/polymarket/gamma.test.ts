/**
 * The local Gamma: /markets/keyset (the documented listing), the deprecated /markets with production's
 * deprecation headers and its 422 on deep offsets, and failure modes (404, 500, no answer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';

let sandbox: PolymarketSandbox;
beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
});
afterAll(async () => sandbox?.close());

async function get(path: string) {
  const response = await fetch(`${sandbox.gammaUrl}${path}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
}

describe('GET /markets/keyset', () => {
  it('finds a market by token: {markets: [...]} with its question, no next_cursor on the last page', async () => {
    const market = sandbox.markets[0]!;
    const res = await get(`/markets/keyset?clob_token_ids=${market.tokens[1].tokenId}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBeNull();
    expect(Object.keys(res.body)).toEqual(['markets']);
    const markets = res.body.markets as Array<Record<string, unknown>>;
    expect(markets.map((m) => [m.question, m.slug, m.conditionId])).toEqual([[market.question, market.slug, market.conditionId]]);
  });

  it('pages with next_cursor until the last page, and refuses offset', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await get(`/markets/keyset?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(res.body.markets as Array<{ slug: string }>).map((m) => m.slug));
      cursor = res.body.next_cursor as string | undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(sandbox.markets.map((m) => m.slug));
    expect(await get('/markets/keyset?offset=3')).toMatchObject({ status: 422, body: { error: 'offset is not supported: use cursor' } });
    expect(await get('/markets/keyset?cursor=bogus')).toMatchObject({ status: 400, body: { error: 'invalid cursor' } });
  });
});

describe('GET /markets (deprecated offset listing)', () => {
  it("answers with production's deprecation headers", async () => {
    const res = await get(`/markets?slug=${sandbox.markets[0]!.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.map((m) => m.slug)).toEqual([sandbox.markets[0]!.slug]);
    expect([res.headers.get('deprecation'), res.headers.get('sunset'), res.headers.get('warning')]).toEqual([
      'true',
      'Fri, 01 May 2026',
      '299 - "use /markets/keyset"',
    ]);
  });

  it('refuses a deep offset with 422 "offset too large"', async () => {
    expect(await get('/markets?offset=10000')).toMatchObject({ status: 200 });
    const deep = await get('/markets?offset=10001');
    expect(deep).toMatchObject({ status: 422, body: { error: 'offset too large' } });
    expect(deep.headers.get('sunset')).toBe('Fri, 01 May 2026');
  });
});

describe('failure modes', () => {
  it('answers 404 or 500 on every Gamma route when told to, and recovers', async () => {
    const token = sandbox.markets[0]!.tokens[0].tokenId;
    try {
      sandbox.setGammaFailure(404);
      expect((await get(`/markets/keyset?clob_token_ids=${token}`)).status).toBe(404);
      expect((await get('/markets/1')).status).toBe(404);
      sandbox.setGammaFailure(500);
      expect(await get(`/markets/keyset?clob_token_ids=${token}`)).toMatchObject({ status: 500, body: { error: 'internal server error' } });
      expect((await get('/markets')).status).toBe(500);
      // The CLOB is not Gamma: it keeps answering.
      expect((await fetch(`${sandbox.clobUrl}/book?token_id=${token}`)).status).toBe(200);
    } finally {
      sandbox.setGammaFailure(undefined);
    }
    expect((await get(`/markets/keyset?clob_token_ids=${token}`)).status).toBe(200);
  });

  it("'hang' accepts the request and never answers", async () => {
    sandbox.setGammaFailure('hang');
    try {
      const outcome = await fetch(`${sandbox.gammaUrl}/markets/keyset?limit=1`, { signal: AbortSignal.timeout(200) }).then(
        () => 'answered',
        (error: Error) => error.name,
      );
      expect(outcome).toBe('TimeoutError');
    } finally {
      sandbox.setGammaFailure(undefined);
    }
  });

  it('the option sets the failure from the start', async () => {
    const failing = await startPolymarketSandbox({ liquidity: false, gammaFailure: 500 });
    try {
      expect((await fetch(`${failing.gammaUrl}/markets/keyset?limit=1`)).status).toBe(500);
    } finally {
      await failing.close();
    }
  });
});
