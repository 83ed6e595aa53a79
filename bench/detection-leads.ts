/**
 * `npx tsx bench/detection-leads.ts`: how early each fill source reports the same whale fill, on this
 * machine. The sandbox matches the whale's order (RTDS pushes it, the Data API indexes it); a local
 * chain (anvil mining a block every 2 s, Polygon's block time, VENUES.md 1.5) receives the matching
 * OrderFilled log as the operator's settlement would. Each source runs as the mirror builds it, with
 * the default 2 s polling: RTDS, Data API polling, on-chain over a websocket (eth_subscribe) and over
 * HTTP (eth_getLogs). Printed per source: detection delay after the trade, and how often and by how
 * much it was first. Trades are told apart by their size (each one unique).
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createTestClient, createWalletClient, http, parseAbi, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { silentLogger, systemClock, type Clock } from '../src/core/runtime.js';
import { DataApiClient } from '../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../src/mirror/sources/data-api-poller.js';
import { OnchainSource, V2_EXCHANGES } from '../src/mirror/sources/onchain.js';
import { RtdsSource } from '../src/mirror/sources/rtds.js';
import type { FillSource } from '../src/mirror/sources/source.js';
import { startPolymarketSandbox } from '../src/sandbox/polymarket/index.js';
import { DEV_KEYS, startAnvil } from '../test/support/chain.js';

const clock: Clock = { now: () => performance.timeOrigin + performance.now(), sleep: systemClock.sleep, after: systemClock.after };
const TRADES = Number(process.env.BENCH_LEAD_TRADES ?? 30);
const POLL_MS = 2000;
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};
const EMITTER = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract FillEmitter {
  event OrderFilled(bytes32 indexed orderHash, address indexed maker, address indexed taker, uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee, bytes32 builder, bytes32 metadata);
  function fill(address maker, uint256 tokenId, uint256 m, uint256 t) external {
    emit OrderFilled(bytes32(0), maker, address(0), 0, tokenId, m, t, 0, bytes32(0), bytes32(0));
  }
}`;

function emitterCode(): Hex {
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const out = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources: { 'E.sol': { content: EMITTER } }, settings: { outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } } })));
  return `0x${out.contracts['E.sol'].FillEmitter.evm.deployedBytecode.object}`;
}

// The Data API "lags the chain by seconds" in production (VENUES.md 1.5); the sandbox's lag is 0 unless set.
const DATA_API_LAG_MS = Number(process.env.BENCH_DATA_API_LAG_MS ?? 0);
const sandbox = await startPolymarketSandbox({ clock, whales: { count: 1, autoStart: false }, dataApiLagMs: DATA_API_LAG_MS });
const chain = await startAnvil();
await chain.setCode(V2_EXCHANGES[0]!, emitterCode());
const chainDef = { id: 137, name: 'anvil', nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 }, rpcUrls: { default: { http: [chain.rpcUrl] } } } as const;
const test = createTestClient({ chain: chainDef, mode: 'anvil', transport: http(chain.rpcUrl) });
await test.setAutomine(false);
await test.setIntervalMining({ interval: 2 });
const operator = createWalletClient({ account: privateKeyToAccount(DEV_KEYS[0]!), chain: chainDef, transport: http(chain.rpcUrl) });
const emitterAbi = parseAbi(['function fill(address maker, uint256 tokenId, uint256 m, uint256 t)']);

const whale = sandbox.whales[0]!;
const tokens = sandbox.markets.filter((m) => m.active && !m.closed).map((m) => m.tokens[0].tokenId);
/** size (micro-shares) -> the trade's time, and when each source first reported it. */
const trades = new Map<bigint, { at: number; seen: Map<string, number> }>();
const sink = (name: string) => (fill: { wallet: string; size: bigint }) => {
  const trade = trades.get(fill.size);
  if (trade && !trade.seen.has(name)) trade.seen.set(name, clock.now());
};
const client = new DataApiClient(sandbox.dataApiUrl, globalThis.fetch);
const sources: Array<[string, FillSource]> = [
  ['rtds', new RtdsSource({ url: sandbox.rtdsUrl, wallets: [whale] }, clock, silentLogger)],
  ['data-api', new DataApiPoller(client, { wallets: [whale], intervalMs: POLL_MS, since: clock.now() }, clock, silentLogger)],
  ['onchain (ws)', new OnchainSource({ rpcUrl: chain.rpcUrl.replace(/^http/, 'ws'), wallets: [whale], intervalMs: POLL_MS }, clock, silentLogger)],
  ['onchain (http)', new OnchainSource({ rpcUrl: chain.rpcUrl, wallets: [whale], intervalMs: POLL_MS }, clock, silentLogger)],
];
for (const [name, source] of sources) await source.start(sink(name));

for (let i = 0; i < TRADES; i++) {
  const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId: tokens[i % tokens.length]!, side: 'BUY', size: 5 + i / 100, price: 0.99 });
  if (!fill) continue;
  const shares = BigInt(Math.round(fill.size * 1e6));
  trades.set(shares, { at: clock.now(), seen: new Map() });
  // The operator settles the match on chain: the log lands in the next 2 s block.
  await operator.writeContract({ address: V2_EXCHANGES[0]!, abi: emitterAbi, functionName: 'fill', args: [whale, BigInt(fill.asset), BigInt(Math.round(fill.usdcSize * 1e6)), shares] });
  await new Promise((r) => setTimeout(r, 700 + Math.floor(Math.random() * 600)));
}
await new Promise((r) => setTimeout(r, 6000));
for (const [, source] of sources) await source.stop();
await sandbox.close();
await chain.close();

const names = sources.map(([name]) => name);
console.log(`Detection sources: ${trades.size} whale fills, polling every ${POLL_MS} ms, chain blocks every 2 s, Data API indexing lag ${DATA_API_LAG_MS} ms`);
for (const name of names) {
  const delays = [...trades.values()].filter((t) => t.seen.has(name)).map((t) => t.seen.get(name)! - t.at);
  const first = [...trades.values()].filter((t) => [...t.seen].sort((a, b) => a[1] - b[1])[0]?.[0] === name);
  const leads = first.map((t) => {
    const times = [...t.seen.values()].sort((a, b) => a - b);
    return times.length > 1 ? times[1]! - times[0]! : NaN;
  }).filter((v) => !Number.isNaN(v));
  console.log(
    `  ${name.padEnd(15)} saw ${delays.length}/${trades.size}; delay after the trade p50 ${pct(delays, 50).toFixed(0)} ms, p99 ${pct(delays, 99).toFixed(0)} ms; first ${first.length}` +
      (leads.length ? `, lead over the next p50 ${pct(leads, 50).toFixed(0)} ms, p99 ${pct(leads, 99).toFixed(0)} ms` : ''),
  );
}
// The two on-chain transports against each other (the same logs).
const wsLead = [...trades.values()].filter((t) => t.seen.has('onchain (ws)') && t.seen.has('onchain (http)')).map((t) => t.seen.get('onchain (http)')! - t.seen.get('onchain (ws)')!);
console.log(`  on-chain websocket ahead of HTTP polling: p50 ${pct(wsLead, 50).toFixed(0)} ms, p99 ${pct(wsLead, 99).toFixed(0)} ms`);
