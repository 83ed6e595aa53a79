/**
 * `betmirror auth`: set up a venue for a profile. Asks for (or takes from the environment) the venue's
 * credentials, obtains venue-issued credentials (authenticate), checks the permissions before anything
 * is traded, then stores settings in the profile and secrets in the encrypted store.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { AuthenticationError, BadInputError } from '../core/errors.js';
import type { PermissionReport } from '../core/types.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import { openVenue, resolveSecrets, resolveVenue, vaultKey } from './venue.js';

export interface AuthOptions {
  exchange?: string;
  signatureType?: string;
  funder?: string;
  env?: string;
  apiKeyId?: string;
  privateKeyFile?: string;
  set?: string[];
  smartAccount?: boolean;
  cashoutTo?: string[];
  bundlerUrl?: string;
  paymasterUrl?: string;
}

export interface AuthResultView {
  exchange: string;
  profile: string;
  account: string;
  permissions: PermissionReport;
  /** Names (never values) of the secrets written to the encrypted store. */
  storedSecrets: string[];
}

/** Convenience flags and the venue setting each one fills. */
const SETTING_FLAGS: Array<[keyof AuthOptions, string]> = [
  ['signatureType', 'signatureType'],
  ['funder', 'funder'],
  ['env', 'env'],
  ['apiKeyId', 'apiKeyId'],
];

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('auth')
    .description('Set up credentials for a venue, check them, and store them encrypted in the profile')
    .option('-e, --exchange <id>', "venue (default: the profile's exchange)")
    .option('--signature-type <type>', 'polymarket funding mode: eoa, proxy, safe or deposit-wallet (0-3)')
    .option('--funder <address>', 'polymarket funder address (proxy, Safe or deposit wallet)')
    .option('--env <env>', 'kalshi environment: prod or demo')
    .option('--api-key-id <id>', 'kalshi API key id')
    .option('--private-key-file <path>', 'read the private key (hex, or a PEM for kalshi) from this file')
    .option('--set <key=value...>', 'any other venue setting, e.g. --set clobUrl=http://127.0.0.1:8080')
    .option('--smart-account', 'set up a ZeroDev smart account with a restricted session key for cash-outs')
    .option('--cashout-to <address...>', 'with --smart-account: the only addresses cash-outs may go to')
    .option('--bundler-url <url>', 'with --smart-account: ERC-4337 bundler (your ZeroDev project RPC); or BUNDLER_URL')
    .option('--paymaster-url <url>', 'with --smart-account: paymaster for sponsored gas (default: the bundler); or PAYMASTER_URL')
    .addHelpText(
      'after',
      '\nExamples:\n  $ betmirror auth --exchange polymarket --signature-type safe --funder 0x9a3c...77\n  $ betmirror auth --exchange polymarket --smart-account --cashout-to 0x3f5c...e1 --bundler-url https://rpc.zerodev.app/api/v3/<project>/chain/137\n  $ betmirror auth --exchange kalshi --env demo --api-key-id 5d1e... --private-key-file ~/kalshi.pem\n',
    )
    .action(async (options: AuthOptions, command: Command) => {
      const ctx = context(command);
      if (options.smartAccount) {
        // Loaded only here: the account-abstraction libraries are heavy.
        const { runSmartAccountAuth, renderSmartAccountAuth } = await import('./auth-smart-account.js');
        ctx.output.result(await runSmartAccountAuth(options, ctx), renderSmartAccountAuth);
      } else ctx.output.result(await run(options, ctx), render);
    });
}

export async function run(options: AuthOptions, ctx: CommandContext): Promise<AuthResultView> {
  const venue = await resolveVenue(ctx, options.exchange);
  const overrides = settingOverrides(venue, options);
  const typed = await collectSecrets(ctx, venue, options);
  const { adapter } = await openVenue(ctx, venue.id, { overrides, secrets: typed });
  const spinner = ctx.output.spinner(`checking ${venue.title} credentials`);
  try {
    await adapter.initialize();
    const auth = await adapter.authenticate();
    const permissions = await adapter.validatePermissions();
    const blocking = permissions.checks.filter((check) => !check.ok && check.severity !== 'warning');
    if (!permissions.ok || blocking.length > 0) {
      const failed = blocking.map((check) => `${check.name}: ${check.detail}`);
      throw new AuthenticationError(`${venue.title} refused this setup (nothing was saved):\n  ${failed.join('\n  ')}`);
    }
    spinner.succeed(`${venue.title} credentials work`);
    for (const check of permissions.checks.filter((c) => !c.ok)) ctx.output.warn(`${check.name}: ${check.detail}`);

    const profile = ctx.profile;
    const stored = profile.venues?.[venue.id] ?? {};
    const kept = Object.fromEntries(Object.entries(overrides).filter((entry): entry is [string, string] => entry[1] !== undefined));
    ctx.config.saveProfile(ctx.profileName, {
      ...profile,
      exchange: profile.exchange ?? venue.id,
      venues: { ...profile.venues, [venue.id]: { ...stored, ...kept } },
    });
    const toStore: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...typed, ...auth.issuedSecrets })) toStore[vaultKey(venue, key)] = value;
    const storedSecrets = await storeSecrets(ctx, toStore);
    return { exchange: venue.id, profile: ctx.profileName, account: auth.account, permissions, storedSecrets };
  } catch (error) {
    spinner.fail(`${venue.title} credentials refused`);
    throw error;
  } finally {
    await adapter.close?.();
  }
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

/** Secrets from --private-key-file or typed at a prompt (those are stored); env-provided ones are not. */
async function collectSecrets(ctx: CommandContext, venue: VenueDefinition, options: AuthOptions): Promise<Record<string, string>> {
  const typed: Record<string, string> = {};
  const primary = venue.secrets.find((spec) => spec.required);
  if (options.privateKeyFile && primary) {
    typed[primary.key] = (await ctx.deps.readTextFile(options.privateKeyFile).catch((cause) => {
      throw new BadInputError(`cannot read --private-key-file ${options.privateKeyFile}: ${(cause as Error).message}`);
    })).trim();
  }
  const present = await resolveSecrets(ctx, venue, typed, false);
  for (const spec of venue.secrets.filter((s) => s.required && present[s.key] === undefined)) {
    const sources = [spec.env, spec.fileEnv, '--private-key-file'].filter(Boolean).join(' or ');
    typed[spec.key] = (await ctx.deps.prompter.password(`${venue.title} ${spec.description}:`, sources)).trim();
  }
  Object.values(typed).forEach((secret) => ctx.redactor.add(secret));
  return typed;
}

async function storeSecrets(ctx: CommandContext, secrets: Record<string, string>): Promise<string[]> {
  const names = Object.keys(secrets);
  if (names.length === 0) return [];
  if (!ctx.canUnlockVault()) {
    ctx.output.warn('not storing venue credentials: set BETMIRROR_PASSWORD to keep them in the encrypted store; they will be derived again on each run');
    return [];
  }
  await ctx.updateVault(secrets);
  return names;
}

function render(result: AuthResultView): string {
  const lines = [`${result.exchange}: authenticated as ${result.account} (profile ${result.profile})`];
  for (const check of result.permissions.checks) {
    lines.push(`  ${check.ok ? 'ok  ' : check.severity === 'warning' ? 'WARN' : 'FAIL'} ${check.name}: ${check.detail}`);
  }
  if (result.storedSecrets.length) lines.push(`stored encrypted: ${result.storedSecrets.join(', ')}`);
  return lines.join('\n');
}
