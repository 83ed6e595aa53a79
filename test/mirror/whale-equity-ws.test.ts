/**
 * Whale equity with a websocket POLYGON_RPC_URL (valid for the on-chain source, so for the collateral
 * read too): eth_call balanceOf speaks JSON-RPC over the websocket, against a real local chain (anvil).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataApiClient } from '../../src/mirror/sources/data-api.js';
import { collateralReader, PUSD_ADDRESS, whaleEquity } from '../../src/mirror/whale-equity.js';
import { startAnvil, type LocalChain } from '../support/chain.js';
import { M } from './support/fakes.js';
import { wsRelay, type WsRelay } from './support/ws-relay.js';

const WHALE = '0x1111111111111111111111111111111111111111';
let chain: LocalChain;
let relay: WsRelay;

beforeAll(async () => {
  chain = await startAnvil();
  await chain.installCollateral();
  await chain.mintCollateral(WHALE, M(9900));
  relay = await wsRelay(chain.rpcUrl.replace(/^http/, 'ws'));
}, 60_000);
afterAll(async () => {
  await relay?.close();
  await chain?.close();
});

/** A Data API answering /value = 100 USD of positions for WHALE. */
const dataApi = new DataApiClient('http://data.local', (async () => Response.json([{ user: WHALE, value: 100 }])) as unknown as typeof fetch);

describe('whale collateral over a websocket RPC (anvil)', () => {
  it('reads pUSD with eth_call balanceOf over ws:// and adds it to the positions value', async () => {
    const reader = collateralReader({ rpcUrl: chain.rpcUrl.replace(/^http/, 'ws') });
    try {
      expect(await reader(WHALE)).toBe(M(9900));
      expect(await whaleEquity(dataApi, reader)(WHALE)).toBe(M(10_000));
    } finally {
      reader.close();
    }
  });

  it('sends exactly eth_call balanceOf(wallet) on pUSD, reconnects after a drop, and closes at stop', async () => {
    const reader = collateralReader({ rpcUrl: relay.url });
    const before = relay.frames.length;
    expect(await reader(WHALE)).toBe(M(9900));
    expect(relay.frames.slice(before).map((f) => [f.method, f.params])).toEqual([
      ['eth_call', [{ to: PUSD_ADDRESS, data: `0x70a08231${'0'.repeat(24)}${WHALE.slice(2)}` }, 'latest']],
    ]);
    expect(relay.clients).toBe(1);

    relay.cut();
    await expect(reader(WHALE)).rejects.toThrow();
    relay.accept();
    await chain.mintCollateral(WHALE, M(100));
    expect(await reader(WHALE)).toBe(M(10_000)); // a new connection, the balance as of now

    reader.close();
    await expect(reader(WHALE)).rejects.toThrow('RPC websocket closed: the mirror is stopping');
    await new Promise((r) => setTimeout(r, 100));
    expect(relay.clients).toBe(0);
  }, 30_000);
});
