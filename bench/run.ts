/**
 * `npm run bench`: the mirror's figures, printed (no timed tests).
 *  1. Signal-to-order latency through the real engine and PolymarketAdapter against the local
 *     sandbox, split into detection (fill visible -> source delivers) and decide+sign+post (source
 *     delivers -> our POST /order arrives at the venue), p50/p99, per source; venue requests per copy.
 *  2. Throughput of dedup + sizing + signing (real EIP-712 order signing, dry run).
 *  3. RSS growth after 1,000,000 synthetic signals through monitor + executor + durable store.
 *  4. Scale: the RTDS firehose (5,000 messages/s, 10,000 wallets), 1,000 wallets on Data API polling
 *     against the rate-limited sandbox, and the state store after 1,000,000 signals with the
 *     retention window pruning.
 * `npm run bench -- --only <section>` (latency, throughput, memory, scale) runs one section.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RETENTION_MS } from '../src/mirror/settings.js';
import { latency, throughput } from './latency.js';
import { scalePolling } from './scale-polling.js';
import { printRtdsFirehose } from './scale-rtds.js';
import { printStoreScale, storeBenchDir } from './scale-store.js';

/**
 * Memory runs in a fresh process (with --expose-gc) so earlier sections do not blur its RSS. V8's
 * young generation is capped at 1 MB there: left alone it grows and shrinks by tens of MB on its own
 * schedule (bounded, whatever the signal count), which swamps the engine's own growth in RSS.
 */
async function memory(total: number): Promise<void> {
  const script = fileURLToPath(new URL('./memory.ts', import.meta.url));
  const flags = ['--expose-gc', '--max-semi-space-size=1', '--import', 'tsx'];
  console.log(`  (node ${flags.slice(0, 2).join(' ')})`);
  const child = spawn(process.execPath, [...flags, script, String(total)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) console.log(`  memory benchmark exited with ${code}`);
}

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const wanted = (section: string) => (only === undefined || only === section) && !(section === 'latency' && argv.includes('--skip-latency'));
const signals = Number(process.env.BENCH_SIGNALS ?? 1_000_000);
console.log('betmirror mirror benchmarks');
if (wanted('latency')) {
  console.log('\n1. Signal-to-order latency (real engine + PolymarketAdapter against the local sandbox)');
  await latency('rtds', 200);
  await latency('data-api', 100);
}
if (wanted('throughput')) {
  console.log('\n2. Throughput');
  await throughput(2000);
}
if (wanted('memory')) {
  console.log('\n3. Memory');
  await memory(signals);
}
if (wanted('scale')) {
  console.log('\n4. Scale');
  console.log(' a. RTDS firehose (real RtdsSource + TradeMonitor over a local websocket)');
  await printRtdsFirehose();
  await scalePolling(); // b. 1,000 wallets on Data API polling (prints its own heading)
  console.log(` c. State store after ${signals.toLocaleString('en-US')} signals (files in ${storeBenchDir()})`);
  // BENCH_RETENTION_MS: the window to measure besides the mirror's minimum (default: the mirror's default).
  for (const retention of new Set([Number(process.env.BENCH_RETENTION_MS ?? DEFAULT_RETENTION_MS), 3_600_000])) printStoreScale(signals, retention);
}
