/**
 * The on-chain source against a real local chain (anvil): a minimal contract that emits the V2
 * exchange's OrderFilled event is placed at the CTFExchangeV2 address, and the source's eth_getLogs
 * polling must deliver exactly the followed maker's fills emitted after the start.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicClient, createWalletClient, encodeAbiParameters, encodeEventTopics, http, keccak256, parseAbi, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { decodeOrderFilled, ORDER_FILLED_ABI, ORDER_FILLED_TOPIC, OnchainSource, V2_EXCHANGES } from '../../src/mirror/sources/onchain.js';
import type { WhaleFill } from '../../src/mirror/types.js';
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

describe('on-chain source on anvil', () => {
  let chain: LocalChain;
  beforeAll(async () => {
    chain = await startAnvil();
    await chain.setCode(V2_EXCHANGES[0]!, emitterCode());
  });
  afterAll(async () => {
    await chain?.close();
  });

  it('delivers only the followed maker fills emitted after the start', async () => {
    const wallet = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS[0]!),
      chain: { id: 137, name: 'anvil', nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 }, rpcUrls: { default: { http: [chain.rpcUrl] } } },
      transport: http(chain.rpcUrl),
    });
    const emit = (maker: Address, side: number, m: bigint, t: bigint) =>
      wallet.writeContract({ address: V2_EXCHANGES[0]!, abi: emitterAbi, functionName: 'fill', args: [`0x${'01'.repeat(32)}`, maker, OTHER, side, TOKEN, m, t] });
    // History: mined before the source starts (anvil mines in the background: wait for the receipt,
    // or a loaded machine starts the source on the block before it).
    const history = await emit(WHALE, 0, 1_000_000n, 2_000_000n);
    await createPublicClient({ transport: http(chain.rpcUrl) }).waitForTransactionReceipt({ hash: history, pollingInterval: 20 });

    const fills: WhaleFill[] = [];
    const source = new OnchainSource({ rpcUrl: chain.rpcUrl, wallets: [WHALE], intervalMs: 50 }, systemClock, silentLogger);
    await source.start((f) => fills.push(f));
    try {
      await emit(OTHER, 0, 1_000_000n, 2_000_000n); // not followed
      await emit(WHALE, 0, 5_600_000n, 10_000_000n);
      await emit(WHALE, 1, 4_000_000n, 2_000_000n);
      await waitFor(() => fills.length >= 2, 'two whale fills from the chain');
      await new Promise((r) => setTimeout(r, 200)); // further polls must not repeat them
    } finally {
      await source.stop();
    }
    expect(fills.map((f) => [f.side, f.size, f.price])).toEqual([
      ['buy', 10_000_000n, 560_000n],
      ['sell', 4_000_000n, 500_000n],
    ]);
    expect(fills.every((f) => f.wallet === WHALE.toLowerCase() && f.token === TOKEN.toString())).toBe(true);
  });
});
