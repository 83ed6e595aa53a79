/** Data API /positions is paged: limit 500 per page, offset onwards until a short page. */
import { describe, expect, it } from 'vitest';
import { venueError } from '../../../src/exchanges/polymarket/errors.js';
import { adapterFor, newKey } from './helpers.js';

function pagedDataApi(total: number) {
  const offsets: number[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset') ?? '0');
    offsets.push(offset);
    const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({
      asset: String(offset + i + 1),
      size: 2.5,
      avgPrice: 0.4,
      currentValue: 1,
    }));
    return new Response(JSON.stringify(rows), { status: 200 });
  }) as typeof fetch;
  return { fetchFn, offsets };
}

describe('fetchPositions', () => {
  it('reads every page past the first 500', async () => {
    const { fetchFn, offsets } = pagedDataApi(1_003);
    const adapter = adapterFor({ dataApiUrl: 'http://127.0.0.1:1/data-api' }, { privateKey: newKey().key }, { fetch: fetchFn });
    const positions = await adapter.fetchPositions();
    expect(positions).toHaveLength(1_003);
    expect(new Set(positions.map((p) => p.market)).size).toBe(1_003);
    expect(offsets).toEqual([0, 500, 1_000]);
    expect(positions[0]).toMatchObject({ size: 2_500_000n, avgPrice: 400_000n, currentValue: 1_000_000n });
  });

  it('one request when the first page is short', async () => {
    const { fetchFn, offsets } = pagedDataApi(3);
    const adapter = adapterFor({ dataApiUrl: 'http://127.0.0.1:1/data-api' }, { privateKey: newKey().key }, { fetch: fetchFn });
    expect(await adapter.fetchPositions()).toHaveLength(3);
    expect(offsets).toEqual([0]);
  });
});

describe('error hints name commands that exist', () => {
  it('a refused API key points to `betmirror auth`, not a nonexistent doctor command', () => {
    const error = venueError('reading', { reason: 'Unauthorized/Invalid api key', status: 401 });
    expect(error.hint).toContain('betmirror auth --exchange polymarket');
    expect(error.hint).not.toContain('doctor');
  });
});
