/**
 * Shared by every venue command: resolve --exchange through the registry, resolve the venue's settings
 * (flags > environment > profile > defaults) and secrets (environment > secret store), and build the
 * adapter. The only place that reads credentials for an adapter. A blank value at any level counts as
 * unset, so it never hides the next level (an empty POLYMARKET_CLOB_URL does not replace the profile's).
 */
import type { CommandContext } from '../cli/context.js';
import { isPresent } from '../cli/env.js';
import { value, type Flag } from '../cli/flags.js';
import { gammaTitleLookup, kalshiTitleLookup, MarketTitles, type TitleLookup } from '../cli/titles.js';
import { AuthenticationError, BadInputError, NotSupportedError } from '../core/errors.js';
import type { AdapterContext, Capabilities, IExchangeAdapter, VenueDefinition } from '../exchanges/adapter.js';
import type { Address, Hex } from 'viem';

export const DEFAULT_EXCHANGE = 'polymarket';

export interface VenueSession {
  venue: VenueDefinition;
  adapter: IExchangeAdapter;
  settings: Record<string, string | undefined>;
  /** As given to the adapter; for local checks that need them (e.g. which account a key funds). Never print. */
  secrets: Readonly<Record<string, string | undefined>>;
}

export interface OpenVenueOptions {
  /** Settings given by flags, by setting key. */
  overrides?: Record<string, string | undefined>;
  /** Secrets obtained by the command itself (e.g. typed at an `auth` prompt). */
  secrets?: Record<string, string | undefined>;
  /** When false, missing required secrets are not an error (the caller asks for them). */
  requireSecrets?: boolean;
}

export interface WithVenueOptions extends OpenVenueOptions {
  /** Local checks that need the resolved venue but must run before the adapter is initialized. */
  beforeInitialize?: (session: VenueSession) => void | Promise<void>;
}

/** `--exchange <id>`: its help lists the valid ids, and an unknown one is refused while parsing. */
export function exchangeFlag(ids: readonly string[], description = "venue (default: the profile's exchange, else polymarket)"): Flag<string | undefined> {
  return value('-e, --exchange <id>', description, (id) => {
    if (!ids.includes(id)) throw new BadInputError(`unknown exchange "${id}"; valid exchanges: ${ids.join(', ')}`);
    return id;
  }, { choices: ids });
}

/**
 * Refuses what the venue cannot do, from its static capabilities: before any secret is read or any
 * request sent, so the answer is "not supported" (exit 3) whatever the credentials.
 */
export function requireCapability(venue: VenueDefinition, capability: keyof Capabilities, what: string, hint?: string): void {
  if (venue.has[capability]) return;
  throw new NotSupportedError(`${venue.title} ${what}`, hint ? { hint } : {});
}

export function resolveVenue(ctx: CommandContext, exchange: string | undefined): Promise<VenueDefinition> {
  return ctx.deps.exchanges.get(exchange ?? ctx.profile.exchange ?? DEFAULT_EXCHANGE);
}

export function resolveSettings(
  ctx: CommandContext,
  venue: VenueDefinition,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const stored = ctx.profile.venues?.[venue.id] ?? {};
  const settings: Record<string, string | undefined> = {};
  for (const spec of venue.settings) {
    settings[spec.key] = firstPresent(overrides[spec.key], spec.env ? ctx.deps.env[spec.env] : undefined, stored[spec.key], spec.default);
  }
  return settings;
}

export async function resolveSecrets(
  ctx: CommandContext,
  venue: VenueDefinition,
  given: Record<string, string | undefined> = {},
  requireSecrets = true,
): Promise<Record<string, string | undefined>> {
  const secrets: Record<string, string | undefined> = {};
  for (const spec of venue.secrets) {
    secrets[spec.key] = firstPresent(given[spec.key], spec.env ? ctx.deps.env[spec.env] : undefined);
    const file = spec.fileEnv ? ctx.deps.env[spec.fileEnv] : undefined;
    if (secrets[spec.key] === undefined && file) {
      secrets[spec.key] = await ctx.deps.readTextFile(file).catch((cause) => {
        throw new BadInputError(`cannot read ${spec.fileEnv} (${file}): ${(cause as Error).message}`);
      });
    }
  }
  const missing = venue.secrets.filter((spec) => secrets[spec.key] === undefined);
  if (missing.length > 0 && ctx.vault().exists() && (requireSecrets || ctx.canUnlockVault())) {
    const stored = await ctx.readVault();
    for (const spec of missing) secrets[spec.key] = firstPresent(stored[vaultKey(venue, spec.key)]);
  }
  Object.values(secrets).forEach((secret) => ctx.redactor.add(secret));
  const absent = venue.secrets.find((spec) => spec.required && secrets[spec.key] === undefined);
  if (absent && requireSecrets) {
    const sources = [absent.env, absent.fileEnv].filter(Boolean).join(' or ');
    throw new AuthenticationError(`no ${absent.description} for ${venue.title}`, {
      hint: `run \`betmirror auth --exchange ${venue.id}\`${sources ? ` or set ${sources}` : ''}`,
    });
  }
  return secrets;
}

function firstPresent(...values: Array<string | undefined>): string | undefined {
  return values.find(isPresent);
}

export function vaultKey(venue: VenueDefinition, key: string): string {
  return `${venue.id}.${key}`;
}

export async function openVenue(
  ctx: CommandContext,
  exchange: string | undefined,
  options: OpenVenueOptions = {},
): Promise<VenueSession> {
  const venue = await resolveVenue(ctx, exchange);
  const settings = resolveSettings(ctx, venue, options.overrides);
  const secrets = await resolveSecrets(ctx, venue, options.secrets, options.requireSecrets ?? true);
  const context: AdapterContext = { settings, secrets, fetch: ctx.deps.fetch, clock: ctx.deps.clock, logger: ctx.logger };
  const adapter = await applyCustody(ctx, venue, settings, venue.create(context));
  return { venue, adapter, settings, secrets };
}

export const SESSION_KEY_SECRET = 'custody.sessionKey';

/** When the profile keeps this venue's funds in a smart account, cash-outs go through it. */
async function applyCustody(
  ctx: CommandContext,
  venue: VenueDefinition,
  settings: Record<string, string | undefined>,
  adapter: IExchangeAdapter,
): Promise<IExchangeAdapter> {
  const custody = ctx.profile.custody;
  if (!custody || custody.venue !== venue.id) return adapter;
  const { withSmartAccountCustody } = await import('../custody/smart-account-adapter.js');
  const env = ctx.deps.env;
  const rpcUrl = settings.rpcUrl;
  if (!rpcUrl) throw new BadInputError('the smart account needs a chain RPC: set POLYGON_RPC_URL');
  return withSmartAccountCustody(adapter, {
    smartAccount: custody.smartAccount as Address,
    approval: custody.approval,
    chainId: Number(settings.chainId ?? 137),
    rpcUrl,
    bundlerUrl: env.BUNDLER_URL ?? custody.bundlerUrl,
    ...(env.PAYMASTER_URL ?? custody.paymasterUrl ? { paymasterUrl: env.PAYMASTER_URL ?? custody.paymasterUrl } : {}),
    destinations: custody.destinations as Address[],
    fetch: ctx.deps.fetch,
    now: () => ctx.deps.clock.now(),
    loadSessionKey: async () => {
      const key = env.BETMIRROR_SESSION_KEY ?? (await ctx.readVault())[SESSION_KEY_SECRET];
      if (!key) {
        throw new AuthenticationError('no session key for the smart account', {
          hint: `run \`betmirror auth --exchange ${venue.id} --smart-account\` or set BETMIRROR_SESSION_KEY`,
        });
      }
      ctx.redactor.add(key);
      return key as Hex;
    },
  });
}

/** Runs `work` with an initialized adapter and always releases it. */
export async function withVenue<T>(
  ctx: CommandContext,
  exchange: string | undefined,
  work: (session: VenueSession) => Promise<T>,
  options: WithVenueOptions = {},
): Promise<T> {
  const session = await openVenue(ctx, exchange, options);
  try {
    await options.beforeInitialize?.(session);
    await ctx.output.busy(`connecting to ${session.venue.title}`, () => session.adapter.initialize());
    return await work(session);
  } finally {
    await session.adapter.close?.();
  }
}

/**
 * Market titles for human output, with the lookup this venue offers (none for a venue it does not
 * know: ids are printed). Reads settings only, never secrets.
 */
export async function marketTitles(ctx: CommandContext, venueId: string): Promise<MarketTitles> {
  return new MarketTitles(ctx.deps.configDir, await titleLookup(ctx, venueId));
}

async function titleLookup(ctx: CommandContext, venueId: string): Promise<TitleLookup | undefined> {
  if (!ctx.deps.exchanges.ids().includes(venueId)) return undefined;
  const venue = await ctx.deps.exchanges.get(venueId);
  const settings = resolveSettings(ctx, venue);
  if (venue.id === 'polymarket' && settings.gammaUrl) return gammaTitleLookup(settings.gammaUrl, ctx.deps.fetch);
  if (venue.id === 'kalshi') {
    const { KALSHI_URLS } = await import('../exchanges/kalshi/settings.js');
    return kalshiTitleLookup(settings.apiUrl ?? KALSHI_URLS[settings.env === 'demo' ? 'demo' : 'prod'], ctx.deps.fetch);
  }
  return undefined;
}
