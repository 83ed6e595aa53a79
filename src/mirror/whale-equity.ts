/**
 * A followed wallet's equity for proportional sizing: the value of its positions (Data API `/value`)
 * plus its collateral, the pUSD it holds on Polygon. `/value` alone counts positions only: a whale
 * with $100 in positions and $9,900 in cash who bets $100 bets 1% of its book, not 100%.
 */
import { createPublicClient, custom, http, parseAbi, type Address } from 'viem';
import { NetworkError } from '../core/errors.js';
import type { Micros } from '../core/money.js';
import type { DataApiClient } from './sources/data-api.js';
import { wsRpc, type RpcTransport } from './sources/onchain-rpc.js';
import type { WhaleValueFetcher } from './whale-balance-cache.js';

/** Polymarket's collateral on Polygon (VENUES.md 1.4; the same address as src/exchanges/polymarket/chain.ts). */
export const PUSD_ADDRESS: Address = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';
const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

export interface WhaleCollateralSource {
  /** http(s):// or ws(s)://: the same POLYGON_RPC_URL the on-chain source takes. */
  rpcUrl: string;
  fetch?: typeof fetch;
  /** The collateral token (default pUSD). */
  token?: Address;
}

export interface CollateralReader {
  (wallet: string): Promise<Micros>;
  /** Closes the websocket, if the RPC is one (the engine calls it at stop). */
  close(): void;
}

/**
 * pUSD (micro-units: 6 decimals) held by `wallet`, read with eth_call balanceOf. A ws(s):// RPC is
 * spoken to over its websocket (JSON-RPC 2.0 is the same over either transport,
 * https://ethereum.org/en/developers/docs/apis/json-rpc/): a provider's http address cannot be derived
 * from its websocket one, that mapping is nowhere documented.
 */
export function collateralReader(source: WhaleCollateralSource): CollateralReader {
  const socket = /^wss?:\/\//i.test(source.rpcUrl) ? reconnectingWsRpc(source.rpcUrl) : undefined;
  const transport = socket
    ? custom({ request: ({ method, params }: { method: string; params?: unknown[] }) => socket.request(method, params ?? []) })
    : http(source.rpcUrl, source.fetch ? { fetchFn: source.fetch } : {});
  const client = createPublicClient({ transport });
  const read = (wallet: string) => client.readContract({ address: source.token ?? PUSD_ADDRESS, abi: balanceOfAbi, functionName: 'balanceOf', args: [wallet as Address] });
  return Object.assign(read, { close: () => socket?.close() });
}

/**
 * One websocket, opened on first use and again on the first use after it dropped: a read while it is
 * down fails, and the balance cache asks again at the next fill.
 */
function reconnectingWsRpc(url: string): RpcTransport {
  let connection: Promise<RpcTransport> | undefined;
  let closed = false;
  const open = (): Promise<RpcTransport> =>
    (connection ??= wsRpc(url, { onNotification: () => undefined, onClose: () => (connection = undefined) }).catch((error: Error) => {
      connection = undefined;
      throw error;
    }));
  return {
    async request<T>(method: string, params: unknown[]): Promise<T> {
      if (closed) throw new NetworkError('RPC websocket closed: the mirror is stopping');
      return (await open()).request<T>(method, params);
    },
    close() {
      closed = true;
      void connection?.then((rpc) => rpc.close(), () => undefined);
      connection = undefined;
    },
  };
}

/** Positions + collateral; positions only when no RPC is configured (the engine warns once). */
export function whaleEquity(dataApi: Pick<DataApiClient, 'value'>, collateral?: (wallet: string) => Promise<Micros>): WhaleValueFetcher {
  return async (wallet) => {
    const [positions, cash] = await Promise.all([dataApi.value(wallet), collateral ? collateral(wallet) : Promise.resolve(0n)]);
    return positions + cash;
  };
}
