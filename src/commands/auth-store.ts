/**
 * The profile's stores as `auth` writes them, shared by its venue-key flow (auth.ts) and its
 * smart-account flow (auth-smart-account.ts): the mirror's lock, held while auth runs; the secret
 * store, unlocked or given its new password before any request; and the one write at the end (the
 * store first, put back if the profile cannot be written).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import type { Profile } from '../config/config.js';
import type { Secrets } from '../config/vault.js';
import { BadInputError } from '../core/errors.js';

/**
 * One mirror per profile applies to auth: a running mirror holds the profile's lock, and `work` (from
 * the first prompt to the last write) runs holding it too. So auth never changes the keys of a running
 * mirror (it fails with the lock's ConfigError, naming the mirror's pid, having asked, sent and written
 * nothing), and no mirror starts half-way through it. A profile no mirror has run on has no lock file
 * (the mirror creates it): then there is none to take, and auth does not create the state directory.
 */
export async function withProfileLock<T>(ctx: CommandContext, work: () => Promise<T>, profileName = ctx.profileName): Promise<T> {
  const stateDir = ctx.config.stateDir(profileName);
  if (!existsSync(join(stateDir, 'mirror.lock'))) return work();
  // Loaded only here: the lock module loads better-sqlite3, which `betmirror --help` should not pay for.
  const { StateLock } = await import('../mirror/lock.js');
  const lock = StateLock.acquire(stateDir, ctx.deps.clock.now());
  try {
    return await work();
  } finally {
    lock.release();
  }
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

  /**
   * Unlocks an existing store (a wrong password fails here, before anything is sent). The context is
   * unlocked with it, so the venue opening reads the same contents and the password is asked once.
   */
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
    return new AuthSecretStore(ctx, true, await ctx.unlockVault(password), password);
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

/** The secret store first, then the profile; the store is put back if the profile cannot be written. */
export async function commit(ctx: CommandContext, store: AuthSecretStore, secrets: Secrets | undefined, profile: Profile): Promise<void> {
  const undo = secrets ? await store.write(secrets) : undefined;
  try {
    ctx.config.saveProfile(ctx.profileName, profile);
  } catch (error) {
    await undo?.();
    throw error;
  }
}
