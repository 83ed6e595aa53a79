/** `betmirror cashout`: move free collateral out of the trading account (scriptable for cron). */
import type { Command } from 'commander';
import type { Address, Hex } from 'viem';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { DeclinedError } from '../cli/exit.js';
import { toggle, value, type Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import type { SmartAccountProfile } from '../config/config.js';
import { BadInputError } from '../core/errors.js';
import { formatMicros, microsToNumber, type Micros } from '../core/money.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import {
  CASHOUT_ALLOW,
  CASHOUT_USED,
  cashoutLists,
  isKnownDestination,
  parseDestination,
  refuseNeverDestination,
  refuseOutsideAllowList,
  refuseOwnAccount,
  withUsed,
  type CashoutLists,
  type OwnAccount,
} from './destination.js';
import { parseAmount } from './parse.js';
import { exchangeFlag, requireCapability, resolveSettings, resolveVenue, withVenue, type VenueSession } from './venue.js';

const flags = (info: ProgramInfo) => ({
  exchange: exchangeFlag(info.exchangeIds),
  amount: value('--amount <usd>', 'amount in USD', (v) => parseAmount('--amount', v)),
  all: toggle('--all', 'the whole free balance'),
  // Checked in run(), where it and BETMIRROR_CASHOUT_TO get the same checks and messages.
  to: value('--to <address>', 'destination address (default: BETMIRROR_CASHOUT_TO); a first-time one needs confirming or --yes', (v) => v),
  dryRun: toggle('--dry-run', 'build and sign the transfer, send nothing'),
});

export type CashoutOptions = Options<ReturnType<typeof flags>>;

export interface CashoutCommandResult {
  exchange: string;
  txHash: string;
  amount: number;
  destination: string;
  method: string;
  dryRun: boolean;
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'cashout',
    summary: 'Transfer free collateral to a destination address',
    flags: flags(info),
    examples: [
      '$ betmirror cashout --exchange polymarket --amount 250 --to 0x3f5c...e1 --yes --json',
      '# cron: sweep everything nightly',
      '0 3 * * * BETMIRROR_PASSWORD=... betmirror cashout --all --to 0x3f5c...e1 --yes --json',
    ],
    venueEnvironment: true,
    environment: [
      PASSWORD_ENVIRONMENT,
      { name: 'BETMIRROR_CASHOUT_TO', description: 'destination when --to is not given' },
      { name: 'BETMIRROR_SESSION_KEY', description: 'smart-account custody: the session key (else the secret store)' },
      { name: 'BUNDLER_URL', description: 'smart-account custody: ERC-4337 bundler (else the profile\'s)' },
      { name: 'PAYMASTER_URL', description: 'smart-account custody: paymaster (else the profile\'s)' },
    ],
    action: async (options, ctx) => ctx.output.result(await run(options, ctx), render),
  });
}

export async function run(options: CashoutOptions, ctx: CommandContext): Promise<CashoutCommandResult> {
  const amount = cashoutAmount(options);
  // Every check that needs no secret and no network comes first, in this order.
  const source = options.to !== undefined ? '--to' : 'BETMIRROR_CASHOUT_TO';
  const to = options.to ?? ctx.deps.env.BETMIRROR_CASHOUT_TO;
  if (to === undefined) {
    throw new BadInputError('no destination: say where the money goes', { hint: 'pass --to <address> or set BETMIRROR_CASHOUT_TO' });
  }
  const destination = parseDestination(source, to);
  refuseNeverDestination(source, destination);
  const venue = await resolveVenue(ctx, options.exchange);
  const where = `profiles.${ctx.profileName}.venues.${venue.id} in ${ctx.config.path}`;
  const lists = cashoutLists(ctx.profile.venues?.[venue.id] ?? {}, where);
  refuseOutsideAllowList(source, destination, lists, where);
  const custody = custodyOf(ctx, venue);
  // A smart account holding this venue's funds cashes out on its own; otherwise the venue must.
  if (!custody) requireCapability(venue, 'cashout', 'cannot cash out through its API', "withdraw from the venue's own website");
  refuseOwnAccount(source, destination, configuredAccounts(ctx, venue, custody));

  const beforeInitialize = async (session: VenueSession) => {
    if (!custody) refuseOwnAccount(source, destination, await derivedAccounts(session));
    if (!options.dryRun) await confirmFirstTime(ctx, source, destination, lists, where, custody?.destinations);
  };
  const result = await withVenue(
    ctx,
    venue.id,
    async ({ adapter }) => {
      if (!options.dryRun) {
        await ctx.confirm(`Transfer ${amount === 'all' ? 'ALL free collateral' : `$${formatMicros(amount)}`} from ${adapter.exchangeName} to ${destination}?`);
      }
      const sent = await ctx.output.busy(options.dryRun ? 'signing the transfer' : `sending the transfer from ${adapter.exchangeName}`, () =>
        adapter.cashout({ amount, destination, dryRun: Boolean(options.dryRun) }),
      );
      return {
        exchange: adapter.exchangeName,
        txHash: sent.txHash,
        amount: microsToNumber(sent.amount),
        destination: sent.destination,
        method: sent.method,
        dryRun: Boolean(options.dryRun),
      };
    },
    { beforeInitialize },
  );
  if (!options.dryRun) rememberDestination(ctx, venue, destination);
  return result;
}

function cashoutAmount(options: CashoutOptions): Micros | 'all' {
  if (options.all && options.amount !== undefined) throw new BadInputError('give --amount or --all, not both');
  if (options.all) return 'all';
  if (options.amount === undefined) {
    throw new BadInputError('say how much to cash out', { hint: 'pass --amount <usd>, or --all for the whole free balance' });
  }
  return options.amount;
}

/** The profile's smart account when it holds this venue's cash-outs (they then leave from it, not the funder). */
function custodyOf(ctx: CommandContext, venue: VenueDefinition): SmartAccountProfile | undefined {
  const custody = ctx.profile.custody;
  return custody && custody.venue === venue.id ? custody : undefined;
}

/** Accounts known from the profile and settings alone: refused before the secret store is opened. */
function configuredAccounts(ctx: CommandContext, venue: VenueDefinition, custody: SmartAccountProfile | undefined): OwnAccount[] {
  if (custody) return [{ address: custody.smartAccount, role: 'the smart account' }];
  const funder = resolveSettings(ctx, venue).funder;
  return funder ? [{ address: funder, role: 'the funder' }] : [];
}

/**
 * The funder a Polymarket key derives for its funding mode (pure, no network). The adapter refuses this
 * too, but only once it is sending; here it comes before the first-time confirmation.
 */
async function derivedAccounts(session: VenueSession): Promise<OwnAccount[]> {
  const key = session.secrets.privateKey?.trim();
  if (session.venue.id !== 'polymarket' || !key) return [];
  const [{ resolveFunding, parseSignatureType }, { privateKeyToAccount }] = await Promise.all([
    import('../exchanges/polymarket/index.js'),
    import('viem/accounts'),
  ]);
  const { settings } = session;
  try {
    const signer = privateKeyToAccount((key.startsWith('0x') ? key : `0x${key}`) as Hex).address;
    const funding = resolveFunding({
      signatureType: parseSignatureType(settings.signatureType),
      signer,
      chainId: Number(settings.chainId ?? 137) === 80002 ? 80002 : 137,
      ...(settings.funder ? { funder: settings.funder as Address } : {}),
      ...(settings.depositWalletOwner ? { depositWalletOwner: settings.depositWalletOwner as Address } : {}),
    });
    return funding.funder ? [{ address: funding.funder, role: 'the funder' }] : [];
  } catch {
    return []; // a malformed key or mode: the adapter says so in its own words
  }
}

/** A destination this profile has never paid out to is confirmed once, explicitly: a typo costs everything. */
async function confirmFirstTime(
  ctx: CommandContext,
  source: string,
  destination: Address,
  lists: CashoutLists,
  where: string,
  /** Destinations the smart account's owner approved at `auth --smart-account`: confirmed then. */
  approved: readonly string[] = [],
): Promise<void> {
  if (ctx.global.yes || isKnownDestination(destination, lists, approved)) return;
  const what = `${source} ${destination} has never received a cash-out from profile "${ctx.profileName}"`;
  if (!ctx.deps.prompter.interactive) {
    throw new BadInputError(`${what}, and there is no terminal to confirm a first-time destination`, {
      hint: `check the address character by character, then run again with --yes (or pin it in ${CASHOUT_ALLOW} of ${where}); nothing was sent`,
    });
  }
  const yes = await ctx.deps.prompter.confirm(`${what}. Is it yours, checked character by character?`, '--yes');
  if (!yes) throw new DeclinedError('declined: nothing was sent');
}

/** Adds the destination to the profile's used list; a failure here must not hide a transfer that went out. */
function rememberDestination(ctx: CommandContext, venue: VenueDefinition, destination: Address): void {
  try {
    const profile = ctx.profile;
    const stored = profile.venues?.[venue.id] ?? {};
    const lists = cashoutLists(stored, ctx.config.path);
    if (lists.used.includes(destination)) return;
    ctx.config.saveProfile(ctx.profileName, { ...profile, venues: { ...profile.venues, [venue.id]: { ...stored, [CASHOUT_USED]: withUsed(lists, destination) } } });
  } catch (error) {
    ctx.output.warn(`could not record ${destination} as a used cash-out destination (${(error as Error).message}): the next cash-out there asks again`);
  }
}

function render(result: CashoutCommandResult): string {
  const head = `${result.dryRun ? 'dry run, nothing sent: ' : ''}$${result.amount.toFixed(2)} to ${result.destination} via ${result.method}`;
  return result.txHash ? `${head}\ntx: ${result.txHash}` : head;
}
