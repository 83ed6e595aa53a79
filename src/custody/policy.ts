/**
 * The session key's policy: what the owner signs once, and what this machine reads back to refuse a
 * request before anything is sent. Both directions live here so they cannot drift apart. Reading goes
 * through the same bytes the account installs: the policies are rebuilt from the approval as
 * deserializePermissionAccount rebuilds them, and their enable data is decoded, never the JSON copy of
 * the rules beside it (verify.ts then checks that the owner signed exactly those bytes).
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
  CALL_POLICY_CONTRACT_V0_0_4,
  PolicyFlags,
  RATE_LIMIT_POLICY_CONTRACT,
  SIGNATURE_POLICY_CONTRACT,
  TIMESTAMP_POLICY_CONTRACT,
  type Policy,
} from '@zerodev/permissions';
import {
  CallPolicyVersion,
  ParamCondition,
  toCallPolicy,
  toRateLimitPolicy,
  toSignatureCallerPolicy,
  toTimestampPolicy,
  type CallPolicyParams,
  type RateLimitPolicyParams,
  type SignatureCallerPolicyParams,
  type TimestampPolicyParams,
} from '@zerodev/permissions/policies';
import { decodeAbiParameters, getAddress, hexToNumber, isAddress, isAddressEqual, size, slice, zeroAddress, type Address, type Hex } from 'viem';
import { BadInputError } from '../core/errors.js';
import { APPROVE_SELECTOR, erc20TransferAbi, TRANSFER_SELECTOR } from './constants.js';
import type { RateLimit, SessionLimits } from './limits.js';

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
  /** TimestampPolicy: unix seconds the key is valid from / until (undefined: no timestamp policy). */
  validAfter?: number;
  validUntil?: number;
  /** RateLimitPolicy, when present. */
  rateLimit?: RateLimit;
}

export interface PolicyInput {
  collateral: Address;
  cashoutDestinations: readonly Address[];
  exchangeSpenders: readonly Address[];
  /** Expiry and rate limit; without them the key is unlimited in time (approvals made before 0.2). */
  limits?: SessionLimits;
}

export function buildSessionPolicies(input: PolicyInput): Policy[] {
  const collateral = checkedAddress(input.collateral, 'collateral token');
  const destinations = checkedList(input.cashoutDestinations, 'cashout destination');
  const spenders = checkedList(input.exchangeSpenders, 'exchange contract');
  const limits = input.limits
    ? [toTimestampPolicy({ validAfter: 0, validUntil: input.limits.validUntil }), toRateLimitPolicy({ ...input.limits.rateLimit })]
    : [];
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
    ...limits,
  ];
}

/** The approval string's JSON (the subset this module reads). */
export interface SerializedApproval {
  permissionParams?: {
    permissionId?: Hex;
    policies?: Array<{ policyParams?: { type?: string } }>;
  };
  action?: { selector: Hex; address: Address; hook?: { address: Address } };
  accountParams?: { accountAddress?: Address; initCode?: Hex };
  enableSignature?: Hex;
  isPreInstalled?: boolean;
  privateKey?: unknown;
  /** Added by approveSessionKey: Kernel's validator nonce the owner signed the enable data for. */
  betmirror?: { validatorNonce?: number };
}

const AGAIN = 'approve the session key again with `betmirror auth --smart-account`';

export function parseApproval(approval: string): SerializedApproval {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(approval.trim(), 'base64').toString('utf8'));
  } catch (cause) {
    throw new BadInputError('the smart-account approval is not readable', { cause, hint: AGAIN });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new BadInputError('the smart-account approval is not readable', { hint: AGAIN });
  return parsed as SerializedApproval;
}

/** The approval's account and permission id, and its policies rebuilt as the account will install them. */
export function readApproval(parsed: SerializedApproval): { smartAccount: Address; permissionId: Hex; policies: Policy[] } {
  const account = parsed.accountParams?.accountAddress;
  const permissionId = parsed.permissionParams?.permissionId;
  const serialized = parsed.permissionParams?.policies;
  if (!account || !isAddress(account) || !permissionId || !/^0x[0-9a-fA-F]{8}$/.test(permissionId) || !Array.isArray(serialized)) {
    throw new BadInputError('the smart-account approval is incomplete', { hint: AGAIN });
  }
  if (parsed.privateKey) {
    throw new BadInputError('the smart-account approval embeds a private key; refusing to use it', {
      hint: 'approve a session key by address only (`betmirror auth --smart-account`)',
    });
  }
  return { smartAccount: getAddress(account), permissionId: permissionId.toLowerCase() as Hex, policies: serialized.map(({ policyParams }) => rebuildPolicy(policyParams)) };
}

/** createPolicyFromParams, for the policy kinds approvals made here contain; any other kind is refused. */
function rebuildPolicy(params: { type?: string } | undefined): Policy {
  try {
    if (params?.type === 'call') return toCallPolicy(params as CallPolicyParams);
    if (params?.type === 'signature-caller') return toSignatureCallerPolicy(params as SignatureCallerPolicyParams);
    if (params?.type === 'timestamp') return toTimestampPolicy(params as TimestampPolicyParams);
    if (params?.type === 'rate-limit') return toRateLimitPolicy(params as RateLimitPolicyParams);
  } catch (cause) {
    throw new BadInputError(`the smart-account approval holds an unreadable ${params?.type} policy`, { cause, hint: AGAIN });
  }
  throw new BadInputError(`the smart-account approval holds a policy this version does not use: ${params?.type}`, { hint: AGAIN });
}

/**
 * Reads the policy out of an approval string without any network access or signature check (for
 * descriptions; refusals go through verifyApproval). Throws BadInputError when the string is not an
 * approval or carries a key (approvals made here never embed the session key).
 */
export function decodeApprovalPolicy(approval: string): SessionPolicy {
  const { smartAccount, permissionId, policies } = readApproval(parseApproval(approval));
  return readSessionPolicy(policies, smartAccount, permissionId);
}

/** The policy as the account will enforce it: decoded from each policy's install data. */
export function readSessionPolicy(policies: readonly Policy[], smartAccount: Address, permissionId: Hex): SessionPolicy {
  const policy: SessionPolicy = {
    smartAccount,
    permissionId,
    collateral: zeroAddress,
    transferDestinations: [],
    approveSpenders: [],
    signaturesBlocked: false,
    callsRestricted: false,
    otherCalls: [],
  };
  for (const installed of policies) {
    const info = installed.getPolicyInfoInBytes();
    const [flag, module, data] = [slice(info, 0, 2), getAddress(slice(info, 2, 22)), installed.getPolicyData()];
    // Another flag exempts the policy from UserOperations or signatures: not what it reads as.
    if (flag !== PolicyFlags.FOR_ALL_VALIDATION) {
      throw new BadInputError(`the smart-account approval flags its policy ${module} with ${flag}; approvals made here never do`, { hint: AGAIN });
    }
    if (isAddressEqual(module, CALL_POLICY_CONTRACT_V0_0_4)) {
      policy.callsRestricted = true;
      readCallPermissions(data, policy);
    } else if (isAddressEqual(module, SIGNATURE_POLICY_CONTRACT)) {
      const [callers] = decodeAbiParameters([{ type: 'address[]' }], data);
      policy.signaturesBlocked = callers.length === 0;
    } else if (isAddressEqual(module, TIMESTAMP_POLICY_CONTRACT)) {
      // Kernel intersects every policy's validity: the latest start and the earliest end win.
      const [validAfter, validUntil] = decodeAbiParameters([{ type: 'uint48' }, { type: 'uint48' }], data);
      policy.validAfter = Math.max(policy.validAfter ?? 0, validAfter);
      if (validUntil !== 0) policy.validUntil = Math.min(policy.validUntil ?? validUntil, validUntil);
    } else if (isAddressEqual(module, RATE_LIMIT_POLICY_CONTRACT)) {
      if (size(data) !== 18 || policy.rateLimit) throw new BadInputError('the smart-account approval holds a rate limit this version cannot read', { hint: AGAIN });
      const field = (index: number) => hexToNumber(slice(data, index * 6, index * 6 + 6));
      policy.rateLimit = { interval: field(0), count: field(1), startAt: field(2) };
    } else {
      throw new BadInputError(`the smart-account approval installs a policy module this version does not know: ${module}`, { hint: AGAIN });
    }
  }
  return policy;
}

const CALL_PERMISSIONS = [
  {
    type: 'tuple[]',
    components: [
      { name: 'callType', type: 'bytes1' },
      { name: 'target', type: 'address' },
      { name: 'selector', type: 'bytes4' },
      { name: 'valueLimit', type: 'uint256' },
      {
        name: 'rules',
        type: 'tuple[]',
        components: [
          { name: 'condition', type: 'uint8' },
          { name: 'offset', type: 'uint64' },
          { name: 'params', type: 'bytes32[]' },
        ],
      },
    ],
  },
] as const;

/** CallPolicy v0.0.4's install data: one (callType, target, selector, valueLimit, rules) per permission. */
function readCallPermissions(data: Hex, policy: SessionPolicy): void {
  const [permissions] = decodeAbiParameters(CALL_PERMISSIONS, data);
  for (const permission of permissions) {
    const selector = permission.selector.toLowerCase() as Hex;
    const firstArg = pinnedFirstArgument(permission.rules);
    const plainCall = permission.callType === '0x00' && permission.valueLimit === 0n;
    if (firstArg && plainCall && (selector === TRANSFER_SELECTOR || selector === APPROVE_SELECTOR)) {
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
function pinnedFirstArgument(rules: readonly { condition: number; offset: bigint; params: readonly Hex[] }[]): Address[] | undefined {
  const rule = rules.find((r) => r.offset === 0n);
  if (!rule) return undefined;
  if (rule.condition !== ParamCondition.ONE_OF && rule.condition !== ParamCondition.EQUAL) return undefined;
  return rule.params.map((word) => getAddress(slice(word, 12, 32)));
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
