/**
 * Gas price and sponsorship that work with ZeroDev's endpoints AND with a standard ERC-4337
 * bundler / ERC-7677 paymaster. createKernelAccountClient asks ZeroDev's own
 * `zd_getUserOperationGasPrice` by default (VENUES.md 5), which a standard bundler does not know;
 * we try it, then Pimlico-style bundlers' method, then price from the chain's own RPC.
 */
import type { Client, Hex, PublicClient } from 'viem';
import type { GetPaymasterDataParameters, GetPaymasterStubDataParameters } from 'viem/account-abstraction';
import { getPaymasterData, getPaymasterStubData } from 'viem/account-abstraction';
import { estimateFeesPerGas } from 'viem/actions';
import { sponsorUserOperation, type ZeroDevPaymasterClient } from '@zerodev/sdk';

export interface FeesPerGas {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** How the fees of the last UserOperation were found (reported to the caller). */
export type GasPriceSource = 'zerodev' | 'pimlico' | 'chain';

/** JSON-RPC "method not found" / "not supported": the endpoint is not of that family, try the next. */
export function isUnsupportedMethod(error: unknown): boolean {
  for (let e = error as { code?: number; cause?: unknown; details?: string } | undefined; e; e = e.cause as typeof e) {
    if (e.code === -32601 || e.code === -32004) return true;
    if (typeof e.details === 'string' && /method .*(not found|not supported|does not exist)/i.test(e.details)) return true;
  }
  return false;
}

type GasPriceTiers = Record<'slow' | 'standard' | 'fast', { maxFeePerGas: Hex; maxPriorityFeePerGas: Hex }>;

/**
 * userOperation.estimateFeesPerGas for createKernelAccountClient. `onSource` learns which path answered.
 */
export function feeEstimator(rpc: PublicClient, onSource?: (source: GasPriceSource) => void) {
  return async ({ bundlerClient }: { bundlerClient: Client }): Promise<FeesPerGas> => {
    for (const [method, source] of [
      ['zd_getUserOperationGasPrice', 'zerodev'],
      ['pimlico_getUserOperationGasPrice', 'pimlico'],
    ] as const) {
      try {
        const tiers = (await bundlerClient.request({ method, params: [] } as never)) as GasPriceTiers;
        onSource?.(source);
        return {
          maxFeePerGas: BigInt(tiers.standard.maxFeePerGas),
          maxPriorityFeePerGas: BigInt(tiers.standard.maxPriorityFeePerGas),
        };
      } catch (error) {
        if (!isUnsupportedMethod(error)) throw error;
      }
    }
    // Same margin viem applies when a bundler gives no price: bundlers refuse fees below their floor,
    // and with a paymaster the sponsor, not the user, pays the difference.
    const fees = await estimateFeesPerGas(rpc, { chain: rpc.chain, type: 'eip1559' });
    onSource?.('chain');
    return { maxFeePerGas: 2n * fees.maxFeePerGas, maxPriorityFeePerGas: 2n * fees.maxPriorityFeePerGas };
  };
}

/** Which paymaster protocol answered: ZeroDev's zd_sponsorUserOperation or ERC-7677 pm_*. */
export type SponsorshipSource = 'zerodev' | 'erc7677';

/**
 * The `paymaster` option of createKernelAccountClient. ZeroDev's sponsorUserOperation returns final
 * paymaster fields and gas limits in one call, so it is reported as final (`isFinal`) at the stub step;
 * an ERC-7677 paymaster gets the usual stub -> estimate -> data sequence.
 */
export function sponsorship(paymaster: ZeroDevPaymasterClient, onSource?: (source: SponsorshipSource) => void) {
  return {
    async getPaymasterStubData(parameters: GetPaymasterStubDataParameters) {
      try {
        const sponsored = await sponsorUserOperation(paymaster, { userOperation: parameters as GetPaymasterDataParameters });
        onSource?.('zerodev');
        return { ...sponsored, isFinal: true } as Awaited<ReturnType<typeof getPaymasterStubData>>;
      } catch (error) {
        if (!isUnsupportedMethod(error)) throw error;
      }
      onSource?.('erc7677');
      return getPaymasterStubData(paymaster, parameters);
    },
    getPaymasterData: (parameters: GetPaymasterDataParameters) => getPaymasterData(paymaster, parameters),
  };
}
