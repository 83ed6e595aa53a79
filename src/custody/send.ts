/**
 * One sponsored UserOperation from a Kernel account (session-key cash-outs, owner revocations): the
 * ZeroDev account client with gas prices and sponsorship that also work with a standard bundler and
 * ERC-7677 paymaster (gas.ts), the receipt awaited, and every failure translated into the error tree.
 */
import { createKernelAccountClient, createZeroDevPaymasterClient } from '@zerodev/sdk';
import { BaseError, HttpRequestError, TimeoutError, type Address, type Hex, type PublicClient } from 'viem';
import { WaitForUserOperationReceiptTimeoutError, type SmartAccount } from 'viem/account-abstraction';
import { BetmirrorError, ExchangeError, NetworkError } from '../core/errors.js';
import { chainFor, transportFor } from './clients.js';
import { feeEstimator, sponsorship, type GasPriceSource, type SponsorshipSource } from './gas.js';

export interface BundlerEndpoints {
  chainId: number;
  /** Execution RPC: nonce and account reads. */
  rpcUrl: string;
  /** ERC-4337 bundler, e.g. the ZeroDev project RPC. */
  bundlerUrl: string;
  /** Paymaster (ZeroDev or ERC-7677); defaults to bundlerUrl, as ZeroDev serves both there. */
  paymasterUrl?: string;
  fetch?: typeof fetch;
  /** How long to wait for inclusion; 0 returns right after the bundler accepted. Default 60 s. */
  receiptTimeoutMs?: number;
  pollingIntervalMs?: number;
}

export interface SentUserOperation {
  userOpHash: Hex;
  /** Set once the bundler reports the UserOperation included. */
  txHash?: Hex;
  gasPriceSource?: GasPriceSource;
  sponsorshipSource?: SponsorshipSource;
}

/** `what` names the operation in messages ("cash-out", "revocation"). */
export async function sendSponsoredUserOperation(
  what: string,
  account: SmartAccount,
  publicClient: PublicClient,
  calls: ReadonlyArray<{ to: Address; data: Hex; value?: bigint }>,
  endpoints: BundlerEndpoints,
): Promise<SentUserOperation> {
  let gasPriceSource: GasPriceSource | undefined;
  let sponsorshipSource: SponsorshipSource | undefined;
  const chain = chainFor(endpoints.chainId, endpoints.rpcUrl);
  try {
    const paymaster = createZeroDevPaymasterClient({ chain, transport: transportFor(endpoints.paymasterUrl ?? endpoints.bundlerUrl, endpoints.fetch) });
    const client = createKernelAccountClient({
      account,
      chain,
      client: publicClient,
      bundlerTransport: transportFor(endpoints.bundlerUrl, endpoints.fetch),
      paymaster: sponsorship(paymaster, (s) => (sponsorshipSource = s)),
      userOperation: { estimateFeesPerGas: feeEstimator(publicClient, (s) => (gasPriceSource = s)) },
      pollingInterval: endpoints.pollingIntervalMs,
    });
    const userOpHash = await client.sendUserOperation({ calls: calls.map((call) => ({ value: 0n, ...call })) });
    const sent: SentUserOperation = { userOpHash, gasPriceSource, sponsorshipSource };
    const timeout = endpoints.receiptTimeoutMs ?? 60_000;
    if (timeout === 0) return sent;
    try {
      const receipt = await client.waitForUserOperationReceipt({ hash: userOpHash, timeout, pollingInterval: endpoints.pollingIntervalMs });
      if (!receipt.success) {
        throw new ExchangeError(`the ${what} UserOperation was included but reverted: ${receipt.reason ?? 'no reason'}`, {
          info: { userOpHash, txHash: receipt.receipt.transactionHash },
        });
      }
      return { ...sent, txHash: receipt.receipt.transactionHash };
    } catch (error) {
      // Accepted but not yet seen included: the caller decides what that means (the hash lets one follow it).
      if (error instanceof WaitForUserOperationReceiptTimeoutError) return sent;
      throw error;
    }
  } catch (error) {
    throw translate(what, error);
  }
}

/** viem/bundler failures -> the error tree: transport trouble is retryable, a refusal is final. */
export function translate(what: string, error: unknown): unknown {
  if (error instanceof BetmirrorError) return error;
  if (error instanceof BaseError) {
    const transport = error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
    if (transport) return new NetworkError(`bundler or RPC unreachable: ${error.shortMessage}`, { cause: error });
    // AA22: outside the validity the policies returned (the key's expiry, or its rate limit's next slot).
    const timing = /AA22/.test(`${error.details ?? ''} ${error.shortMessage}`);
    // The bundler's own words (details) say why; viem's short message only says that it failed.
    return new ExchangeError(`the bundler refused the ${what}: ${error.details || error.shortMessage}`, {
      cause: error,
      info: { details: error.details },
      ...(timing ? { hint: "the session key's expiry or rate limit does not allow an operation now: wait for its next slot, or rotate the key" } : {}),
    });
  }
  return error;
}

