/** The real engine + real PolymarketAdapter against the in-process Polymarket sandbox. */
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { silentLogger, systemClock } from '../../../src/core/runtime.js';
import { polymarketVenue } from '../../../src/exchanges/polymarket/index.js';
import { runMirror, type MirrorEngine, type MirrorOptions, type MirrorSummary } from '../../../src/mirror/engine.js';
import type { MirrorEvent } from '../../../src/mirror/events.js';
import type { PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { baseOptions } from './engine-harness.js';
import { validated } from './event-schema.js';

export function sandboxAdapter(sandbox: PolymarketSandbox, privateKey: `0x${string}`) {
  return polymarketVenue.create({
    settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl, chainId: '137', signatureType: 'eoa' },
    secrets: { privateKey },
    fetch: globalThis.fetch,
    clock: systemClock,
    logger: silentLogger,
  });
}

export function fundedKey(sandbox: PolymarketSandbox, usd: bigint): { key: `0x${string}`; address: `0x${string}` } {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  sandbox.fund(address, usd);
  return { key, address };
}

export interface SandboxMirror {
  engine: MirrorEngine;
  events: MirrorEvent[];
  stop(): Promise<MirrorSummary>;
}

export async function startSandboxMirror(sandbox: PolymarketSandbox, key: `0x${string}`, options: Partial<MirrorOptions>): Promise<SandboxMirror> {
  const events: MirrorEvent[] = [];
  const controller = new AbortController();
  let engine!: MirrorEngine;
  let done!: Promise<MirrorSummary>;
  await new Promise<void>((resolve, reject) => {
    done = runMirror(
      baseOptions({
        wallets: sandbox.whales,
        pollIntervalMs: 100,
        endpoints: { dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, rtdsUrl: sandbox.rtdsUrl },
        ...options,
      }),
      {
        adapter: sandboxAdapter(sandbox, key),
        clock: systemClock,
        fetch: globalThis.fetch,
        logger: process.env.MIRROR_DEBUG ? { info: console.log, warn: console.log, debug: () => {} } : silentLogger,
        signal: controller.signal,
        onEvent: validated((event) => events.push(event)),
        onReady: (e) => {
          engine = e;
          resolve();
        },
      },
    );
    done.catch(reject);
  });
  return { engine, events, stop: () => (controller.abort(), done) };
}

/** Polls `predicate` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const orderPosts = (sandbox: PolymarketSandbox, since = 0) =>
  sandbox.requests.slice(since).filter((r) => r.method === 'POST' && r.path.split('?')[0] === '/order');
