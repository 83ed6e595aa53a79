/**
 * `betmirror profile list|use|show|remove`: the named profiles of config.json (settings) and their
 * secret stores. `auth --profile <name>` creates one; these look at, switch and remove them.
 */
import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { DEFAULT_PROFILE, type Profile } from '../config/config.js';
import { BadInputError } from '../core/errors.js';
import { withProfileLock } from './auth-store.js';

export interface ProfileSummary {
  name: string;
  active: boolean;
  exchange?: string;
  /** Venues with settings in the profile. */
  venues: string[];
  /** The encrypted secret store exists (its contents need the password; none is shown). */
  secretStore: boolean;
  smartAccount?: string;
}

export interface ProfileList {
  active: string;
  profiles: ProfileSummary[];
}

export interface ProfileView extends ProfileSummary {
  settings: Profile;
  configFile: string;
  secretStorePath: string;
  stateDir: string;
}

export interface ProfileChange {
  action: 'used' | 'removed';
  profile: string;
  active: string;
  /** remove: the secret store was deleted too. */
  secretStoreRemoved?: boolean;
  /** remove: the mirror's state, kept (its books and order history). */
  stateDir?: string;
}

const NAME: readonly [string, string] = ['<name>', 'profile name'];

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  const group = program
    .command('profile')
    .description('List, switch, show and remove profiles (created by `auth --profile <name>`)')
    .addHelpText('after', '\nExamples:\n  $ betmirror profile list\n  $ betmirror profile use work\n  $ betmirror profile show work --json\n  $ betmirror profile remove old --yes');
  declare(group, context, info, {
    name: 'list',
    summary: 'List the profiles; the active one is marked *',
    flags: {},
    examples: ['$ betmirror profile list --json'],
    action: async (_options, ctx) => ctx.output.result(list(ctx), renderList),
  });
  declare(group, context, info, {
    name: 'use',
    summary: 'Make a profile the active one (used when --profile and BETMIRROR_PROFILE are not given)',
    arguments: [NAME],
    flags: {},
    examples: ['$ betmirror profile use work'],
    action: async (_options, ctx, [name]) => ctx.output.result(use(ctx, name!), renderChange),
  });
  declare(group, context, info, {
    name: 'show',
    summary: "Show a profile's settings (default: the current profile); secrets are never shown",
    arguments: [['[name]', 'profile name (default: --profile, BETMIRROR_PROFILE, else the active one)']],
    flags: {},
    examples: ['$ betmirror profile show', '$ betmirror profile show work --json'],
    action: async (_options, ctx, [name]) => ctx.output.result(show(ctx, name ?? ctx.profileName), renderView),
  });
  declare(group, context, info, {
    name: 'remove',
    summary: "Remove a profile's settings and its encrypted secret store (asks first)",
    arguments: [NAME],
    flags: {},
    examples: ['$ betmirror profile remove old --yes'],
    action: async (_options, ctx, [name]) => ctx.output.result(await remove(ctx, name!), renderChange),
  });
}

function known(ctx: CommandContext): string[] {
  const names = [...ctx.config.profileNames(), ...ctx.config.vaultProfileNames()];
  return [...new Set(names)];
}

function summary(ctx: CommandContext, name: string, active: string): ProfileSummary {
  const profile = ctx.config.profile(name);
  return {
    name,
    active: name === active,
    ...(profile.exchange ? { exchange: profile.exchange } : {}),
    venues: Object.keys(profile.venues ?? {}),
    secretStore: existsSync(ctx.config.vaultPath(name)),
    ...(profile.custody ? { smartAccount: profile.custody.smartAccount } : {}),
  };
}

export function list(ctx: CommandContext): ProfileList {
  const active = ctx.config.activeProfileName();
  const names = known(ctx);
  if (!names.includes(active)) names.unshift(active);
  return { active, profiles: names.map((name) => summary(ctx, name, active)) };
}

function requireKnown(ctx: CommandContext, name: string): void {
  const names = known(ctx);
  if (names.includes(name)) return;
  throw new BadInputError(`there is no profile "${name}"${names.length ? ` (profiles: ${names.join(', ')})` : ''}`, {
    hint: `create it with \`betmirror auth --exchange <id> --profile ${name}\``,
  });
}

export function use(ctx: CommandContext, name: string): ProfileChange {
  requireKnown(ctx, name);
  ctx.config.setActiveProfile(name);
  return { action: 'used', profile: name, active: name };
}

export function show(ctx: CommandContext, name: string): ProfileView {
  if (name !== DEFAULT_PROFILE) requireKnown(ctx, name);
  const active = ctx.config.activeProfileName();
  const settings = ctx.config.profile(name);
  // RPC, bundler and paymaster URLs carry API keys in their path or query: shown masked.
  for (const venue of Object.values(settings.venues ?? {})) Object.values(venue).forEach((value) => ctx.redactor.addUrls(value));
  for (const url of [settings.custody?.bundlerUrl, settings.custody?.paymasterUrl]) ctx.redactor.addUrls(url);
  return {
    ...summary(ctx, name, active),
    settings,
    configFile: ctx.config.path,
    secretStorePath: ctx.config.vaultPath(name),
    stateDir: ctx.config.stateDir(name),
  };
}

/** Never while a mirror runs on the profile (it holds the profile's lock). */
export async function remove(ctx: CommandContext, name: string): Promise<ProfileChange> {
  requireKnown(ctx, name);
  const vault = ctx.config.vaultPath(name);
  const hasVault = existsSync(vault);
  await ctx.confirm(`Remove profile "${name}"${hasVault ? ' and its encrypted secret store (the keys in it are gone for good)' : ''}?`);
  return withProfileLock(
    ctx,
    async () => {
      ctx.config.removeProfile(name);
      if (hasVault) rmSync(vault, { force: true });
      return { action: 'removed', profile: name, active: ctx.config.activeProfileName(), secretStoreRemoved: hasVault, stateDir: ctx.config.stateDir(name) };
    },
    name,
  );
}

function renderList(result: ProfileList): string {
  if (result.profiles.length === 0) return 'no profiles yet: create one with `betmirror auth --exchange <id>`';
  return result.profiles
    .map((p) => {
      const details = [p.exchange ?? 'no exchange set', p.secretStore ? 'secret store' : 'no secret store', ...(p.smartAccount ? [`smart account ${p.smartAccount}`] : [])];
      return `${p.active ? '*' : ' '} ${p.name}  (${details.join(', ')})`;
    })
    .join('\n');
}

function renderView(view: ProfileView): string {
  const lines = [`profile ${view.name}${view.active ? ' (active)' : ''}`, `  exchange: ${view.exchange ?? 'not set (polymarket)'}`];
  for (const [venue, settings] of Object.entries(view.settings.venues ?? {})) {
    lines.push(`  ${venue}:`, ...Object.entries(settings).map(([key, value]) => `    ${key}: ${value}`));
  }
  const mirror = Object.entries(view.settings.mirror ?? {});
  if (mirror.length) lines.push('  mirror:', ...mirror.map(([key, value]) => `    ${key}: ${value}`));
  if (view.smartAccount) lines.push(`  smart account: ${view.smartAccount}`);
  lines.push(`  secret store: ${view.secretStore ? view.secretStorePath : 'none'}`, `  settings in: ${view.configFile}`);
  return lines.join('\n');
}

function renderChange(change: ProfileChange): string {
  if (change.action === 'used') return `active profile: ${change.profile}`;
  const lines = [`removed profile ${change.profile}${change.secretStoreRemoved ? ' and its secret store' : ''}; active profile: ${change.active}`];
  if (change.stateDir && existsSync(change.stateDir)) lines.push(`its mirror state is kept in ${change.stateDir}`);
  return lines.join('\n');
}
