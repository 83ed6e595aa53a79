/**
 * Polygon access for what the CLOB does not do: reading collateral on chain and the EOA-mode cashout
 * (a plain pUSD transfer signed by the key). JSON-RPC goes through the injected fetch, or over a
 * websocket when POLYGON_RPC_URL is ws(s):// (the on-chain trade source prefers one: one URL serves both).
 */
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  http,
  keccak256,
  webSocket,
  parseAbi,
  type Chain,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { failedBeforeSending, outcomeUnknown, transportReason } from './errors.js';

/** Polymarket's collateral, pUSD (6 decimals), on Polygon and Amoy (VENUES 1.4). */
export const PUSD: `0x${string}` = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';

export const erc20Abi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function transfer(address to, uint256 value) returns (bool)',
]);

export function transferCalldata(destination: `0x${string}`, amount: bigint): `0x${string}` {
  return encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [destination, amount] });
}

export function polygonChain(chainId: number, rpcUrl: string): Chain {
  return {
    id: chainId,
    name: chainId === 137 ? 'Polygon' : 'Polygon Amoy',
    nativeCurrency: { name: 'POL', symbol: 'POL', decimals: 18 },
    rpcUrls: rpcUrl.startsWith('ws') ? { default: { http: [], webSocket: [rpcUrl] } } : { default: { http: [rpcUrl] } },
  };
}

export class PolygonRpc {
  readonly publicClient: PublicClient;
  private readonly chain: Chain;

  constructor(
    private readonly rpcUrl: string,
    chainId: number,
    private readonly fetchFn: typeof fetch,
  ) {
    this.chain = polygonChain(chainId, rpcUrl);
    this.publicClient = createPublicClient({ chain: this.chain, transport: this.transport() });
  }

  private transport() {
    // No retries either way: a resent transaction could be sent twice (a lost answer is OutcomeUnknown).
    if (/^wss?:\/\//.test(this.rpcUrl)) return webSocket(this.rpcUrl, { retryCount: 0, reconnect: false });
    return http(this.rpcUrl, { fetchFn: this.fetchFn, retryCount: 0 });
  }

  /** Closes the websocket, if this RPC opened one (an http RPC holds nothing open). */
  async close(): Promise<void> {
    const transport = this.publicClient.transport as { getRpcClient?: () => Promise<{ close(): void }> };
    if (!transport.getRpcClient || !/^wss?:\/\//.test(this.rpcUrl)) return;
    // A socket that never opened has nothing to close; that failure is not the caller's result.
    const client = await transport.getRpcClient().catch(() => undefined);
    client?.close();
  }

  collateralOf(owner: `0x${string}`): Promise<bigint> {
    return this.publicClient.readContract({ address: PUSD, abi: erc20Abi, functionName: 'balanceOf', args: [owner] });
  }

  /**
   * Signs pUSD.transfer locally (so its hash is known before sending), sends it, and resolves once mined
   * successfully. Once the raw transaction has left, a lost answer is OutcomeUnknownError naming the hash.
   */
  async transferCollateral(privateKey: `0x${string}`, destination: `0x${string}`, amount: bigint): Promise<`0x${string}`> {
    const wallet = createWalletClient({ account: privateKeyToAccount(privateKey), chain: this.chain, transport: this.transport() });
    const prepared = await wallet.prepareTransactionRequest({ to: PUSD, data: transferCalldata(destination, amount) });
    const serializedTransaction = await wallet.signTransaction(prepared);
    const hash = keccak256(serializedTransaction);
    const unknown = (error: unknown) =>
      outcomeUnknown('sending the pUSD transfer', transportReason(error), {
        hint: `transaction ${hash} may have been mined: look it up on polygonscan (or check the balance) before cashing out again`,
        info: { transactionHash: hash },
        cause: error,
      });
    try {
      await this.publicClient.sendRawTransaction({ serializedTransaction });
    } catch (error) {
      // A node that answered (e.g. "insufficient funds") refused it; only a lost answer leaves it unknown.
      if (isTransportFailure(error) && !failedBeforeSending(error)) throw unknown(error);
      throw error;
    }
    let receipt;
    try {
      receipt = await this.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 250 });
    } catch (error) {
      throw unknown(error);
    }
    if (receipt.status !== 'success') throw new Error(`transfer ${hash} reverted`);
    return hash;
  }
}

/** viem's errors for a request that got no JSON-RPC answer (connection lost, timeout, HTTP 5xx). */
function isTransportFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const { name, status } = current as { name?: unknown; status?: unknown };
    if (name === 'TimeoutError') return true;
    if (name === 'HttpRequestError') return status === undefined || (typeof status === 'number' && status >= 500);
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
