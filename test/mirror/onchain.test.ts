/**
 * The on-chain source against a real local chain (anvil): a minimal contract that emits the V2
 * exchange's OrderFilled event is placed at the CTFExchangeV2 address, and the source must deliver
 * exactly the followed makers' fills emitted after the start, over HTTP polling (eth_getLogs) and over
 * a websocket (eth_subscribe logs), with one log filter for every wallet.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, encodeAbiParameters, encodeEventTopics, http, keccak256, parseAbi, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { decodeOrderFilled, ORDER_FILLED_ABI, ORDER_FILLED_TOPIC, OnchainSource, V2_EXCHANGES } from '../../src/mirror/sources/onchain.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { wsRelay } from './support/ws-relay.js';
import { DEV_KEYS, startAnvil, type LocalChain } from '../support/chain.js';
import { waitFor } from './support/sandbox-harness.js';

const require = createRequire(import.meta.url);
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract FillEmitter {
  event OrderFilled(bytes32 indexed orderHash, address indexed maker, address indexed taker, uint8 side, uint256 tokenId, uint256 makerAmountFilled, uint256 takerAmountFilled, uint256 fee, bytes32 builder, bytes32 metadata);
  function fill(bytes32 h, address maker, address taker, uint8 side, uint256 tokenId, uint256 m, uint256 t) external {
    emit OrderFilled(h, maker, taker, side, tokenId, m, t, 0, bytes32(0), bytes32(0));
  }
}`;
const emitterAbi = parseAbi(['function fill(bytes32 h, address maker, address taker, uint8 side, uint256 tokenId, uint256 m, uint256 t)']);

function emitterCode(): Hex {
  const solc = require('solc') as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(JSON.stringify({ language: 'Solidity', sources: { 'E.sol': { content: SOURCE } }, settings: { outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } } })),
  );
  return `0x${output.contracts['E.sol'].FillEmitter.evm.deployedBytecode.object}`;
}

const WHALE: Address = '0x1111111111111111111111111111111111111111';
const WHALE2: Address = '0x4444444444444444444444444444444444444444';
const WHALE3: Address = '0x5555555555555555555555555555555555555555';
const OTHER: Address = '0x2222222222222222222222222222222222222222';
const TOKEN = 71321045679252212594626385532706912750332728571942532289631379312455583992563n;

describe('on-chain OrderFilled decoding', () => {
  it('the event signature hashes to the documented topic0', () => {
    expect(keccak256(toHex('OrderFilled(bytes32,address,address,uint8,uint256,uint256,uint256,uint256,bytes32,bytes32)'))).toBe(ORDER_FILLED_TOPIC);
  });
  it('decodes a maker BUY (pays collateral for shares) and a SELL from real ABI-encoded logs', () => {
    const log = (side: number, makerAmount: bigint, takerAmount: bigint) => ({
      topics: encodeEventTopics({ abi: ORDER_FILLED_ABI, eventName: 'OrderFilled', args: { orderHash: `0x${'ab'.repeat(32)}`, maker: WHALE, taker: OTHER } }) as [Hex, ...Hex[]],
      data: encodeAbiParameters(
        [{ type: 'uint8' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'bytes32' }, { type: 'bytes32' }],
        [side, TOKEN, makerAmount, takerAmount, 0n, `0x${'00'.repeat(32)}`, `0x${'00'.repeat(32)}`],
      ),
      transactionHash: `0x${'cd'.repeat(32)}` as Hex,
      logIndex: 3,
    });
    expect(decodeOrderFilled(log(0, 5_600_000n, 10_000_000n), systemClock)).toMatchObject({
      wallet: WHALE,
      token: TOKEN.toString(),
      side: 'buy',
      size: 10_000_000n,
      price: 560_000n,
      logIndex: 3,
      source: 'onchain',
    });
    expect(decodeOrderFilled(log(1, 20_000_000n, 7_400_000n), systemClock)).toMatchObject({ side: 'sell', size: 20_000_000n, price: 370_000n });
  });
});

/** The one filter every request must carry: OrderFilled on both V2 exchanges, maker = any followed wallet. */
const ONE_FILTER = {
  address: V2_EXCHANGES.map((a) => a.toLowerCase()),
  topics: [ORDER_FILLED_TOPIC, null, [WHALE, WHALE2, WHALE3].map((w) => `0x${'0'.repeat(24)}${w.slice(2).toLowerCase()}`)],
};

describe('on-chain source on anvil', () => {
  let chain: LocalChain;
  let emit: (maker: Address, side: number, m: bigint, t: bigint) => Promise<Hex>;
  let mined: (hash: Hex) => Promise<unknown>;
  beforeAll(async () => {
    chain = await startAnvil();
    await chain.setCode(V2_EXCHANGES[0]!, emitterCode());
    const wallet = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS[0]!),
      chain: { id: 137, name: 'anvil', nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 }, rpcUrls: { default: { http: [chain.rpcUrl] } } },
      transport: http(chain.rpcUrl),
    });
    emit = (maker, side, m, t) => wallet.writeContract({ address: V2_EXCHANGES[0]!, abi: emitterAbi, functionName: 'fill', args: [`0x${'01'.repeat(32)}`, maker, OTHER, side, TOKEN, m, t] });
    const reader = createPublicClient({ transport: http(chain.rpcUrl) });
    mined = (hash) => reader.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  });
  afterAll(async () => {
    await chain?.close();
  });

  /** History, then fills of three followed wallets and one stranger; returns what the source delivered. */
  async function followThree(rpcUrl: string, fetchFn?: typeof fetch): Promise<{ fills: WhaleFill[]; source: OnchainSource }> {
    // History: mined before the source starts (anvil mines in the background: wait for the receipt,
    // or a loaded machine starts the source on the block before it).
    await mined(await emit(WHALE, 0, 1_000_000n, 2_000_000n));
    const fills: WhaleFill[] = [];
    const source = new OnchainSource({ rpcUrl, wallets: [WHALE, WHALE2, WHALE3.toUpperCase().replace('0X', '0x')], intervalMs: 50, fetch: fetchFn }, systemClock, silentLogger);
    await source.start((f) => fills.push(f));
    try {
      await emit(OTHER, 0, 1_000_000n, 2_000_000n); // not followed
      await emit(WHALE, 0, 5_600_000n, 10_000_000n);
      await emit(WHALE2, 1, 4_000_000n, 2_000_000n);
      await emit(WHALE3, 0, 3_000_000n, 6_000_000n);
      await waitFor(() => fills.length >= 3, 'three whale fills from the chain');
      await new Promise((r) => setTimeout(r, 200)); // further polls or notifications must not repeat them
    } finally {
      await source.stop();
    }
    return { fills, source };
  }

  const expected = [
    [WHALE.toLowerCase(), 'buy', 10_000_000n, 560_000n],
    [WHALE2.toLowerCase(), 'sell', 4_000_000n, 500_000n],
    [WHALE3.toLowerCase(), 'buy', 6_000_000n, 500_000n],
  ];

  it('HTTP: polls eth_getLogs with one filter for every wallet', async () => {
    const bodies: Array<{ method: string; params: unknown[] }> = [];
    const recording = (async (input: string | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    }) as typeof fetch;
    const { fills, source } = await followThree(chain.rpcUrl, recording);
    expect(source.transport).toBe('polling');
    expect(fills.map((f) => [f.wallet, f.side, f.size, f.price])).toEqual(expected);
    const getLogs = bodies.filter((b) => b.method === 'eth_getLogs');
    expect(getLogs.length).toBeGreaterThanOrEqual(1);
    for (const call of getLogs) expect(call.params).toEqual([{ ...ONE_FILTER, fromBlock: expect.stringMatching(/^0x[0-9a-f]+$/), toBlock: expect.stringMatching(/^0x[0-9a-f]+$/) }]);
    expect(new Set(bodies.map((b) => b.method))).toEqual(new Set(['eth_blockNumber', 'eth_getLogs']));
  });

  it('websocket: one eth_subscribe("logs") with the same filter, fills pushed', async () => {
    const relay = await wsRelay(chain.rpcUrl.replace(/^http/, 'ws'));
    try {
      const { fills, source } = await followThree(relay.url);
      expect(source.transport).toBe('websocket');
      expect(fills.map((f) => [f.wallet, f.side, f.size, f.price])).toEqual(expected);
      expect(relay.frames.filter((f) => f.method === 'eth_subscribe').map((f) => f.params)).toEqual([['logs', ONE_FILTER]]);
      // Pushed, not polled: no eth_getLogs on a first subscription.
      expect(relay.frames.filter((f) => f.method === 'eth_getLogs')).toEqual([]);
    } finally {
      await relay.close();
    }
  });

  it('websocket: a dropped connection is re-subscribed and the fills of the gap are read once', async () => {
    const relay = await wsRelay(chain.rpcUrl.replace(/^http/, 'ws'));
    const fills: WhaleFill[] = [];
    const source = new OnchainSource({ rpcUrl: relay.url, wallets: [WHALE, WHALE2, WHALE3], intervalMs: 50 }, systemClock, silentLogger);
    await source.start((f) => fills.push(f));
    try {
      await mined(await emit(WHALE, 0, 5_600_000n, 10_000_000n));
      await waitFor(() => fills.length >= 1, 'the live fill');
      relay.cut();
      await mined(await emit(WHALE2, 1, 4_000_000n, 2_000_000n)); // while nobody listens
      await new Promise((r) => setTimeout(r, 300));
      relay.accept();
      await waitFor(() => source.subscriptions >= 2, 'the re-subscription');
      await waitFor(() => fills.length >= 2, 'the gap fill');
      await mined(await emit(WHALE3, 0, 3_000_000n, 6_000_000n));
      await waitFor(() => fills.length >= 3, 'the live fill after the gap');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await source.stop();
      await relay.close();
    }
    expect(fills.map((f) => [f.wallet, f.side, f.size, f.price])).toEqual(expected);
    const subscribes = relay.frames.filter((f) => f.method === 'eth_subscribe').map((f) => f.params);
    expect(subscribes.length).toBeGreaterThanOrEqual(2);
    for (const params of subscribes) expect(params).toEqual(['logs', ONE_FILTER]);
    // The gap fill could only come from reading the blocks in between.
    expect(relay.frames.filter((f) => f.method === 'eth_getLogs').length).toBeGreaterThanOrEqual(1);
    for (const call of relay.frames.filter((f) => f.method === 'eth_getLogs')) expect(call.params).toEqual([{ ...ONE_FILTER, fromBlock: expect.any(String), toBlock: expect.any(String) }]);
  });
});
