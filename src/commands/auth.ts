/**
 * `betmirror auth`: set up a venue for a profile. Asks for (or takes from the environment) the venue's
 * credentials, obtains venue-issued credentials (authenticate), checks the permissions before anything
 * is traded, then stores settings in the profile and secrets in the encrypted store.
 *
 * Transactional: what can be refused locally (flags, the key file, the store's password) is refused
 * before the first venue request, and nothing is written until every step succeeded. Then the secret
 * store and the profile are written together, the store first and put back if the profile cannot be
 * written. A re-run replaces what the previous run stored for the venue: a key replaced by another one
 * takes the credentials issued for it along. While a mirror runs on the profile, auth changes nothing
 * (auth-store.ts: withProfileLock).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { list, value, type Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import type { Profile } from '../config/config.js';
import type { Secrets } from '../config/vault.js';
import { AuthenticationError, BadInputError } from '../core/errors.js';
import type { PermissionReport } from '../core/types.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import { refuseWithoutSmartAccount, renderSmartAccount, runSmartAccount, SMART_ACCOUNT_FLAGS } from './auth-smart-account.js';
import { AuthSecretStore, commit, withProfileLock } from './auth-store.js';
import { exchangeFlag, openVenue, resolveSecrets, resolveVenue, vaultKey } from './venue.js';

const text = (value: string) => value;

const flags = (info: ProgramInfo) => ({
  exchange: exchangeFlag(info.exchangeIds),
  signatureType: value('--signature-type <type>', 'polymarket funding mode: eoa, proxy, safe or deposit-wallet (0-3)', text),
  funder: value('--funder <address>', 'polymarket funder address (proxy, Safe or deposit wallet)', text),
  env: value('--env <env>', 'kalshi environment: prod or demo', text),
  apiKeyId: value('--api-key-id <id>', 'kalshi API key id', text),
  privateKeyFile: value('--private-key-file <path>', 'read the private key (hex, or a PEM for kalshi) from this file', text),
  // Not comma-split: a setting's value may hold commas (cashoutAllow).
  set: list('--set <key=value...>', 'any other venue setting, e.g. --set clobUrl=http://127.0.0.1:8080', text, { commas: false }),
  ...SMART_ACCOUNT_FLAGS,
});

export type AuthOptions = Options<ReturnType<typeof flags>>;

export interface AuthResultView {
  exchange: string;
  profile: string;
  account: string;
  permissions: PermissionReport;
  /** Names (never values) of the secrets written to the encrypted store by this run. */
  storedSecrets: string[];
  /** Names of the venue's secrets an earlier run stored that this run removed (replaced key, stale credentials). */
  droppedSecrets: string[];
}

/** Convenience flags and the venue setting each one fills. */
const SETTING_FLAGS: Array<[keyof AuthOptions, string]> = [
  ['signatureType', 'signatureType'],
  ['funder', 'funder'],
  ['env', 'env'],
  ['apiKeyId', 'apiKeyId'],
];

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'auth',
    summary: 'Set up credentials for a venue, check them, and store them encrypted in the profile',
    flags: flags(info),
    examples: [
      '$ betmirror auth --exchange polymarket --signature-type safe --funder 0x9a3c...77',
      '$ betmirror auth --exchange polymarket --smart-account --cashout-to 0x3f5c...e1 --bundler-url https://rpc.zerodev.app/api/v3/<project>/chain/137',
      '$ betmirror auth --exchange polymarket --smart-account --rotate --session-expiry 30',
      '$ betmirror auth --exchange kalshi --env demo --api-key-id 5d1e... --private-key-file ~/kalshi.pem --json',
    ],
    venueEnvironment: true,
    environment: [
      PASSWORD_ENVIRONMENT,
      { name: 'BETMIRROR_OWNER_PRIVATE_KEY', description: '--smart-account: the owner key (else asked; used once, never stored)' },
      { name: 'BETMIRROR_CASHOUT_TO', description: '--smart-account: destinations when --cashout-to is not given (comma-separated)' },
      { name: 'BUNDLER_URL', description: '--smart-account: ERC-4337 bundler when --bundler-url is not given' },
      { name: 'PAYMASTER_URL', description: '--smart-account: paymaster when --paymaster-url is not given' },
    ],
    action: async (options, ctx, _args, command) => {
      refuseWithoutSmartAccount(options, command);
      if (options.smartAccount) ctx.output.result(await runSmartAccount(options, ctx), renderSmartAccount);
      else ctx.output.result(await run(options, ctx), render);
    },
  });
}

export async function run(options: AuthOptions, ctx: CommandContext): Promise<AuthResultView> {
  // ---- local: nothing below reaches the venue until the store's password is settled ----
  const venue = await resolveVenue(ctx, options.exchange);
  const overrides = settingOverrides(venue, options);
  const fromFile = await secretFromFile(ctx, venue, options.privateKeyFile);
  return withProfileLock(ctx, () => setUp(ctx, venue, overrides, fromFile));
}

/** With the profile locked: the secret store, the venue's checks, then one write at the end. */
async function setUp(
  ctx: CommandContext,
  venue: VenueDefinition,
  overrides: Record<string, string | undefined>,
  fromFile: Record<string, string>,
): Promise<AuthResultView> {
  const store = await AuthSecretStore.open(ctx);
  const typed = { ...fromFile, ...(await promptForMissing(ctx, venue, fromFile)) };
  Object.values(typed).forEach((secret) => ctx.redactor.add(secret));
  const typedNames = Object.keys(typed).map((key) => vaultKey(venue, key));
  await store.prepare({
    required: typedNames.length > 0 ? `the key given to auth (${typedNames.join(', ')})` : undefined,
    // Venues with optional secrets are the ones that issue credentials worth keeping.
    wanted: venue.secrets.some((spec) => !spec.required),
  });

  // ---- the venue ----
  const { adapter, secrets: used } = await openVenue(ctx, venue.id, { overrides, secrets: typed });
  const spinner = ctx.output.spinner(`checking ${venue.title} credentials`);
  let account: string;
  let issued: Record<string, string>;
  let permissions: PermissionReport;
  try {
    await adapter.initialize();
    const auth = await adapter.authenticate();
    [account, issued] = [auth.account, auth.issuedSecrets ?? {}];
    permissions = await adapter.validatePermissions();
    const blocking = permissions.checks.filter((check) => !check.ok && check.severity !== 'warning');
    if (!permissions.ok || blocking.length > 0) {
      const failed = blocking.map((check) => `${check.name}: ${check.detail}`);
      throw new AuthenticationError(`${venue.title} refused this setup (nothing was saved):\n  ${failed.join('\n  ')}`);
    }
    spinner.succeed(`${venue.title} credentials work`);
  } catch (error) {
    spinner.fail(`${venue.title} credentials refused`);
    throw error;
  } finally {
    await adapter.close?.();
  }
  for (const check of permissions.checks.filter((c) => !c.ok)) ctx.output.warn(`${check.name}: ${check.detail}`);

  // ---- one write at the end ----
  const profile = ctx.profile;
  const kept = Object.fromEntries(Object.entries(overrides).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const nextProfile: Profile = {
    ...profile,
    exchange: profile.exchange ?? venue.id,
    venues: { ...profile.venues, [venue.id]: { ...profile.venues?.[venue.id], ...kept } },
  };
  const plan = venueSecrets(venue, store.current, used, typed, issued);
  if (!store.writable && Object.keys(issued).length > 0) {
    ctx.output.warn('not storing venue credentials: set BETMIRROR_PASSWORD to keep them in the encrypted store; they will be derived again on each run');
  }
  await commit(ctx, store, store.writable ? plan.next : undefined, nextProfile);
  return {
    exchange: venue.id,
    profile: ctx.profileName,
    account,
    permissions,
    storedSecrets: store.writable ? plan.stored : [],
    droppedSecrets: store.writable ? plan.dropped : [],
  };
}

function settingOverrides(venue: VenueDefinition, options: AuthOptions): Record<string, string | undefined> {
  const known = new Set(venue.settings.map((spec) => spec.key));
  const overrides: Record<string, string | undefined> = {};
  const put = (key: string, value: string, flag: string) => {
    if (!known.has(key)) throw new BadInputError(`${flag} does not apply to ${venue.title} (its settings: ${[...known].join(', ')})`);
    overrides[key] = value;
  };
  for (const [option, key] of SETTING_FLAGS) {
    const value = options[option];
    if (typeof value === 'string') put(key, value, `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  }
  for (const pair of options.set ?? []) {
    const match = /^([A-Za-z][\w.]*)=(.*)$/.exec(pair);
    if (!match) throw new BadInputError(`--set takes key=value (got ${pair})`);
    put(match[1]!, match[2]!, `--set ${match[1]}`);
  }
  return overrides;
}

async function secretFromFile(ctx: CommandContext, venue: VenueDefinition, path: string | undefined): Promise<Record<string, string>> {
  const primary = venue.secrets.find((spec) => spec.required);
  if (!path || !primary) return {};
  const text = await ctx.deps.readTextFile(path).catch((cause) => {
    throw new BadInputError(`cannot read --private-key-file ${path}: ${(cause as Error).message}`);
  });
  return { [primary.key]: text.trim() };
}

/** Required secrets found nowhere (flags, environment, the store) are asked for; those are stored. */
async function promptForMissing(ctx: CommandContext, venue: VenueDefinition, given: Record<string, string>): Promise<Record<string, string>> {
  const typed: Record<string, string> = {};
  const present = await resolveSecrets(ctx, venue, given, false);
  for (const spec of venue.secrets.filter((s) => s.required && present[s.key] === undefined)) {
    const sources = [spec.env, spec.fileEnv, '--private-key-file'].filter(Boolean).join(' or ');
    typed[spec.key] = (await ctx.deps.prompter.password(`${venue.title} ${spec.description}:`, sources)).trim();
  }
  return typed;
}

/**
 * The store's next contents for this venue: what was typed or issued now, plus what the store held and
 * this run used unchanged. A stored value that was overridden (another key from the environment,
 * which is never stored) is dropped with everything issued for it, and so is any other entry of the
 * venue left by an earlier setup: the next command must not pair the old key with the new credentials.
 */
function venueSecrets(
  venue: VenueDefinition,
  current: Secrets,
  used: Readonly<Record<string, string | undefined>>,
  typed: Record<string, string>,
  issued: Record<string, string>,
): { next: Secrets; stored: string[]; dropped: string[] } {
  const mine = (name: string) => name.startsWith(`${venue.id}.`);
  const next: Secrets = Object.fromEntries(Object.entries(current).filter(([name]) => !mine(name)));
  for (const spec of venue.secrets) {
    const name = vaultKey(venue, spec.key);
    const value = typed[spec.key] ?? (used[spec.key] !== undefined && used[spec.key] === current[name] ? current[name] : undefined);
    if (value !== undefined) next[name] = value;
  }
  for (const [key, value] of Object.entries(issued)) next[vaultKey(venue, key)] = value;
  const stored = [...Object.keys(typed), ...Object.keys(issued)].map((key) => vaultKey(venue, key));
  const dropped = Object.keys(current).filter((name) => mine(name) && next[name] === undefined);
  return { next, stored: [...new Set(stored)], dropped };
}

function render(result: AuthResultView): string {
  const lines = [`${result.exchange}: authenticated as ${result.account} (profile ${result.profile})`];
  for (const check of result.permissions.checks) {
    lines.push(`  ${check.ok ? 'ok  ' : check.severity === 'warning' ? 'WARN' : 'FAIL'} ${check.name}: ${check.detail}`);
  }
  if (result.storedSecrets.length) lines.push(`stored encrypted: ${result.storedSecrets.join(', ')}`);
  if (result.droppedSecrets.length) lines.push(`removed from the store (previous setup): ${result.droppedSecrets.join(', ')}`);
  return lines.join('\n');
}
