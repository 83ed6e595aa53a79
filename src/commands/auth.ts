/**
 * `betmirror auth`: set up a venue for a profile. Asks for (or takes from the environment) the venue's
 * credentials, obtains venue-issued credentials (authenticate), checks the permissions before anything
 * is traded, then stores settings in the profile and secrets in the encrypted store.
 *
 * Transactional: what can be refused locally (flags, the key file, the store's password) is refused
 * before the first venue request, and nothing is written until every step succeeded. Then the secret
 * store and the profile are written together, the store first and put back if the profile cannot be
 * written. A re-run replaces what the previous run stored for the venue: a key replaced by another one
 * takes the credentials issued for it along.
 */
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { Address, Hex } from 'viem';
import type { CommandContext } from '../cli/context.js';
import type { Profile } from '../config/config.js';
import type { Secrets } from '../config/vault.js';
import { AuthenticationError, BadInputError, NotSupportedError } from '../core/errors.js';
import type { PermissionReport } from '../core/types.js';
import { DEFAULT_SESSION_LIMITS, parseLimit, sessionLimits, type SessionLimitChoice } from '../custody/limits.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import { parseAddress } from './parse.js';
import { openVenue, resolveSecrets, resolveSettings, resolveVenue, SESSION_KEY_SECRET, vaultKey } from './venue.js';

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
  sessionExpiry?: string;
  sessionRate?: string;
  revoke?: boolean;
  rotate?: boolean;
}

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
    .option('--session-expiry <days>', 'with --smart-account: days until the chain refuses the session key', String(DEFAULT_SESSION_LIMITS.expiryDays))
    .option(
      '--session-rate <per-day>',
      'with --smart-account: session-key operations a day, one every 24h/N (unused ones carry over, N x days in all)',
      String(DEFAULT_SESSION_LIMITS.operationsPerDay),
    )
    .option('--rotate', "with --smart-account: approve a new session key and revoke the old one (signed by the owner key)")
    .option('--revoke', "with --smart-account: revoke the session key on chain (signed by the owner key) and remove the setup from the profile")
    .addHelpText(
      'after',
      '\nExamples:\n  $ betmirror auth --exchange polymarket --signature-type safe --funder 0x9a3c...77\n  $ betmirror auth --exchange polymarket --smart-account --cashout-to 0x3f5c...e1 --bundler-url https://rpc.zerodev.app/api/v3/<project>/chain/137\n  $ betmirror auth --exchange polymarket --smart-account --rotate --session-expiry 30\n  $ betmirror auth --exchange kalshi --env demo --api-key-id 5d1e... --private-key-file ~/kalshi.pem\n',
    )
    .action(async (options: AuthOptions, command: Command) => {
      const ctx = context(command);
      for (const flag of ['rotate', 'revoke', 'sessionExpiry', 'sessionRate'] as const) {
        if (!options.smartAccount && command.getOptionValueSource(flag) === 'cli') {
          throw new BadInputError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --smart-account`);
        }
      }
      if (options.smartAccount) ctx.output.result(await runSmartAccount(options, ctx), renderSmartAccount);
      else ctx.output.result(await run(options, ctx), render);
    });
}

export async function run(options: AuthOptions, ctx: CommandContext): Promise<AuthResultView> {
  // ---- local: nothing below reaches the venue until the store's password is settled ----
  const venue = await resolveVenue(ctx, options.exchange);
  const overrides = settingOverrides(venue, options);
  const fromFile = await secretFromFile(ctx, venue, options.privateKeyFile);
  const store = await AuthSecretStore.open(ctx);
  const local = store.view();
  const typed = { ...fromFile, ...(await promptForMissing(local, venue, fromFile)) };
  Object.values(typed).forEach((secret) => ctx.redactor.add(secret));
  const typedNames = Object.keys(typed).map((key) => vaultKey(venue, key));
  await store.prepare({
    required: typedNames.length > 0 ? `the key given to auth (${typedNames.join(', ')})` : undefined,
    // Venues with optional secrets are the ones that issue credentials worth keeping.
    wanted: venue.secrets.some((spec) => !spec.required),
  });

  // ---- the venue ----
  const { adapter, secrets: used } = await openVenue(local, venue.id, { overrides, secrets: typed });
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

/** The secret store first, then the profile; the store is put back if the profile cannot be written. */
async function commit(ctx: CommandContext, store: AuthSecretStore, secrets: Secrets | undefined, profile: Profile): Promise<void> {
  const undo = secrets ? await store.write(secrets) : undefined;
  try {
    ctx.config.saveProfile(ctx.profileName, profile);
  } catch (error) {
    await undo?.();
    throw error;
  }
}

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

/**
 * `auth --smart-account`: non-custodial custody. Set-up: a session key is generated here and kept in
 * the encrypted store; the owner's key is asked once, used in memory to approve the key's restricted
 * permission (call policy, no EIP-1271, expiry, rate limit) on the ZeroDev Kernel account, and
 * dropped; the approval (no secret) goes to the profile. `--rotate` approves a new key and revokes the
 * old one; `--revoke` revokes it and removes the setup from the profile; both are UserOperations the
 * owner signs. Same transaction rules as `run`: local refusals first, one write at the end.
 */
export async function runSmartAccount(options: AuthOptions, ctx: CommandContext): Promise<SmartAccountAuthResult> {
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

function limitChoice(options: AuthOptions): SessionLimitChoice {
  return {
    expiryDays: parseLimit('--session-expiry', 'expiryDays', options.sessionExpiry ?? String(DEFAULT_SESSION_LIMITS.expiryDays)),
    operationsPerDay: parseLimit('--session-rate', 'operationsPerDay', options.sessionRate ?? String(DEFAULT_SESSION_LIMITS.operationsPerDay)),
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

function renderSmartAccount(result: SmartAccountAuthResult): string {
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

const PASSWORD_SOURCE = 'the BETMIRROR_PASSWORD environment variable';
/** As CommandContext requires of a new store (src/cli/context.ts). */
const MIN_PASSWORD_LENGTH = 8;

/**
 * The profile's secret store as `auth` uses it: unlocked, or its new password chosen and checked,
 * before any venue request; read once; written once at the end with its whole new contents, so entries
 * can be removed as well as set (CommandContext.updateVault only adds).
 */
export class AuthSecretStore {
  private constructor(
    private readonly ctx: CommandContext,
    private readonly existed: boolean,
    /** The store's contents before this run ({} when there is none yet). */
    readonly current: Secrets,
    private password?: string,
  ) {}

  /** Unlocks an existing store (a wrong password fails here, before anything is sent). */
  static async open(ctx: CommandContext): Promise<AuthSecretStore> {
    const vault = ctx.vault();
    if (!vault.exists()) return new AuthSecretStore(ctx, false, {});
    const { env, prompter } = ctx.deps;
    const password = env.BETMIRROR_PASSWORD ?? (prompter.interactive ? await prompter.password('Secret store password:', PASSWORD_SOURCE) : undefined);
    if (password === undefined) {
      throw new BadInputError(`the secret store ${vault.path} is locked and there is no terminal to ask for its password: nothing was saved`, {
        hint: 'set BETMIRROR_PASSWORD to the password of the secret store',
      });
    }
    ctx.redactor.add(password);
    const current = await vault.read(password);
    Object.values(current).forEach((secret) => ctx.redactor.add(secret));
    return new AuthSecretStore(ctx, true, current, password);
  }

  get writable(): boolean {
    return this.password !== undefined;
  }

  /**
   * For a store that does not exist yet: settles its password now. `required` names what must be
   * stored (auth fails without a password); `wanted` asks for one when there is a way to get it.
   */
  async prepare(need: { required?: string; wanted?: boolean }): Promise<void> {
    if (this.password !== undefined || (!need.required && !need.wanted)) return;
    const { env, prompter } = this.ctx.deps;
    let password = env.BETMIRROR_PASSWORD;
    const source = password === undefined ? 'the password typed' : 'BETMIRROR_PASSWORD';
    if (password === undefined && prompter.interactive) {
      password = await prompter.password('New password for the secret store:', PASSWORD_SOURCE);
      if (password !== (await prompter.password('Repeat the password:', PASSWORD_SOURCE))) {
        throw new BadInputError('the two passwords differ: nothing was saved');
      }
    }
    if (password === undefined) {
      if (!need.required) return;
      throw new BadInputError(`${need.required} must be kept in the encrypted secret store, and there is no terminal to ask for its password: nothing was saved`, {
        hint: 'set BETMIRROR_PASSWORD to the password for the new secret store',
      });
    }
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new BadInputError(`the secret store password needs at least ${MIN_PASSWORD_LENGTH} characters (${source} has ${password.length}): nothing was saved`);
    }
    this.ctx.redactor.add(password);
    this.password = password;
  }

  /**
   * The context as the venue opening sees it during auth: its reads of the store answer from what was
   * unlocked here, so the password is asked once (CommandContext keeps the one it asks for private).
   */
  view(): CommandContext {
    const view = Object.create(this.ctx) as CommandContext;
    view.readVault = async () => this.current;
    return view;
  }

  /** Writes `next` as the store's whole contents; returns how to put the previous contents back. */
  async write(next: Secrets): Promise<(() => Promise<void>) | undefined> {
    if (!this.password) throw new Error('AuthSecretStore.write before prepare');
    if (sameSecrets(next, this.current) && this.existed) return undefined;
    const [vault, password] = [this.ctx.vault(), this.password];
    await vault.write(password, next);
    return this.existed ? () => vault.write(password, this.current) : async () => rmSync(vault.path, { force: true });
  }
}

function sameSecrets(a: Secrets, b: Secrets): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
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
