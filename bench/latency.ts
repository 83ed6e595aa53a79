/**
 * Sections 1 and 2 of `npm run bench`: signal-to-order latency through the real engine and
 * PolymarketAdapter against the local sandbox (detection and decide+sign+post, p50/p99, per source;
 * venue requests per copy), and the throughput of dedup + sizing + signing.
 */
import { performance } from 'node:perf_hooks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { MICRO } from '../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../src/core/runtime.js';
import { polymarketVenue } from '../src/exchanges/polymarket/index.js';
import { decide } from '../src/mirror/decide.js';
import { fillKey, SeenSet } from '../src/mirror/dedup.js';
import { runMirror, type MirrorEngine } from '../src/mirror/engine.js';
import type { RiskConfig, SourceName, WhaleFill } from '../src/mirror/types.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../src/sandbox/polymarket/index.js';

/** Sub-millisecond wall clock, shared by the sandbox and the engine so their timestamps compare. */
const hiresClock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep, after: systemClock.after };

const risk: RiskConfig = {
  sizing: { mode: 'fixed', fixedUsd: 5n * MICRO, multiplier: MICRO, percent: 0n },
  caps: {},
  maxSlippage: 50_000n,
  orderType: 'FAK',
  allow: [],
  deny: [],
};

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

function adapterFor(sandbox: PolymarketSandbox, key: `0x${string}`) {
  return polymarketVenue.create({
    settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl, chainId: '137', signatureType: 'eoa' },
    secrets: { privateKey: key },
    fetch: globalThis.fetch,
    clock: hiresClock,
    logger: silentLogger,
  });
}

export async function latency(source: SourceName, trades: number): Promise<void> {
  const sandbox = await startPolymarketSandbox({ clock: hiresClock, whales: { count: 1, autoStart: false } });
  const key = generatePrivateKey();
  sandbox.fund(privateKeyToAccount(key).address, 100_000n * MICRO);
  const whale = sandbox.whales[0]!;
  // Rotate over every active token so the market maker's ladders last the whole run.
  const tokens = sandbox.markets.filter((m) => m.active && !m.closed).flatMap((m) => m.tokens.map((t) => t.tokenId));
  const controller = new AbortController();
  const seen = new Map<string, number>();
  let orders = 0;
  let engine!: MirrorEngine;
  const done = runMirror(
    {
      wallets: [whale],
      sources: [source],
      pollIntervalMs: 100,
      risk: { ...risk, sizing: { ...risk.sizing, fixedUsd: 3n * MICRO } },
      dryRun: false,
      endpoints: { dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl },
    },
    {
      adapter: adapterFor(sandbox, key),
      clock: hiresClock,
      fetch: globalThis.fetch,
      logger: silentLogger,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'order' || (e.type === 'decision' && e.status === 'skip')) orders++;
        if (process.env.BENCH_DEBUG) console.log(JSON.stringify(e));
      },
      onPlaced: (_key, fill) => seen.set(fill.txHash, fill.seenAt),
      onReady: (e) => (engine = e),
    },
  );
  while (!engine) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200));

  const detection: number[] = [];
  const post: number[] = [];
  // Sells first read the holding from the venue (money truth: a sell is sized from what the venue
  // says we hold), so their time to POST includes one venue round trip that buys do not make.
  const postBuy: number[] = [];
  const postSell: number[] = [];
  const venueRequests: number[] = [];
  const sourceRequests: number[] = [];
  for (let i = 0; i < trades + 2 * tokens.length; i++) {
    const warmup = i < 2 * tokens.length; // the first copy on each token loads its metadata
    const before = sandbox.requests.length;
    const target = orders + 1;
    const t0 = hiresClock.now();
    const token = tokens[Math.floor(i / 2) % tokens.length]!;
    const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: i % 2 ? 'SELL' : 'BUY', size: 5, price: i % 2 ? 0.01 : 0.99 });
    if (!fill) continue;
    const deadline = Date.now() + 5000;
    while (orders < target && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const window = sandbox.requests.slice(before);
    const postAt = window.find((r) => r.method === 'POST' && r.path === '/order')?.at;
    const seenAt = seen.get(fill!.transactionHash);
    if (warmup || postAt === undefined || seenAt === undefined) continue;
    detection.push(seenAt - t0);
    post.push(postAt - seenAt);
    (i % 2 ? postSell : postBuy).push(postAt - seenAt);
    venueRequests.push(window.filter((r) => !r.path.startsWith('/data-api') && !r.path.startsWith('/gamma')).length);
    sourceRequests.push(window.filter((r) => r.path.startsWith('/data-api')).length);
  }
  controller.abort();
  await done;
  await sandbox.close();
  const avg = (v: number[]) => (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2);
  console.log(`  source ${source} (${detection.length} copied trades${source === 'data-api' ? ', poll 100 ms' : ''})`);
  console.log(`    detection          p50 ${ms(pct(detection, 50))}  p99 ${ms(pct(detection, 99))}`);
  console.log(`    decide+sign+post   p50 ${ms(pct(post, 50))}  p99 ${ms(pct(post, 99))}`);
  console.log(`      buys             p50 ${ms(pct(postBuy, 50))}  p99 ${ms(pct(postBuy, 99))}`);
  console.log(`      sells            p50 ${ms(pct(postSell, 50))}  p99 ${ms(pct(postSell, 99))}  (read the holding from the venue first)`);
  console.log(`    venue (CLOB) requests per copied trade: ${avg(venueRequests)}; Data API requests in the same window: ${avg(sourceRequests)}`);
}

export async function throughput(count: number): Promise<void> {
  const sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  const key = generatePrivateKey();
  const adapter = adapterFor(sandbox, key);
  const token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  const rules = { token, market: 'C', active: true, closed: false, tickSize: 10_000n, minSize: 5n * MICRO, minNotional: MICRO, sizeStep: 10_000n, takerFee: () => 0n };
  const account = { availableCash: 1_000n * MICRO, portfolioValue: 1_000n * MICRO, position: 0n, marketExposure: 0n, totalExposure: 0n, dailyVolume: 0n, dailyPnl: 0n };
  const seenSet = new SeenSet(30 * 60_000);
  const fill = (i: number): WhaleFill => ({ wallet: '0xw', token, side: 'buy', size: 10n * MICRO, price: 500_000n, timestamp: 0, txHash: `0x${i.toString(16)}`, source: 'data-api', seenAt: i });
  const one = async (i: number, sign: boolean) => {
    const f = fill(i);
    if (!seenSet.add(fillKey(f), i)) return;
    const d = decide(f, rules, risk, {}, account);
    if (sign && d.action === 'place') await adapter.createOrder({ market: token, side: 'buy', size: d.order.size, price: d.order.price, type: 'FAK', dryRun: true });
  };
  await one(-1, true); // loads tick size / neg-risk once, as the live engine does on a token's first copy
  let start = performance.now();
  for (let i = 0; i < count; i++) await one(i, true);
  const withSigning = count / ((performance.now() - start) / 1000);
  start = performance.now();
  const pure = 200_000;
  for (let i = count; i < count + pure; i++) await one(i, false);
  const withoutSigning = pure / ((performance.now() - start) / 1000);
  await sandbox.close();
  console.log(`  dedup + sizing + signing (EIP-712, dry run): ${Math.round(withSigning).toLocaleString('en-US')} signals/s (${count} signals)`);
  console.log(`  dedup + sizing alone:                        ${Math.round(withoutSigning).toLocaleString('en-US')} signals/s (${pure} signals)`);
}

