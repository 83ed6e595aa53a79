/**
 * The RTDS firehose at scale: the real RtdsSource and TradeMonitor (with the durable store on disk)
 * following WALLETS wallets, fed RATE messages/s over a local websocket by bench/firehose/server.ts (its
 * own process), 1 in MATCH_EVERY from a followed wallet. Figures:
 * - CPU share of one core of this process (everything the source and monitor do: websocket frames,
 *   JSON, the wallet filter, dedup, the store lookup; and their GC) while the stream runs;
 * - added latency: from the server handing a matching message to its socket to the monitor handing
 *   the signal on (so it includes the loopback hop), p50/p99/max.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, systemClock } from '../src/core/runtime.js';
import { RtdsSource } from '../src/mirror/sources/rtds.js';
import { MirrorStore } from '../src/mirror/store.js';
import { TradeMonitor } from '../src/mirror/trade-monitor.js';

export interface FirehoseOptions {
  rate: number;
  wallets: number;
  matchEvery: number;
  warmupMs: number;
  measureMs: number;
}

export interface FirehoseResult {
  messages: number;
  signals: number;
  cpuShare: number;
  latencyMs: { p50: number; p99: number; max: number };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function rtdsFirehose(o: FirehoseOptions): Promise<FirehoseResult> {
  const wallets = Array.from({ length: o.wallets }, () => `0x${randomBytes(20).toString('hex')}`);
  const server = fork(fileURLToPath(new URL('./firehose/server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => server.once('message', (m: { port: number }) => resolve(m.port)));
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'betmirror-firehose-'));
  const store = MirrorStore.open(dir);
  const arrived = new Map<string, bigint>();
  let measuring = false;
  const source = new RtdsSource({ url: `ws://127.0.0.1:${port}`, wallets }, systemClock, silentLogger);
  const monitor = new TradeMonitor({
    sources: [source],
    wallets,
    startAt: Date.now() - 60_000,
    store,
    clock: systemClock,
    onSignal: (_key, fill) => {
      if (measuring) arrived.set(fill.txHash, process.hrtime.bigint());
    },
  });
  await monitor.start();
  server.send({ start: { wallets, rate: o.rate, matchEvery: o.matchEvery } });
  await new Promise((r) => setTimeout(r, o.warmupMs));
  measuring = true;
  const cpu = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, o.measureMs));
  const used = process.cpuUsage(cpu);
  const wallUs = Number(process.hrtime.bigint() - wallStart) / 1000;
  measuring = false;
  const report = new Promise<{ sent: Array<[string, string]>; count: number }>((resolve) => server.once('message', resolve));
  server.send({ stop: true });
  const { sent, count } = await report;
  await monitor.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  const latencies: number[] = [];
  for (const [tx, at] of sent) {
    const got = arrived.get(tx);
    if (got !== undefined) latencies.push(Number(got - BigInt(at)) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  return {
    messages: count,
    signals: latencies.length,
    cpuShare: (used.user + used.system) / wallUs,
    latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1]! },
  };
}

export async function printRtdsFirehose(): Promise<void> {
  const o: FirehoseOptions = {
    rate: Number(process.env.BENCH_RTDS_RATE ?? 5_000),
    wallets: 10_000,
    matchEvery: 100,
    warmupMs: 2_000,
    measureMs: Number(process.env.BENCH_RTDS_MS ?? 10_000),
  };
  const r = await rtdsFirehose(o);
  const n = (v: number) => v.toLocaleString('en-US');
  console.log(`  ${n(o.rate)} messages/s for ${o.measureMs / 1000} s (+${o.warmupMs / 1000} s warm-up), ${n(o.wallets)} followed wallets, 1 in ${o.matchEvery} matching: ${n(r.signals)} signals measured`);
  console.log(`    CPU: ${(r.cpuShare * 100).toFixed(1)}% of one core (source + monitor + store lookup, this process)`);
  console.log(`    added latency (server socket -> signal handed on): p50 ${r.latencyMs.p50.toFixed(3)} ms  p99 ${r.latencyMs.p99.toFixed(3)} ms  max ${r.latencyMs.max.toFixed(3)} ms`);
}
