/**
 * Cash-out from the Kernel smart account with the session key: one sponsored UserOperation that
 * calls collateral.transfer(destination, amount). Everything that can be refused locally is refused
 * before the first network request: a destination outside the policy the owner signed (recomputed
 * from the approval, not read from a copy), another token, a session key that is not the approved one.
 */
import { encodeFunctionData, getAddress, isAddress, parseAbi, type Address, type Hex } from 'viem';
import { AuthenticationError, BadInputError } from '../core/errors.js';
import type { CashoutResult } from '../core/types.js';
import { publicClientFor } from './clients.js';
import { erc20TransferAbi } from './constants.js';
import type { GasPriceSource, SponsorshipSource } from './gas.js';
import { isoDate } from './permissions.js';
import { assertDestinationAllowed, decodeApprovalPolicy } from './policy.js';
import { sendSponsoredUserOperation, translate, type BundlerEndpoints } from './send.js';
import { assertSessionKeyMatches, loadSessionAccount } from './session.js';

export interface SmartAccountCashoutRequest extends BundlerEndpoints {
  /** The owner's serialized approval (see approveSessionKey). */
  approval: string;
  /** The session key's private key (from the encrypted secret store). */
  sessionKey: Hex;
  token: Address;
  destination: Address;
  /** Token base units; for pUSD (6 decimals) these are micro-dollars (src/core/money.ts). */
  amount: bigint;
  /** Extra local allow-list (e.g. the profile's configured cash-out addresses); narrows the policy. */
  allowedDestinations?: readonly Address[];
  /** The caller's clock (ms): an expired session key is refused here rather than by the chain. */
  nowMs: number;
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
  const publicClient = publicClientFor(request);
  const account = await loadSessionAccount(publicClient, request.approval, request.sessionKey).catch((error: unknown) => {
    throw translate('cash-out', error);
  });
  const transfer = encodeFunctionData({ abi: erc20TransferAbi, functionName: 'transfer', args: [destination, request.amount] });
  const sent = await sendSponsoredUserOperation('cash-out', account, publicClient, [{ to: token, data: transfer }], request);
  return { ...sent, smartAccount: account.address, destination, token, amount: request.amount };
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
    throw translate('balance read', error);
  }
}
