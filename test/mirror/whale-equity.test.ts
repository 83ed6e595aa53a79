/** Whale equity for proportional sizing = Data API /value (positions) + pUSD on Polygon (eth_call balanceOf). */
import { describe, expect, it } from 'vitest';
import { DataApiClient } from '../../src/mirror/sources/data-api.js';
import { collateralReader, PUSD_ADDRESS, whaleEquity } from '../../src/mirror/whale-equity.js';
import { buyUsd } from '../../src/mirror/sizing.js';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { M } from './support/fakes.js';

const WHALE = '0x1111111111111111111111111111111111111111';

/** A Data API answering /value, and a JSON-RPC node answering eth_call balanceOf for pUSD only. */
function fakeNetwork(positions: number, pusdMicros: bigint) {
  const calls: Array<{ to: string; data: string }> = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith('http://data.local/value')) {
      expect(new URL(url).searchParams.get('user')).toBe(WHALE);
      return new Response(JSON.stringify([{ user: WHALE, value: positions }]), { headers: { 'content-type': 'application/json' } });
    }
    const body = JSON.parse(String(init?.body)) as { id: number; method: string; params: [{ to: string; data: string }, string] };
    expect(body.method).toBe('eth_call');
    calls.push({ to: body.params[0].to.toLowerCase(), data: body.params[0].data.toLowerCase() });
    const known = body.params[0].to.toLowerCase() === PUSD_ADDRESS.toLowerCase();
    const result = `0x${(known ? pusdMicros : 0n).toString(16).padStart(64, '0')}`;
    return new Response(JSON.stringify({ jsonrpc: '2.0', id: body.id, result }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, calls };
}

describe('whale equity', () => {
  it('adds the wallet pUSD balance to its positions value', async () => {
    const net = fakeNetwork(100, M(9900));
    const equity = whaleEquity(new DataApiClient('http://data.local', net.fetchFn), collateralReader({ rpcUrl: 'http://rpc.local', fetch: net.fetchFn }));
    expect(await equity(WHALE)).toBe(M(10_000));
    // balanceOf(address) on pUSD: selector 0x70a08231 + the wallet left-padded.
    expect(net.calls).toEqual([{ to: PUSD_ADDRESS.toLowerCase(), data: `0x70a08231${'0'.repeat(24)}${WHALE.slice(2)}` }]);
  });

  it('a whale with $100 of positions and $9,900 of cash betting $100 makes us bet 1% of our book, not all of it', async () => {
    const net = fakeNetwork(100, M(9900));
    const equity = await whaleEquity(new DataApiClient('http://data.local', net.fetchFn), collateralReader({ rpcUrl: 'http://rpc.local', fetch: net.fetchFn }))(WHALE);
    const sizing = parseMirrorSettings({}).risk.sizing;
    expect(buyUsd(sizing, { whaleUsd: M(100), whaleValue: equity, ownValue: M(500), ownCash: M(500) })).toBe(M(5));
  });

  it('without an RPC it counts positions only', async () => {
    const net = fakeNetwork(100, M(9900));
    expect(await whaleEquity(new DataApiClient('http://data.local', net.fetchFn))(WHALE)).toBe(M(100));
    expect(net.calls).toEqual([]);
  });
});

describe('mirror settings for money bounds', () => {
  it('one copy is bounded by 10% of equity unless told otherwise', () => {
    expect(parseMirrorSettings({}).risk.maxCopyFraction).toBe(M(0.1));
    expect(parseMirrorSettings({ 'max-copy-fraction': '2.5' }).risk.maxCopyFraction).toBe(M(0.025));
    expect(() => parseMirrorSettings({ 'max-copy-fraction': '101' })).toThrow('--max-copy-fraction is a percent of equity, at most 100');
    expect(() => parseMirrorSettings({ 'max-copy-fraction': '0' })).toThrow('--max-copy-fraction must be greater than 0');
  });
  it('signals older than 2 minutes are skipped unless told otherwise; timer values a timer cannot hold are refused', () => {
    expect(parseMirrorSettings({}).maxSignalAgeMs).toBe(120_000);
    expect(parseMirrorSettings({ 'max-signal-age': '30000' }).maxSignalAgeMs).toBe(30_000);
    expect(() => parseMirrorSettings({ 'poll-interval': '99999999999' })).toThrow('--poll-interval must be at most 2147483647 ms');
  });
  it('percents stay within 0-100 and the multiplier within 100', () => {
    expect(() => parseMirrorSettings({ sizing: 'percent', percent: '150' })).toThrow('--percent is a percent of your free cash, at most 100 (got 150)');
    expect(parseMirrorSettings({ sizing: 'percent', percent: '100' }).risk.sizing.percent).toBe(M(100));
    expect(() => parseMirrorSettings({ multiplier: '1000' })).toThrow('--multiplier must be at most 100 (got 1000)');
    expect(() => parseMirrorSettings({ 'max-slippage': '100' })).toThrow('--max-slippage is a percent below 100');
  });
});
