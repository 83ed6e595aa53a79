/** viem clients for a chain given only by id and RPC URL, with the caller's fetch (nothing global). */
import { createPublicClient, defineChain, http, type Chain, type PublicClient, type Transport } from 'viem';

export interface RpcEndpoint {
  chainId: number;
  rpcUrl: string;
  fetch?: typeof fetch;
}

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: 'native', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export function transportFor(url: string, fetchFn?: typeof fetch): Transport {
  return http(url, fetchFn ? { fetchFn } : undefined);
}

export function publicClientFor(endpoint: RpcEndpoint): PublicClient {
  return createPublicClient({
    chain: chainFor(endpoint.chainId, endpoint.rpcUrl),
    transport: transportFor(endpoint.rpcUrl, endpoint.fetch),
  });
}
