/**
 * A followed wallet's equity for proportional sizing: the value of its positions (Data API `/value`)
 * plus its collateral, the pUSD it holds on Polygon. `/value` alone counts positions only: a whale
 * with $100 in positions and $9,900 in cash who bets $100 bets 1% of its book, not 100%.
 */
import { createPublicClient, http, parseAbi, type Address } from 'viem';
import type { Micros } from '../core/money.js';
import type { DataApiClient } from './sources/data-api.js';
import type { WhaleValueFetcher } from './whale-balance-cache.js';

/** Polymarket's collateral on Polygon (VENUES.md 1.4; the same address as src/exchanges/polymarket/chain.ts). */
export const PUSD_ADDRESS: Address = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';
const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

export interface WhaleCollateralSource {
  rpcUrl: string;
  fetch?: typeof fetch;
  /** The collateral token (default pUSD). */
  token?: Address;
}

/** pUSD (micro-units: 6 decimals) held by `wallet`, read with eth_call balanceOf. */
export function collateralReader(source: WhaleCollateralSource): (wallet: string) => Promise<Micros> {
  const client = createPublicClient({ transport: http(source.rpcUrl, source.fetch ? { fetchFn: source.fetch } : {}) });
  return (wallet) => client.readContract({ address: source.token ?? PUSD_ADDRESS, abi: balanceOfAbi, functionName: 'balanceOf', args: [wallet as Address] });
}

/** Positions + collateral; positions only when no RPC is configured (the engine warns once). */
export function whaleEquity(dataApi: Pick<DataApiClient, 'value'>, collateral?: (wallet: string) => Promise<Micros>): WhaleValueFetcher {
  return async (wallet) => {
    const [positions, cash] = await Promise.all([dataApi.value(wallet), collateral ? collateral(wallet) : Promise.resolve(0n)]);
    return positions + cash;
  };
}
