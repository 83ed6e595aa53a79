/**
 * RSS growth after N synthetic signals (default 1,000,000) through TradeMonitor + TradeExecutor + the
 * durable store (on disk), with an instant in-memory venue. Signals arrive 100 ms apart in simulated
 * time (10/s, far above any real set of whales), so the 30-minute dedup window turns over ~55 times.
 * Run by bench/run.ts in its own process with --expose-gc.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MICRO } from '../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../src/core/runtime.js';
import { runMirror, type MirrorEngine } from '../src/mirror/engine.js';
import type { FillSink, FillSource } from '../src/mirror/sources/source.js';
import type { WhaleFill } from '../src/mirror/types.js';
import { instantVenue } from './venue-double.js';

class SyntheticSource implements FillSource {
  readonly name = 'data-api' as const;
  sink: FillSink | undefined;
  async start(sink: FillSink) {
    this.sink = sink;
  }
  async stop() {}
}

const total = Number(process.argv[2] ?? 1_000_000);
// The store goes to tmpfs when there is one: this measures the engine's memory, not the disk (a commit
// costs ~40 us on this machine's disk, ~20 us on tmpfs; tmpfs pages are not in the process RSS).
const base_dir = process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const dir = mkdtempSync(join(base_dir, 'betmirror-bench-'));
let now = Date.UTC(2026, 0, 1);
const clock: Clock = { now: () => now, sleep: systemClock.sleep, after: systemClock.after };
const source = new SyntheticSource();
const controller = new AbortController();
let engine!: MirrorEngine;
const done = runMirror(
  {
    wallets: ['0xwhale'],
    sources: ['data-api'],
    pollIntervalMs: 1000,
    risk: {
      sizing: { mode: 'fixed', fixedUsd: 5n * MICRO, multiplier: MICRO, percent: 0n },
      caps: {},
      maxSlippage: 50_000n,
      orderType: 'FAK',
      allow: [],
      deny: [],
    },
    dryRun: false,
    stateDir: dir,
    endpoints: { dataApiUrl: 'http://unused.invalid' },
  },
  {
    adapter: instantVenue(1_000_000_000n * MICRO),
    clock,
    fetch: globalThis.fetch,
    logger: silentLogger,
    signal: controller.signal,
    sources: [source],
    markets: {
      get: async (f) => ({ token: f.token, market: f.token, active: true, closed: false, tickSize: 10_000n, minSize: 5n * MICRO, minNotional: MICRO, sizeStep: 10_000n, takerFee: () => 0n }),
    },
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
const batch = 100;
let next = 0;
const run = async (count: number) => {
  for (const end = next + count; next < end; ) {
    for (let i = 0; i < batch; i++) {
      now += 100;
      source.sink!(signal(next++));
    }
    await engine.executor.drain();
    if (next % 100_000 === 0) engine.store.prune(now - 24 * 3_600_000);
  }
};
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const rssParts = () => {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return ['RssAnon', 'RssFile', 'RssShmem'].map((k) => `${k} ${new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? '?'} kB`).join(', ');
  } catch {
    return 'n/a';
  }
};

// Warm up past one full dedup window (JIT, SQLite page cache, a full seen-set), then measure.
await run(50_000);
gc();
const base = process.memoryUsage().rss;
const baseHeap = process.memoryUsage().heapUsed;
if (process.env.BENCH_DEBUG) console.log('  base:', rssParts());
const started = performance.now();
let peak = base;
while (next < 50_000 + total) {
  await run(Math.min(50_000, 50_000 + total - next));
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stderr.write(`\r  ${(next - 50_000).toLocaleString('en-US')} signals...`);
}
process.stderr.write('\r');
const seconds = (performance.now() - started) / 1000;
gc();
const end = process.memoryUsage().rss;
const endHeap = process.memoryUsage().heapUsed;
if (process.env.BENCH_DEBUG) console.log('  end: ', rssParts());
const seenKeys = engine.monitor.seenSetSize;
controller.abort();
const summary = await done;
const fileSize = (name: string) => statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
const dbSize = fileSize('mirror.sqlite') + fileSize('mirror.sqlite-wal');
rmSync(dir, { recursive: true, force: true });
console.log(`  ${total.toLocaleString('en-US')} synthetic signals through monitor + executor + durable store in ${seconds.toFixed(1)} s (${Math.round(total / seconds).toLocaleString('en-US')}/s)`);
console.log(`  RSS growth after them: ${mb(end - base)} (peak ${mb(peak - base)} over a ${mb(base)} baseline); dedup set: ${seenKeys.toLocaleString('en-US')} keys; store file ${mb(dbSize)} in ${base_dir}`);
console.log(`  JS heap growth: ${mb(endHeap - baseHeap)}`);
console.log(`  (${summary.signals.copied.toLocaleString('en-US')} copied, ${summary.signals.skipped.toLocaleString('en-US')} skipped in all)`);
