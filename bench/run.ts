/**
 * `npm run bench`: the mirror's figures, printed (no timed tests).
 *  1. Signal-to-order latency through the real engine and PolymarketAdapter against the local
 *     sandbox, split into detection (fill visible -> source delivers) and decide+sign+post (source
 *     delivers -> our POST /order arrives at the venue), p50/p99, per source; venue requests per copy.
 *  2. Throughput of dedup + sizing + signing (real EIP-712 order signing, dry run).
 *  3. RSS growth after 1,000,000 synthetic signals through monitor + executor + durable store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { MICRO } from '../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../src/core/runtime.js';
import { polymarketVenue } from '../src/exchanges/polymarket/index.js';
import { decide } from '../src/mirror/decide.js';
import { fillKey, SeenSet } from '../src/mirror/dedup.js';
import { runMirror, type MirrorEngine } from '../src/mirror/engine.js';
import type { FillSink, FillSource } from '../src/mirror/sources/source.js';
import type { RiskConfig, SourceName, WhaleFill } from '../src/mirror/types.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../src/sandbox/polymarket/index.js';
import { instantVenue } from './venue-double.js';

/** Sub-millisecond wall clock, shared by the sandbox and the engine so their timestamps compare. */
const hiresClock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep };

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

async function latency(source: SourceName, trades: number): Promise<void> {
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
  console.log(`    venue (CLOB) requests per copied trade: ${avg(venueRequests)}; Data API requests in the same window: ${avg(sourceRequests)}`);
}

async function throughput(count: number): Promise<void> {
  const sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  const key = generatePrivateKey();
  const adapter = adapterFor(sandbox, key);
  const token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  const rules = { token, market: 'C', active: true, closed: false, tickSize: 10_000n, minSize: 5n * MICRO, minNotional: MICRO, sizeStep: 10_000n };
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

class SyntheticSource implements FillSource {
  readonly name = 'data-api' as const;
  sink: FillSink | undefined;
  async start(sink: FillSink) {
    this.sink = sink;
  }
  async stop() {}
}

async function memory(total: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'betmirror-bench-'));
  let now = Date.UTC(2026, 0, 1);
  const clock: Clock = { now: () => now, sleep: systemClock.sleep };
  const source = new SyntheticSource();
  const controller = new AbortController();
  let engine!: MirrorEngine;
  const done = runMirror(
    { wallets: ['0xwhale'], sources: ['data-api'], pollIntervalMs: 1000, risk, dryRun: false, stateDir: dir, endpoints: { dataApiUrl: 'http://unused.invalid' } },
    {
      adapter: instantVenue(1_000_000_000n * MICRO),
      clock,
      fetch: globalThis.fetch,
      logger: silentLogger,
      signal: controller.signal,
      sources: [source],
      markets: { get: async (f) => ({ token: f.token, market: f.token, active: true, closed: false, tickSize: 10_000n, minSize: 5n * MICRO, minNotional: MICRO, sizeStep: 10_000n }) },
      whaleValue: async () => 1_000n * MICRO,
      whalePositions: async () => new Map(),
      onReady: (e) => (engine = e),
    },
  );
  while (!engine) await new Promise((r) => setTimeout(r, 5));
  const signal = (i: number): WhaleFill => ({
    wallet: '0xwhale',
    token: `T${i % 16}`,
    side: i % 3 === 2 ? 'sell' : 'buy',
    size: 10n * MICRO,
    price: 500_000n,
    timestamp: now,
    txHash: `0x${i.toString(16).padStart(64, '0')}`,
    source: 'data-api',
    seenAt: now,
  });
  const batch = 10_000;
  const step = async (from: number) => {
    for (let i = from; i < from + batch; i++) {
      now += 5; // one signal every 5 ms of simulated time: the dedup window (30 min) turns over
      source.sink!(signal(i));
    }
    await engine.executor.drain();
    engine.store.prune(now - 60 * 60_000);
  };
  // Warm up (JIT, SQLite page cache, first tokens), then measure from a settled baseline.
  for (let i = 0; i < 50_000; i += batch) await step(i - 50_000);
  global.gc?.();
  const base = process.memoryUsage().rss;
  const started = performance.now();
  let peak = base;
  for (let i = 0; i < total; i += batch) {
    await step(i);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  global.gc?.();
  const end = process.memoryUsage().rss;
  const seenSize = engine.monitor.seenSetSize;
  controller.abort();
  const summary = await done;
  rmSync(dir, { recursive: true, force: true });
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  console.log(`  ${total.toLocaleString('en-US')} synthetic signals through monitor + executor + durable store in ${seconds.toFixed(1)} s (${Math.round(total / seconds).toLocaleString('en-US')}/s)`);
  console.log(`  RSS growth: ${mb(end - base)} at the end, ${mb(peak - base)} at the peak (baseline ${mb(base)}); dedup set holds ${seenSize.toLocaleString('en-US')} keys`);
  console.log(`  signals copied ${summary.signals.copied.toLocaleString('en-US')}, skipped ${summary.signals.skipped.toLocaleString('en-US')}`);
}

const args = new Set(process.argv.slice(2));
const signals = Number(process.env.BENCH_SIGNALS ?? 1_000_000);
console.log('betmirror mirror benchmarks');
if (!args.has('--skip-latency')) {
  console.log('\n1. Signal-to-order latency (real engine + PolymarketAdapter against the local sandbox)');
  await latency('rtds', 200);
  await latency('data-api', 100);
}
console.log('\n2. Throughput');
await throughput(2000);
console.log('\n3. Memory');
await memory(signals);
