/**
 * The state store after N signals (default 1,000,000): bytes on disk per retained signal and in total,
 * with the retention window pruning as the engine does (one of PRUNE_SLICES slices every PRUNE_EVERY_MS
 * of simulated time). Signals arrive at the firehose section's matching rate (5,000 messages/s x 1% = 50/s), with
 * production-shaped values: 66-character tx hashes, 77-digit token ids, 10,000 wallets, Polymarket order
 * ids. Each signal is written the way the executor writes it: a skip in one commit; a copy as intent,
 * order id, then outcome + book in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MICRO } from '../src/core/money.js';
import { fillKey } from '../src/mirror/dedup.js';
import { MirrorStore, PRUNE_EVERY_MS, PRUNE_SLICES } from '../src/mirror/store.js';
import type { WhaleFill } from '../src/mirror/types.js';

const hex = (bytes: number) => `0x${randomBytes(bytes).toString('hex')}`;
const tokenId = () => BigInt(hex(32)).toString();

export interface StoreScaleResult {
  written: number;
  retained: number;
  bytes: number;
  prune: { p50: number; p99: number };
  /** The full prune a mirror runs at start (every slice, unused names, free pages back to the disk). */
  startPruneMs: number;
}

/**
 * tmpfs when there is one, as the memory section does: the file's size is the same on any file system,
 * and a million commits on this machine's disk take minutes of fsync that say nothing about size.
 */
export function storeBenchDir(): string {
  return process.env.BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

/** `copied` of every 100 signals are copies (the rest skips). */
export function storeScale(total: number, retentionMs: number, copied = 20): StoreScaleResult {
  const dir = mkdtempSync(join(storeBenchDir(), 'betmirror-store-'));
  const store = MirrorStore.open(dir);
  const wallets = Array.from({ length: 10_000 }, () => hex(20));
  const markets = Array.from({ length: 250 }, () => hex(32));
  const tokens = markets.flatMap((market) => [tokenId(), tokenId()].map((token) => ({ token, market })));
  const perSignalMs = 1000 / 50;
  let now = Date.UTC(2026, 0, 1);
  let nextPrune = now + PRUNE_EVERY_MS;
  const pruneMs: number[] = [];
  for (let i = 0; i < total; i++) {
    now += perSignalMs;
    const { token, market } = tokens[i % tokens.length]!;
    const fill: WhaleFill = {
      wallet: wallets[(i * 7919) % wallets.length]!,
      token,
      market,
      side: i % 3 === 2 ? 'sell' : 'buy',
      size: BigInt(1 + ((i * 104_729) % 50_000)) * 10_000n,
      price: BigInt(1 + ((i * 31) % 99)) * 10_000n,
      timestamp: now - 800,
      txHash: hex(32),
      source: 'rtds',
      seenAt: now - 5,
    };
    const key = fillKey(fill);
    if (i % 100 < copied) {
      const size = fill.size / 10n;
      store.recordDecision(key, fill, { clientId: `bm-${i}`, side: fill.side, size, price: fill.price + 10_000n }, now);
      store.recordOrderId(key, hex(32), now + 1);
      store.transaction(() => store.recordOutcome(key, { status: 'filled', filledSize: size, filledValue: (size * fill.price) / MICRO }, now + 2));
    } else {
      store.recordDecision(key, fill, { reason: i % 2 ? 'below_minimum' : 'max_per_market' }, now);
    }
    if (now >= nextPrune) {
      nextPrune += PRUNE_EVERY_MS;
      const started = performance.now();
      store.pruneStep(now - retentionMs);
      pruneMs.push(performance.now() - started);
    }
  }
  const retained = store.size;
  store.close(); // checkpoints the write-ahead log into the file
  const size = (name: string) => statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
  const bytes = size('mirror.sqlite') + size('mirror.sqlite-wal');
  const reopened = MirrorStore.open(dir);
  const started = performance.now();
  reopened.prune(now - retentionMs);
  const startPruneMs = performance.now() - started;
  reopened.close();
  rmSync(dir, { recursive: true, force: true });
  pruneMs.sort((a, b) => a - b);
  const at = (p: number) => pruneMs[Math.floor(pruneMs.length * p)] ?? 0;
  return { written: total, retained, bytes, prune: { p50: at(0.5), p99: at(0.99) }, startPruneMs };
}

export function printStoreScale(total: number, retentionMs: number): void {
  const started = performance.now();
  const r = storeScale(total, retentionMs);
  const seconds = (performance.now() - started) / 1000;
  const n = (v: number) => v.toLocaleString('en-US');
  console.log(`  retention ${(retentionMs / 3_600_000).toFixed(1)} h: ${n(r.written)} signals written (50/s simulated, 20% copied), ${n(r.retained)} retained; full prune at start (with the daily names sweep) ${r.startPruneMs.toFixed(0)} ms`);
  console.log(
    `    on disk ${(r.bytes / 1024 / 1024).toFixed(1)} MB = ${(r.bytes / r.retained).toFixed(1)} bytes per retained signal; prune step (1/${PRUNE_SLICES} of the table every ${PRUNE_EVERY_MS / 1000} s) p50 ${r.prune.p50.toFixed(2)} ms, p99 ${r.prune.p99.toFixed(2)} ms; ${n(Math.round(r.written / seconds))} signals/s written`,
  );
}
