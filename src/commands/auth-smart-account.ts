/**
 * `betmirror auth --smart-account`: non-custodial set-up. A session key is generated here and kept in
 * the encrypted store; the owner's key is asked once, used in memory to approve the session key's
 * permission on the ZeroDev Kernel account, and dropped. The approval (no secret) goes to the profile.
 */
import type { Address, Hex } from 'viem';
import type { CommandContext } from '../cli/context.js';
import { approveSessionKey, describeSessionPermissions, generateSessionKey, PUSD } from '../custody/index.js';
import { BadInputError, NotSupportedError } from '../core/errors.js';
import { parseAddress } from './parse.js';
import { resolveSettings, resolveVenue, SESSION_KEY_SECRET } from './venue.js';

/** Venues whose collateral is pUSD held on Polygon by the user's own wallet, the case the session policy covers. */
const SMART_ACCOUNT_VENUES = ['polymarket'];

export interface SmartAccountAuthOptions {
  exchange?: string;
  cashoutTo?: string[];
  bundlerUrl?: string;
  paymasterUrl?: string;
}

export interface SmartAccountAuthResult {
  exchange: string;
  profile: string;
  smartAccount: string;
  owner: string;
  sessionKeyAddress: string;
  destinations: string[];
  may: string[];
  mayNot: string[];
}

export async function runSmartAccountAuth(options: SmartAccountAuthOptions, ctx: CommandContext): Promise<SmartAccountAuthResult> {
  const venue = await resolveVenue(ctx, options.exchange);
  if (!SMART_ACCOUNT_VENUES.includes(venue.id)) {
    throw new NotSupportedError(`${venue.title} cannot use a smart account: its funds are not held on chain by your wallet`, {
      hint: `smart-account custody works with: ${SMART_ACCOUNT_VENUES.join(', ')}`,
    });
  }
  const settings = resolveSettings(ctx, venue);
  const env = ctx.deps.env;
  const destinations = (options.cashoutTo ?? env.BETMIRROR_CASHOUT_TO?.split(',') ?? []).map((a) => parseAddress('--cashout-to', a.trim()));
  if (destinations.length === 0) throw new BadInputError('say where cash-outs may go: --cashout-to <address> (repeatable) or BETMIRROR_CASHOUT_TO');
  const bundlerUrl = options.bundlerUrl ?? env.BUNDLER_URL;
  if (!bundlerUrl) throw new BadInputError('no bundler: pass --bundler-url (e.g. your ZeroDev project RPC) or set BUNDLER_URL');
  const rpcUrl = settings.rpcUrl;
  if (!rpcUrl) throw new BadInputError('no chain RPC: set POLYGON_RPC_URL');
  if (!ctx.canUnlockVault()) throw new BadInputError('the session key must be stored encrypted: set BETMIRROR_PASSWORD or run on a terminal');

  const ownerKey = (env.BETMIRROR_OWNER_PRIVATE_KEY ??
    (await ctx.deps.prompter.password('Owner private key (used once, in memory, never stored):', 'BETMIRROR_OWNER_PRIVATE_KEY'))).trim() as Hex;
  ctx.redactor.add(ownerKey);
  if (!/^0x[0-9a-fA-F]{64}$/.test(ownerKey)) throw new BadInputError('the owner private key must be 0x followed by 64 hex digits');

  const session = generateSessionKey();
  ctx.redactor.add(session.privateKey);
  const spinner = ctx.output.spinner('approving the session key on the smart account');
  const approved = await approveSessionKey({
    ownerPrivateKey: ownerKey,
    sessionKeyAddress: session.address,
    chainId: Number(settings.chainId ?? 137),
    rpcUrl,
    collateral: PUSD,
    cashoutDestinations: destinations,
    fetch: ctx.deps.fetch,
  }).finally(() => spinner.stop());

  await ctx.updateVault({ [SESSION_KEY_SECRET]: session.privateKey });
  const profile = ctx.profile;
  const paymasterUrl = options.paymasterUrl ?? env.PAYMASTER_URL;
  ctx.config.saveProfile(ctx.profileName, {
    ...profile,
    exchange: profile.exchange ?? venue.id,
    custody: {
      kind: 'zerodev-kernel-v3.1',
      venue: venue.id,
      smartAccount: approved.smartAccountAddress,
      owner: approved.ownerAddress,
      sessionKeyAddress: session.address,
      approval: approved.approval,
      destinations,
      bundlerUrl,
      ...(paymasterUrl ? { paymasterUrl } : {}),
    },
  });
  const permissions = describeSessionPermissions(approved.approval, session.address as Address);
  return {
    exchange: venue.id,
    profile: ctx.profileName,
    smartAccount: approved.smartAccountAddress,
    owner: approved.ownerAddress,
    sessionKeyAddress: session.address,
    destinations,
    may: permissions.may,
    mayNot: permissions.mayNot,
  };
}

export function renderSmartAccountAuth(result: SmartAccountAuthResult): string {
  return [
    `smart account ${result.smartAccount} (owner ${result.owner}) set up for ${result.exchange}, profile ${result.profile}`,
    `session key ${result.sessionKeyAddress} (stored encrypted) may:`,
    ...result.may.map((line) => `  - ${line}`),
    'and may not:',
    ...result.mayNot.map((line) => `  - ${line}`),
    `Fund the smart account with pUSD; cash-outs go only to ${result.destinations.join(', ')}.`,
  ].join('\n');
}
