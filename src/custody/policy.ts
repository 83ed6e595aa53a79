/**
 * The session key's policy: what the owner signs once, and what this machine reads back to refuse a
 * request before anything is sent. Both directions live here so they cannot drift apart.
 *
 * Why a signature-caller policy and not the permission flag: Kernel v3 can refuse EIP-1271 for a
 * whole permission (permission flag NOT_FOR_VALIDATE_SIG, checked in Kernel.isValidSignature), but
 * the installed @zerodev/permissions (5.6.x) does not serialize that flag: deserializePermissionAccount
 * rebuilds the permission with the default flag, so the bot's enable data would differ from what the
 * owner signed and every UserOperation would revert. A SignatureCallerPolicy with an EMPTY caller list
 * round-trips through the serialized approval and gives the same guarantee on chain: its
 * checkSignaturePolicy returns 1 for every caller, Kernel's _checkPermissionPolicy reverts with
 * PolicyFailed, so no contract (a venue's exchange included) accepts a signature made by the session
 * key for the account. Its checkUserOpPolicy always passes, so UserOperations are unaffected.
 */
import {
  CallPolicyVersion,
  ParamCondition,
  toCallPolicy,
  toSignatureCallerPolicy,
} from '@zerodev/permissions/policies';
import type { Policy } from '@zerodev/permissions';
import { getAddress, isAddress, isAddressEqual, slice, zeroAddress, type Address, type Hex } from 'viem';
import { BadInputError } from '../core/errors.js';
import { APPROVE_SELECTOR, erc20TransferAbi, TRANSFER_SELECTOR } from './constants.js';

/** What a session key is allowed to do, read from (or about to be written into) an approval. */
export interface SessionPolicy {
  smartAccount: Address;
  /** 4-byte id of the permission inside the Kernel account (part of every UserOperation nonce key). */
  permissionId: Hex;
  collateral: Address;
  /** `transfer(to, amount)` on the collateral is allowed only for these `to`. */
  transferDestinations: Address[];
  /** `approve(spender, amount)` on the collateral is allowed only for these spenders. */
  approveSpenders: Address[];
  /** true when a signature-caller policy with no allowed caller blocks EIP-1271 signing. */
  signaturesBlocked: boolean;
  /** false when the permission has no call policy at all: the key could then call anything. */
  callsRestricted: boolean;
  /** Calls the policy allows that are none of the above (empty for approvals made by this module). */
  otherCalls: Array<{ target: Address; selector: Hex }>;
}

export interface PolicyInput {
  collateral: Address;
  cashoutDestinations: readonly Address[];
  exchangeSpenders: readonly Address[];
}

export function buildSessionPolicies(input: PolicyInput): Policy[] {
  const collateral = checkedAddress(input.collateral, 'collateral token');
  const destinations = checkedList(input.cashoutDestinations, 'cashout destination');
  const spenders = checkedList(input.exchangeSpenders, 'exchange contract');
  return [
    toCallPolicy({
      policyVersion: CallPolicyVersion.V0_0_4,
      permissions: [
        {
          target: collateral,
          abi: erc20TransferAbi,
          functionName: 'transfer',
          args: [{ condition: ParamCondition.ONE_OF, value: destinations }, null],
        },
        {
          target: collateral,
          abi: erc20TransferAbi,
          functionName: 'approve',
          args: [{ condition: ParamCondition.ONE_OF, value: spenders }, null],
        },
      ],
    }),
    toSignatureCallerPolicy({ allowedCallers: [] }),
  ];
}

/** The approval string's JSON (the subset this module reads). */
interface SerializedApproval {
  permissionParams?: {
    permissionId?: Hex;
    policies?: Array<{ policyParams?: SerializedPolicyParams }>;
  };
  accountParams?: { accountAddress?: Address; initCode?: Hex };
  enableSignature?: Hex;
  privateKey?: unknown;
}

type SerializedPolicyParams =
  | { type: 'call'; permissions?: SerializedPermission[] }
  | { type: 'signature-caller'; allowedCallers?: Address[] }
  | { type: string };

interface SerializedPermission {
  target: Address;
  selector?: Hex;
  valueLimit?: string | number;
  rules?: Array<{ condition: number; offset: number; params: Hex | Hex[] }>;
}

/**
 * Reads the policy out of an approval string without any network access. Throws BadInputError when the
 * string is not an approval or carries a key (approvals made here never embed the session key).
 */
export function decodeApprovalPolicy(approval: string): SessionPolicy {
  const parsed = parseApproval(approval);
  const account = parsed.accountParams?.accountAddress;
  const permissionId = parsed.permissionParams?.permissionId;
  const policies = parsed.permissionParams?.policies;
  if (!account || !isAddress(account) || !permissionId || !Array.isArray(policies)) {
    throw new BadInputError('the smart-account approval is incomplete', {
      hint: 'approve the session key again with `betmirror auth --smart-account`',
    });
  }
  if (parsed.privateKey) {
    throw new BadInputError('the smart-account approval embeds a private key; refusing to use it', {
      hint: 'approve a session key by address only (`betmirror auth --smart-account`)',
    });
  }
  const policy: SessionPolicy = {
    smartAccount: getAddress(account),
    permissionId,
    collateral: zeroAddress,
    transferDestinations: [],
    approveSpenders: [],
    signaturesBlocked: false,
    callsRestricted: false,
    otherCalls: [],
  };
  for (const { policyParams } of policies) {
    if (policyParams?.type === 'signature-caller') {
      const callers = (policyParams as { allowedCallers?: Address[] }).allowedCallers ?? [];
      policy.signaturesBlocked = callers.length === 0;
    } else if (policyParams?.type === 'call') {
      policy.callsRestricted = true;
      readCallPermissions((policyParams as { permissions?: SerializedPermission[] }).permissions ?? [], policy);
    }
  }
  return policy;
}

function readCallPermissions(permissions: SerializedPermission[], policy: SessionPolicy): void {
  for (const permission of permissions) {
    const selector = (permission.selector ?? '0x').toLowerCase() as Hex;
    const firstArg = oneOfFirstArgument(permission);
    const nativeValue = BigInt(permission.valueLimit ?? 0);
    if (firstArg && nativeValue === 0n && (selector === TRANSFER_SELECTOR || selector === APPROVE_SELECTOR)) {
      // The first token-scoped rule names the collateral; rules on any other token count as other calls.
      if (policy.collateral === zeroAddress) policy.collateral = getAddress(permission.target);
      if (isAddressEqual(policy.collateral, permission.target)) {
        const list = selector === TRANSFER_SELECTOR ? policy.transferDestinations : policy.approveSpenders;
        list.push(...firstArg);
        continue;
      }
    }
    policy.otherCalls.push({ target: getAddress(permission.target), selector });
  }
}

/** The addresses a rule pins the first argument to, or undefined when the argument is not pinned. */
function oneOfFirstArgument(permission: SerializedPermission): Address[] | undefined {
  const rule = permission.rules?.find((r) => r.offset === 0);
  if (!rule) return undefined;
  if (rule.condition !== ParamCondition.ONE_OF && rule.condition !== ParamCondition.EQUAL) return undefined;
  const words = Array.isArray(rule.params) ? rule.params : [rule.params];
  return words.map((word) => getAddress(slice(word, 12, 32)));
}

export function parseApproval(approval: string): SerializedApproval {
  try {
    return JSON.parse(Buffer.from(approval.trim(), 'base64').toString('utf8')) as SerializedApproval;
  } catch (cause) {
    throw new BadInputError('the smart-account approval is not readable', {
      cause,
      hint: 'approve the session key again with `betmirror auth --smart-account`',
    });
  }
}

/** Refuses, locally, a cashout destination the on-chain policy would refuse. */
export function assertDestinationAllowed(
  policy: SessionPolicy,
  token: Address,
  destination: Address,
  allowedDestinations?: readonly Address[],
): void {
  if (!isAddressEqual(policy.collateral, token)) {
    throw new BadInputError(`the session key may only move ${policy.collateral}, not ${token}`);
  }
  const inPolicy = policy.transferDestinations.some((a) => isAddressEqual(a, destination));
  const inConfig = allowedDestinations === undefined || allowedDestinations.some((a) => isAddressEqual(a, destination));
  if (!inPolicy || !inConfig) {
    const allowed = policy.transferDestinations.join(', ') || 'none';
    throw new BadInputError(`cash-out to ${destination} is outside the session key's policy (allowed: ${allowed})`, {
      hint: 'cash out to an approved address, or have the owner approve a new session key with that destination',
    });
  }
}

function checkedAddress(value: string, what: string): Address {
  if (!isAddress(value)) throw new BadInputError(`${what} is not an address: ${value}`);
  return getAddress(value);
}

function checkedList(values: readonly string[], what: string): Address[] {
  if (values.length === 0) throw new BadInputError(`at least one ${what} is required`);
  return [...new Set(values.map((v) => checkedAddress(v, what)))];
}
