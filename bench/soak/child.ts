/**
 * One mirror process of the crash campaign: the real engine and the real PolymarketAdapter on the
 * campaign's state dir, NDJSON events on stdout, a clean stop (summary) on SIGTERM. The parent kills
 * it with SIGKILL at random moments and starts the next one on the same state dir.
 *
 * Config comes as one JSON argument. The only addition to a plain mirror: each signed order id is
 * appended (synchronously, before it is sent) to a trace file with the order's client id, so the
 * campaign can tie every order the venue received to the whale fill it copies even when the store
 * kept only the last order id of a signal.
 */
import { appendFileSync } from 'node:fs';
import { MICRO } from '../../src/core/money.js';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { polymarketVenue } from '../../src/exchanges/polymarket/index.js';
import { runMirror } from '../../src/mirror/engine.js';
import type { SourceName } from '../../src/mirror/types.js';

export interface SoakChildConfig {
  clobUrl: string;
  dataApiUrl: string;
  gammaUrl: string;
  rtdsUrl: string;
  privateKey: `0x${string}`;
  stateDir: string;
  wallets: string[];
  sources: SourceName[];
  pollIntervalMs: number;
  /** USD per copied buy (fixed sizing). */
  fixedUsd: number;
  /** NDJSON file: one {clientId, orderId} line per signed order. */
  tracePath: string;
}

const config = JSON.parse(process.argv[2]!) as SoakChildConfig;
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
// The parent holds our stdin open; if it dies without cleaning up, we must not outlive it.
process.stdin.on('end', () => process.exit(3));
process.stdin.resume();

const adapter = polymarketVenue.create({
  settings: {
    clobUrl: config.clobUrl,
    dataApiUrl: config.dataApiUrl,
    gammaUrl: config.gammaUrl,
    rtdsUrl: config.rtdsUrl,
    chainId: '137',
    signatureType: 'eoa',
  },
  secrets: { privateKey: config.privateKey },
  fetch: globalThis.fetch,
  clock: systemClock,
  logger: silentLogger,
});
const createOrder = adapter.createOrder.bind(adapter);
adapter.createOrder = (params) =>
  createOrder({
    ...params,
    onSigned: (orderId) => {
      appendFileSync(config.tracePath, `${JSON.stringify({ clientId: params.clientOrderId ?? null, orderId })}\n`);
      params.onSigned?.(orderId);
    },
  });

const summary = await runMirror(
  {
    wallets: config.wallets,
    sources: config.sources,
    pollIntervalMs: config.pollIntervalMs,
    risk: {
      sizing: { mode: 'fixed', fixedUsd: BigInt(Math.round(config.fixedUsd * 1e6)), multiplier: MICRO, percent: 0n },
      caps: {},
      maxSlippage: 50_000n,
      orderType: 'FAK',
      allow: [],
      deny: [],
    },
    dryRun: false,
    stateDir: config.stateDir,
    endpoints: { dataApiUrl: config.dataApiUrl, gammaUrl: config.gammaUrl, rtdsUrl: config.rtdsUrl },
  },
  {
    adapter,
    clock: systemClock,
    fetch: globalThis.fetch,
    logger: silentLogger,
    signal: controller.signal,
    onEvent: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  },
);
process.stdout.write(`${JSON.stringify({ type: 'summary', summary })}\n`, () => process.exit(0));
