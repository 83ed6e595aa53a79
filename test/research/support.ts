/** The sandbox with its scripted histories, on a fixed clock, and a research client pointed at it. */
import { HttpResearchSource } from '../../src/research/client.js';
import { startPolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import type { PolymarketSandbox } from '../../src/sandbox/polymarket/types.js';
import type { Clock } from '../../src/core/runtime.js';

/** 2026-11-29 12:00 UTC: the histories are anchored at the start of that day. */
export const NOW = Date.UTC(2026, 10, 29, 12);
export const ANCHOR = Date.UTC(2026, 10, 29) / 1000;
export const DAY = 86_400;

export const fixedClock = (now = NOW): Clock => ({ now: () => now, sleep: async () => {}, after: () => () => {} });

export async function historySandbox(now = NOW): Promise<{ sandbox: PolymarketSandbox; source: HttpResearchSource; close: () => Promise<void> }> {
  const sandbox = await startPolymarketSandbox({ clock: fixedClock(now), liquidity: false });
  const source = new HttpResearchSource({ dataApiUrl: sandbox.dataApiUrl, clobUrl: sandbox.clobUrl, gammaUrl: sandbox.gammaUrl }, fetch);
  return { sandbox, source, close: () => sandbox.close() };
}

export const M = (usd: string): bigint => {
  const [whole = '0', frac = ''] = usd.replace('-', '').split('.');
  const value = BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
  return usd.startsWith('-') ? -value : value;
};
