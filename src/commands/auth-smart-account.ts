/**
 * `betmirror auth --smart-account`: non-custodial custody. Set-up: a session key is generated here and
 * kept in the encrypted store; the owner's key is asked once, used in memory to approve the key's
 * restricted permission (call policy, no EIP-1271, expiry, rate limit) on the ZeroDev Kernel account,
 * and dropped; the approval (no secret) goes to the profile. `--rotate` approves a new key and revokes
 * the old one; `--revoke` revokes it and removes the setup from the profile; both are UserOperations
 * the owner signs. Same transaction rules as the venue-key flow (auth.ts): local refusals first, one
 * write at the end, nothing at all while a mirror runs on the profile.
 */
import type { Command } from 'commander';
import type { Address, Hex } from 'viem';
import type { CommandContext } from '../cli/context.js';
import type { Profile, SmartAccountProfile } from '../config/config.js';
import { BadInputError, NotSupportedError } from '../core/errors.js';
import { DEFAULT_SESSION_LIMITS, parseLimit, sessionLimits, type SessionLimitChoice } from '../custody/limits.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import { list, toggle, value, valueWithDefault, type Options } from '../cli/flags.js';
import { AuthSecretStore, commit, withProfileLock } from './auth-store.js';
import { parseAddress } from './parse.js';
import { resolveSettings, resolveVenue, SESSION_KEY_SECRET } from './venue.js';

/** Venues whose collateral is pUSD held on Polygon by the user's own wallet, the case the session policy covers. */
const SMART_ACCOUNT_VENUES = ['polymarket'];

export interface SessionKeyView {
  sessionKeyAddress: string;
  destinations: string[];
  /** When the chain stops accepting the session key (ISO 8601, UTC). */
  expiresAt: string;
  rateLimit: { operationsPerDay: number; intervalSeconds: number; count: number; from: string };
  may: string[];
  mayNot: string[];
}

export interface RevocationView {
  sessionKeyAddress: string;
  /** The permission was installed on chain and is now uninstalled (else its approval is voided by nonce). */
  uninstalled: boolean;
  /** Kernel's validNonceFrom: every approval signed for a lower validator nonce is void. */
  validNonceFrom: number;
  userOpHash: string;
  txHash: string;
}

export interface SmartAccountAuthResult {
  action: 'set-up' | 'rotated' | 'revoked';
  exchange: string;
  profile: string;
  smartAccount: string;
  owner: string;
  /** The new session key (set-up, rotated). */
  session?: SessionKeyView;
  /** The old session key's revocation (rotated, revoked). */
  revoked?: RevocationView;
}

const text = (value: string) => value;

/** The flags of this flow, declared on the `auth` command (after its venue flags). */
export const SMART_ACCOUNT_FLAGS = {
  smartAccount: toggle('--smart-account', 'set up a ZeroDev smart account with a restricted session key for cash-outs'),
  cashoutTo: list('--cashout-to <address...>', 'with --smart-account: the only addresses cash-outs may go to', text),
  bundlerUrl: value('--bundler-url <url>', 'with --smart-account: ERC-4337 bundler (your ZeroDev project RPC); or BUNDLER_URL', text),
  paymasterUrl: value('--paymaster-url <url>', 'with --smart-account: paymaster for sponsored gas (default: the bundler); or PAYMASTER_URL', text),
  sessionExpiry: valueWithDefault('--session-expiry <days>', 'with --smart-account: days until the chain refuses the session key', text, String(DEFAULT_SESSION_LIMITS.expiryDays)),
  sessionRate: valueWithDefault(
    '--session-rate <per-day>',
    'with --smart-account: session-key operations a day, one every 24h/N (unused ones carry over, N x days in all)',
    text,
    String(DEFAULT_SESSION_LIMITS.operationsPerDay),
  ),
  rotate: toggle('--rotate', 'with --smart-account: approve a new session key and revoke the old one (signed by the owner key)'),
  revoke: toggle('--revoke', 'with --smart-account: revoke the session key on chain (signed by the owner key) and remove the setup from the profile'),
};

export type SmartAccountAuthOptions = Options<typeof SMART_ACCOUNT_FLAGS> & { exchange?: string };

/** The flags that mean nothing without --smart-account are refused when typed without it. */
export function refuseWithoutSmartAccount(options: { smartAccount?: boolean }, command: Command): void {
  for (const flag of ['rotate', 'revoke', 'sessionExpiry', 'sessionRate'] as const) {
    if (!options.smartAccount && command.getOptionValueSource(flag) === 'cli') {
      throw new BadInputError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --smart-account`);
    }
  }
}

export async function runSmartAccount(options: SmartAccountAuthOptions, ctx: CommandContext): Promise<SmartAccountAuthResult> {
  const venue = await resolveVenue(ctx, options.exchange);
  if (!SMART_ACCOUNT_VENUES.includes(venue.id)) {
    throw new NotSupportedError(`${venue.title} cannot use a smart account: its funds are not held on chain by your wallet`, {
      hint: `smart-account custody works with: ${SMART_ACCOUNT_VENUES.join(', ')}`,
    });
  }
  if (options.revoke && options.rotate) throw new BadInputError('--revoke and --rotate cannot be combined: --rotate already revokes the old key');
  const action = options.revoke ? 'revoked' : options.rotate ? 'rotated' : 'set-up';
  const choice = action === 'revoked' ? undefined : limitChoice(options);
  const env = ctx.deps.env;
  const settings = resolveSettings(ctx, venue);
  const chainId = Number(settings.chainId ?? 137);
  const rpcUrl = settings.rpcUrl;
  if (!rpcUrl) throw new BadInputError('no chain RPC: set POLYGON_RPC_URL');
  const profile = ctx.profile;
  const existing = profile.custody?.venue === venue.id ? profile.custody : undefined;
  if (existing && action === 'set-up') {
    throw new BadInputError(`profile ${ctx.profileName} already has a smart account (${existing.smartAccount}, session key ${existing.sessionKeyAddress})`, {
      hint: 'replace its session key with --rotate (the old key is revoked on chain), or revoke it with --revoke',
    });
  }
  if (!existing && action !== 'set-up') {
    throw new BadInputError(`profile ${ctx.profileName} has no smart account for ${venue.title} to ${action === 'revoked' ? 'revoke' : 'rotate'}`, {
      hint: `set one up with \`betmirror auth --exchange ${venue.id} --smart-account --cashout-to <address>\``,
    });
  }
  const given = (options.cashoutTo ?? env.BETMIRROR_CASHOUT_TO?.split(',') ?? []).map((a) => parseAddress('--cashout-to', a.trim()));
  if (given.length === 0 && action === 'set-up') throw new BadInputError('say where cash-outs may go: --cashout-to <address> (repeatable) or BETMIRROR_CASHOUT_TO');
  const bundlerUrl = options.bundlerUrl ?? env.BUNDLER_URL ?? existing?.bundlerUrl;
  if (!bundlerUrl) throw new BadInputError('no bundler: pass --bundler-url (e.g. your ZeroDev project RPC) or set BUNDLER_URL');
  const paymasterUrl = options.paymasterUrl ?? env.PAYMASTER_URL ?? existing?.paymasterUrl;
  const setup: SmartAccountSetup = { venue, action, choice, chainId, rpcUrl, profile, existing, given, bundlerUrl, paymasterUrl };
  return withProfileLock(ctx, () => applySetup(ctx, setup));
}

/** What runSmartAccount settled locally, from the flags, the environment and the profile. */
interface SmartAccountSetup {
  venue: VenueDefinition;
  action: SmartAccountAuthResult['action'];
  /** The new key's expiry and rate (set-up, rotated). */
  choice: SessionLimitChoice | undefined;
  chainId: number;
  rpcUrl: string;
  profile: Profile;
  /** The profile's current smart account for the venue (rotated, revoked). */
  existing: SmartAccountProfile | undefined;
  given: Address[];
  bundlerUrl: string;
  paymasterUrl: string | undefined;
}

/** With the profile locked: the secret store and the owner key, the UserOperation, then one write at the end. */
async function applySetup(ctx: CommandContext, setup: SmartAccountSetup): Promise<SmartAccountAuthResult> {
  const { venue, action, choice, chainId, rpcUrl, profile, existing, given, bundlerUrl, paymasterUrl } = setup;
  const store = await AuthSecretStore.open(ctx);
  if (action !== 'revoked') await store.prepare({ required: 'the session key' });
  const ownerKey = await ownerPrivateKey(ctx);

  // Loaded only here: the account-abstraction libraries are heavy.
  const custody = await import('../custody/index.js');
  const now = ctx.deps.clock.now();
  const endpoints = { chainId, rpcUrl, bundlerUrl, ...(paymasterUrl ? { paymasterUrl } : {}), fetch: ctx.deps.fetch };
  const current = existing && {
    ownerPrivateKey: ownerKey,
    smartAccount: existing.smartAccount as Address,
    approval: existing.approval,
    sessionKeyAddress: existing.sessionKeyAddress as Address,
  };
  const spinner = ctx.output.spinner(`${{ 'set-up': 'approving', rotated: 'rotating', revoked: 'revoking' }[action]} the session key on the smart account`);
  try {
    if (action === 'revoked') {
      const revocation = await custody.revokeSessionKey({ ...current!, ...endpoints });
      const { [SESSION_KEY_SECRET]: _revoked, ...rest } = store.current;
      const { custody: _custody, ...withoutCustody } = profile;
      await commit(ctx, store, store.writable ? rest : undefined, withoutCustody);
      return { action, exchange: venue.id, profile: ctx.profileName, smartAccount: revocation.smartAccount, owner: revocation.owner, revoked: revocationView(revocation) };
    }
    const limits = sessionLimits(choice!, now);
    const { session, approved, revocation } =
      action === 'rotated'
        ? await custody.rotateSessionKey({ ...current!, ...endpoints, collateral: custody.PUSD, limits, ...(given.length ? { cashoutDestinations: given } : {}) })
        : await (async () => {
            const session = custody.generateSessionKey();
            const approved = await custody.approveSessionKey({ ownerPrivateKey: ownerKey, sessionKeyAddress: session.address, collateral: custody.PUSD, cashoutDestinations: given, limits, ...endpoints });
            return { session, approved, revocation: undefined };
          })();
    ctx.redactor.add(session.privateKey);
    await commit(ctx, store, { ...store.current, [SESSION_KEY_SECRET]: session.privateKey }, {
      ...profile,
      exchange: profile.exchange ?? venue.id,
      custody: {
        kind: 'zerodev-kernel-v3.1',
        venue: venue.id,
        smartAccount: approved.smartAccountAddress,
        owner: approved.ownerAddress,
        sessionKeyAddress: session.address,
        approval: approved.approval,
        destinations: approved.policy.transferDestinations,
        bundlerUrl,
        ...(paymasterUrl ? { paymasterUrl } : {}),
      },
    });
    const { policy } = approved;
    const permissions = custody.describeSessionPermissions(approved.approval, session.address, now);
    return {
      action,
      exchange: venue.id,
      profile: ctx.profileName,
      smartAccount: approved.smartAccountAddress,
      owner: approved.ownerAddress,
      session: {
        sessionKeyAddress: session.address,
        destinations: policy.transferDestinations,
        expiresAt: custody.isoDate(policy.validUntil!),
        rateLimit: {
          operationsPerDay: choice!.operationsPerDay,
          intervalSeconds: policy.rateLimit!.interval,
          count: policy.rateLimit!.count,
          from: custody.isoDate(policy.rateLimit!.startAt),
        },
        may: permissions.may,
        mayNot: permissions.mayNot,
      },
      ...(revocation ? { revoked: revocationView(revocation) } : {}),
    };
  } finally {
    spinner.stop();
  }
}

function revocationView(revocation: { revokedSessionKey: string; uninstalled: boolean; validNonceFrom: number; userOpHash: string; txHash: string }): RevocationView {
  const { revokedSessionKey, uninstalled, validNonceFrom, userOpHash, txHash } = revocation;
  return { sessionKeyAddress: revokedSessionKey, uninstalled, validNonceFrom, userOpHash, txHash };
}

function limitChoice(options: SmartAccountAuthOptions): SessionLimitChoice {
  return {
    expiryDays: parseLimit('--session-expiry', 'expiryDays', options.sessionExpiry),
    operationsPerDay: parseLimit('--session-rate', 'operationsPerDay', options.sessionRate),
  };
}

/** Asked once (or BETMIRROR_OWNER_PRIVATE_KEY), kept in memory for this command only. */
async function ownerPrivateKey(ctx: CommandContext): Promise<Hex> {
  const key = (ctx.deps.env.BETMIRROR_OWNER_PRIVATE_KEY ??
    (await ctx.deps.prompter.password('Owner private key (used once, in memory, never stored):', 'BETMIRROR_OWNER_PRIVATE_KEY'))).trim();
  ctx.redactor.add(key);
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new BadInputError('the owner private key must be 0x followed by 64 hex digits');
  return key as Hex;
}

export function renderSmartAccount(result: SmartAccountAuthResult): string {
  const lines: string[] = [];
  const { session, revoked } = result;
  if (revoked) {
    lines.push(
      `session key ${revoked.sessionKeyAddress} revoked on smart account ${result.smartAccount} (owner ${result.owner}): ` +
        `${revoked.uninstalled ? 'permission uninstalled, ' : ''}approvals below validator nonce ${revoked.validNonceFrom} void (tx ${revoked.txHash})`,
    );
  }
  if (!session) {
    lines.push(`profile ${result.profile} no longer uses the smart account; its funds stay under the owner key.`);
    return lines.join('\n');
  }
  lines.push(
    `smart account ${result.smartAccount} (owner ${result.owner}) ${result.action === 'rotated' ? 'has a new session key' : 'set up'} for ${result.exchange}, profile ${result.profile}`,
    `session key ${session.sessionKeyAddress} (stored encrypted) may:`,
    ...session.may.map((line) => `  - ${line}`),
    'and may not:',
    ...session.mayNot.map((line) => `  - ${line}`),
    `Fund the smart account with pUSD; cash-outs go only to ${session.destinations.join(', ')}.`,
    `The session key expires ${session.expiresAt}: approve a new one before then with \`betmirror auth --smart-account --rotate\`.`,
  );
  return lines.join('\n');
}
