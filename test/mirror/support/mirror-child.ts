/**
 * A mirror process for the kill -9 test: runs the real engine and adapter on a state dir, prints
 * NDJSON events on stdout, stops cleanly on SIGTERM. Config comes as one JSON argument.
 */
import { silentLogger, systemClock } from '../../../src/core/runtime.js';
import { polymarketVenue } from '../../../src/exchanges/polymarket/index.js';
import { runMirror } from '../../../src/mirror/engine.js';

interface ChildConfig {
  clobUrl: string;
  dataApiUrl: string;
  gammaUrl: string;
  privateKey: `0x${string}`;
  stateDir: string;
  wallets: string[];
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());

const adapter = polymarketVenue.create({
  settings: { clobUrl: config.clobUrl, dataApiUrl: config.dataApiUrl, gammaUrl: config.gammaUrl, chainId: '137', signatureType: 'eoa' },
  secrets: { privateKey: config.privateKey },
  fetch: globalThis.fetch,
  clock: systemClock,
  logger: silentLogger,
});

const summary = await runMirror(
  {
    wallets: config.wallets,
    sources: ['data-api'],
    pollIntervalMs: 50,
    risk: {
      sizing: { mode: 'fixed', fixedUsd: 5_000_000n, multiplier: 1_000_000n, percent: 0n },
      caps: {},
      maxSlippage: 50_000n,
      orderType: 'FAK',
      allow: [],
      deny: [],
    },
    dryRun: false,
    stateDir: config.stateDir,
    endpoints: { dataApiUrl: config.dataApiUrl, gammaUrl: config.gammaUrl },
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
process.stdout.write(`${JSON.stringify({ type: 'summary', summary })}\n`);
