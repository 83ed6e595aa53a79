/**
 * What the session key may and may not do, for the adapter's validatePermissions, and the refusal of
 * the seed's "hybrid" order signing (VENUES.md 2).
 */
import { getAddress, isAddressEqual, type Address } from 'viem';
import { AuthenticationError } from '../core/errors.js';
import type { PermissionCheck, PermissionReport } from '../core/types.js';
import type { RateLimit } from './limits.js';
import { decodeApprovalPolicy, type SessionPolicy } from './policy.js';

export interface SessionPermissions {
  smartAccount: Address;
  sessionKeyAddress?: Address;
  collateral: Address;
  may: string[];
  mayNot: string[];
  policy: SessionPolicy;
  report: PermissionReport;
}

/**
 * Reads the approval (no network) and says, in words and as checks, what the session key can do.
 * With `nowMs`, an expired key is a failed check.
 */
export function describeSessionPermissions(approval: string, sessionKeyAddress?: Address, nowMs?: number): SessionPermissions {
  const policy = decodeApprovalPolicy(approval);
  const { validUntil, rateLimit } = policy;
  const may = [
    `transfer ${policy.collateral} from ${policy.smartAccount} only to ${list(policy.transferDestinations)}`,
    `approve ${policy.collateral} only for ${list(policy.approveSpenders)}`,
    ...(validUntil !== undefined ? [`act until ${isoDate(validUntil)}`] : []),
    ...(rateLimit ? [`send ${describeRate(rateLimit)}`] : []),
  ];
  const mayNot = [
    'transfer the collateral anywhere else, or call any other contract or function',
    'send native value, change the account, its owner or its modules',
    'sign messages, typed data or venue orders on behalf of the smart account (EIP-1271)',
    ...(validUntil !== undefined ? [`act after ${isoDate(validUntil)} (the chain refuses it)`] : []),
    ...(rateLimit ? ['send operations faster than that (the chain refuses them)'] : []),
  ];
  const expired = validUntil !== undefined && nowMs !== undefined && Math.floor(nowMs / 1000) > validUntil;
  const checks: PermissionCheck[] = [
    {
      name: 'session-transfers',
      ok: policy.transferDestinations.length > 0,
      detail: `collateral transfers only to ${list(policy.transferDestinations)}`,
    },
    {
      name: 'session-approvals',
      ok: policy.approveSpenders.length > 0,
      detail: `collateral approvals only to ${list(policy.approveSpenders)}`,
    },
    {
      name: 'session-no-other-calls',
      ok: policy.callsRestricted && policy.otherCalls.length === 0,
      detail: !policy.callsRestricted
        ? 'WARNING: no call policy: the session key can call any contract from the smart account'
        : policy.otherCalls.length === 0
          ? 'no other call is allowed'
          : `the policy also allows: ${policy.otherCalls.map((c) => `${c.selector} on ${c.target}`).join(', ')}`,
    },
    {
      name: 'session-no-eip1271',
      ok: policy.signaturesBlocked,
      detail: policy.signaturesBlocked
        ? 'the session key cannot sign for the smart account (signature-caller policy with no allowed caller)'
        : 'WARNING: the session key can produce EIP-1271 signatures for the smart account',
    },
    // Approvals made before expiry and rate limits existed still work: a warning, not a refusal.
    validUntil === undefined
      ? { name: 'session-expiry', ok: false, severity: 'warning', detail: `WARNING: the session key never expires; ${ROTATE}` }
      : { name: 'session-expiry', ok: !expired, detail: expired ? `the session key expired on ${isoDate(validUntil)}; ${ROTATE}` : `expires ${isoDate(validUntil)}` },
    rateLimit === undefined
      ? { name: 'session-rate-limit', ok: false, severity: 'warning', detail: `WARNING: the session key has no rate limit; ${ROTATE}` }
      : { name: 'session-rate-limit', ok: true, detail: describeRate(rateLimit) },
  ];
  return {
    smartAccount: policy.smartAccount,
    sessionKeyAddress: sessionKeyAddress && getAddress(sessionKeyAddress),
    collateral: policy.collateral,
    may,
    mayNot,
    policy,
    report: {
      ok: checks.every((c) => c.ok || c.severity === 'warning'),
      signer: sessionKeyAddress && getAddress(sessionKeyAddress),
      funder: policy.smartAccount,
      checks,
    },
  };
}

/** One venue order's signing roles, as the venue's exchange contract will check them. */
export interface VenueOrderSigning {
  venue: string;
  /** The funder: whose collateral the order spends. */
  maker: Address;
  /** The key that produces the order signature. */
  signer: Address;
  /** Polymarket: 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271. */
  signatureType: number;
}

export const HYBRID_ORDER_ALTERNATIVES =
  'Working alternatives: (1) a Polymarket deposit wallet (signature type 3) with this machine\'s key ' +
  'registered as an approved session signer; (2) a Polymarket Safe (signature type 2) owned by the ' +
  'trading key. Keep the Kernel smart account for custody and cash-out only.';

/**
 * Refuses the seed's hybrid before anything is signed: a session key signing a Polymarket order with
 * the ZeroDev Kernel account as maker. The exchange contract rejects it whatever the signature type:
 * type 0 needs signer == maker; types 1/2 need maker == the Polymarket proxy/Safe derived from the
 * signer; type 3 needs maker == signer == a contract wallet whose isValidSignature accepts it, and the
 * session key is denied EIP-1271 by design (and nothing public shows the CLOB accepting wallets other
 * than its own deposit wallets). VENUES.md 2.
 */
export function assertCanSignVenueOrder(order: VenueOrderSigning, smartAccount: Address): void {
  if (!isAddressEqual(order.maker, smartAccount)) return;
  const why =
    order.signatureType === 0
      ? 'signature type 0 requires the signer to be the maker'
      : order.signatureType === 1 || order.signatureType === 2
        ? `signature type ${order.signatureType} requires the maker to be the Polymarket proxy/Safe of the signer, not a Kernel account`
        : 'signature type 3 requires the maker to validate the signature itself (EIP-1271), and this session key is denied EIP-1271 signing; the CLOB only documents its own deposit wallets for type 3';
  throw new AuthenticationError(
    `${order.venue} refuses orders signed by ${order.signer} with the ZeroDev smart account ${order.maker} as maker: ${why}.`,
    { hint: HYBRID_ORDER_ALTERNATIVES, info: { ...order, smartAccount } },
  );
}

const ROTATE = 'run `betmirror auth --smart-account --rotate` with the owner key to approve a new one';

export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** "at most 2160 operations, one every 1 h (24 a day on average) from 2025-...Z; unused ones carry over" */
export function describeRate(rate: RateLimit): string {
  const perDay = rate.interval > 0 ? Math.round((86_400 / rate.interval) * 100) / 100 : Infinity;
  return `at most ${rate.count} operations in all, one every ${duration(rate.interval)} (${perDay} a day on average) from ${isoDate(rate.startAt)}; unused ones carry over`;
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function list(addresses: readonly Address[]): string {
  return addresses.length ? addresses.join(', ') : 'nobody';
}
