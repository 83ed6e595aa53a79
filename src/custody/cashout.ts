/**
 * Cash-out from the Kernel smart account with the session key: one sponsored UserOperation that
 * calls collateral.transfer(destination, amount). Everything that can be refused locally is refused
 * before the first network request: a destination outside the policy the owner signed (recomputed
 * from the approval, not read from a copy), another token, a session key that is not the approved one.
 */
import { createKernelAccountClient, createZeroDevPaymasterClient } from '@zerodev/sdk';
import {
  BaseError,
  encodeFunctionData,
  getAddress,
  HttpRequestError,
  isAddress,
  parseAbi,
  TimeoutError,
  type Address,
  type Hex,
} from 'viem';
import { WaitForUserOperationReceiptTimeoutError } from 'viem/account-abstraction';
import { AuthenticationError, BadInputError, ExchangeError, NetworkError } from '../core/errors.js';
import type { CashoutResult } from '../core/types.js';
import { chainFor, publicClientFor, transportFor } from './clients.js';
import { erc20TransferAbi } from './constants.js';
import { feeEstimator, sponsorship, type GasPriceSource, type SponsorshipSource } from './gas.js';
import { isoDate } from './permissions.js';
import { assertDestinationAllowed, decodeApprovalPolicy } from './policy.js';
import { assertSessionKeyMatches, loadSessionAccount } from './session.js';

export interface SmartAccountCashoutRequest {
  /** The owner's serialized approval (see approveSessionKey). */
  approval: string;
  /** The session key's private key (from the encrypted secret store). */
  sessionKey: Hex;
  token: Address;
  destination: Address;
  /** Token base units; for pUSD (6 decimals) these are micro-dollars (src/core/money.ts). */
  amount: bigint;
  chainId: number;
  /** Execution RPC: nonce and account reads. */
  rpcUrl: string;
  /** ERC-4337 bundler, e.g. the ZeroDev project RPC. */
  bundlerUrl: string;
  /** Paymaster (ZeroDev or ERC-7677); defaults to bundlerUrl, as ZeroDev serves both there. */
  paymasterUrl?: string;
  /** Extra local allow-list (e.g. the profile's configured cash-out addresses); narrows the policy. */
  allowedDestinations?: readonly Address[];
  /** The caller's clock (ms): an expired session key is refused here rather than by the chain. */
  nowMs: number;
  fetch?: typeof fetch;
  /** How long to wait for inclusion; 0 returns right after the bundler accepted. Default 60 s. */
  receiptTimeoutMs?: number;
  pollingIntervalMs?: number;
}

export interface SmartAccountCashoutResult {
  userOpHash: Hex;
  /** Set once the bundler reports the UserOperation included. */
  txHash?: Hex;
  smartAccount: Address;
  destination: Address;
  token: Address;
  amount: bigint;
  gasPriceSource?: GasPriceSource;
  sponsorshipSource?: SponsorshipSource;
}

/** What a cash-out will do, established locally (no network): for `cashout --dry-run` and as step one. */
export interface SmartAccountCashoutPlan {
  smartAccount: Address;
  sessionKeyAddress: Address;
  token: Address;
  destination: Address;
  amount: bigint;
}

/**
 * Every refusal that needs no network: a destination outside the approved policy (or the local
 * allow-list), another token, a non-positive amount, a session key that is not the approved one or
 * has expired, or an approval edited after the owner signed it (the policy is read from what the
 * owner signed).
 */
export async function planSmartAccountCashout(
  request: Pick<SmartAccountCashoutRequest, 'approval' | 'sessionKey' | 'token' | 'destination' | 'amount' | 'allowedDestinations' | 'chainId' | 'nowMs'>,
): Promise<SmartAccountCashoutPlan> {
  if (typeof request.amount !== 'bigint' || request.amount <= 0n) {
    throw new BadInputError('the cash-out amount must be a positive number of token units');
  }
  if (!isAddress(request.destination)) throw new BadInputError(`destination is not an address: ${request.destination}`);
  if (!isAddress(request.token)) throw new BadInputError(`token is not an address: ${request.token}`);
  const destination = getAddress(request.destination);
  const token = getAddress(request.token);
  const { policy, sessionKeyAddress } = await assertSessionKeyMatches(request.approval, request.sessionKey, request.chainId);
  const now = Math.floor(request.nowMs / 1000);
  if (policy.validUntil !== undefined && now > policy.validUntil) {
    throw new AuthenticationError(`the session key ${sessionKeyAddress} expired on ${isoDate(policy.validUntil)}: nothing was sent`, {
      hint: 'run `betmirror auth --smart-account --rotate` with the owner key to approve a new session key',
    });
  }
  assertDestinationAllowed(policy, token, destination, request.allowedDestinations);
  return { smartAccount: policy.smartAccount, sessionKeyAddress, token, destination, amount: request.amount };
}

export async function cashoutViaSmartAccount(request: SmartAccountCashoutRequest): Promise<SmartAccountCashoutResult> {
  const { token, destination } = await planSmartAccountCashout(request);

  // ---- network ----
  let gasPriceSource: GasPriceSource | undefined;
  let sponsorshipSource: SponsorshipSource | undefined;
  const chain = chainFor(request.chainId, request.rpcUrl);
  const publicClient = publicClientFor(request);
  try {
    const account = await loadSessionAccount(publicClient, request.approval, request.sessionKey);
    const paymaster = createZeroDevPaymasterClient({
      chain,
      transport: transportFor(request.paymasterUrl ?? request.bundlerUrl, request.fetch),
    });
    const client = createKernelAccountClient({
      account,
      chain,
      client: publicClient,
      bundlerTransport: transportFor(request.bundlerUrl, request.fetch),
      paymaster: sponsorship(paymaster, (s) => (sponsorshipSource = s)),
      userOperation: { estimateFeesPerGas: feeEstimator(publicClient, (s) => (gasPriceSource = s)) },
      pollingInterval: request.pollingIntervalMs,
    });
    const userOpHash = await client.sendUserOperation({
      calls: [
        {
          to: token,
          value: 0n,
          data: encodeFunctionData({ abi: erc20TransferAbi, functionName: 'transfer', args: [destination, request.amount] }),
        },
      ],
    });
    const result: SmartAccountCashoutResult = {
      userOpHash,
      smartAccount: account.address,
      destination,
      token,
      amount: request.amount,
      gasPriceSource,
      sponsorshipSource,
    };
    const timeout = request.receiptTimeoutMs ?? 60_000;
    if (timeout === 0) return result;
    try {
      const receipt = await client.waitForUserOperationReceipt({
        hash: userOpHash,
        timeout,
        pollingInterval: request.pollingIntervalMs,
      });
      if (!receipt.success) {
        throw new ExchangeError(`the cash-out UserOperation was included but reverted: ${receipt.reason ?? 'no reason'}`, {
          info: { userOpHash, txHash: receipt.receipt.transactionHash },
        });
      }
      return { ...result, txHash: receipt.receipt.transactionHash };
    } catch (error) {
      // Accepted but not yet seen included: report the UserOperation hash so the caller can follow it.
      if (error instanceof WaitForUserOperationReceiptTimeoutError) return result;
      throw error;
    }
  } catch (error) {
    throw translate(error);
  }
}

/** The adapter-facing shape (src/core/types.ts); until inclusion the UserOperation hash stands in. */
export function toCashoutResult(result: SmartAccountCashoutResult): CashoutResult {
  return {
    txHash: result.txHash ?? result.userOpHash,
    amount: result.amount,
    destination: result.destination,
    method: 'user-operation',
    info: {
      userOpHash: result.userOpHash,
      included: result.txHash !== undefined,
      smartAccount: result.smartAccount,
      gasPriceSource: result.gasPriceSource,
      sponsorshipSource: result.sponsorshipSource,
    },
  };
}

/** The smart account's collateral balance in token units (for `cashout --amount all`). */
export async function fetchSmartAccountBalance(request: {
  approval: string;
  chainId: number;
  rpcUrl: string;
  token?: Address;
  fetch?: typeof fetch;
}): Promise<bigint> {
  const policy = decodeApprovalPolicy(request.approval);
  try {
    return await publicClientFor(request).readContract({
      address: request.token ?? policy.collateral,
      abi: parseAbi(['function balanceOf(address) view returns (uint256)']),
      functionName: 'balanceOf',
      args: [policy.smartAccount],
    });
  } catch (error) {
    throw translate(error);
  }
}

/** viem/bundler failures -> the error tree: transport trouble is retryable, a refusal is final. */
function translate(error: unknown): unknown {
  if (error instanceof BadInputError || error instanceof ExchangeError || error instanceof NetworkError) return error;
  if (error instanceof BaseError) {
    const transport = error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
    if (transport) return new NetworkError(`bundler or RPC unreachable: ${error.shortMessage}`, { cause: error });
    // AA22: outside the validity the policies returned (the key's expiry, or its rate limit's next slot).
    const timing = /AA22/.test(`${error.details ?? ''} ${error.shortMessage}`);
    // The bundler's own words (details) say why; viem's short message only says that it failed.
    return new ExchangeError(`the bundler refused the cash-out: ${error.details || error.shortMessage}`, {
      cause: error,
      info: { details: error.details },
      ...(timing ? { hint: "the session key's expiry or rate limit does not allow an operation now: wait for its next slot, or rotate the key" } : {}),
    });
  }
  return error;
}
