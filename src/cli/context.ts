/**
 * The injected dependencies (one object, built by main.ts for real runs and by tests for in-process
 * runs) and the per-invocation context every command receives.
 */
import { readFile } from 'node:fs/promises';
import { ConfigStore, DEFAULT_PROFILE, type Profile } from '../config/config.js';
import { Redactor } from '../config/redact.js';
import { SecretVault, type Secrets } from '../config/vault.js';
import { BadInputError } from '../core/errors.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { AdapterContext, VenueDefinition } from '../exchanges/adapter.js';
import { ExchangeRegistry } from '../exchanges/registry.js';
import { presentEnv } from './env.js';
import { DeclinedError } from './exit.js';
import { Output, type IO } from './output.js';
import type { Prompter } from './prompter.js';

export interface Deps {
  io: IO;
  /** The process environment; commands see it through CommandContext, where blank values count as unset. */
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  fetch: typeof fetch;
  prompter: Prompter;
  exchanges: ExchangeRegistry;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  configDir: string;
  version: string;
  readTextFile(path: string): Promise<string>;
  /** scrypt cost (log2 N) for new secret stores; lowered only by tests. */
  scryptLogN?: number;
  /** The process's Redactor, when the caller also prints outside commands (main.ts: crashes); else a fresh one. */
  redactor?: Redactor;
}

export interface GlobalOptions {
  profile?: string;
  json: boolean;
  yes: boolean;
  verbose: boolean;
}

export const readTextFile = (path: string) => readFile(path, 'utf8');

export class CommandContext {
  /** The injected dependencies, with blank environment variables removed (see env.ts). */
  readonly deps: Deps;
  readonly output: Output;
  readonly redactor: Redactor;
  readonly logger: Logger;
  private configStore?: ConfigStore;
  private password?: string;
  /** The store's contents as unlockVault read them; readVault answers from here. */
  private unlocked?: Secrets;

  constructor(
    deps: Deps,
    readonly global: GlobalOptions,
  ) {
    this.redactor = deps.redactor ?? new Redactor();
    const env = presentEnv(deps.env);
    // RPC, bundler and paymaster URLs carry API keys and project ids (POLYGON_RPC_URL, BUNDLER_URL...).
    for (const [name, value] of Object.entries(env)) if (name.endsWith('_URL')) this.redactor.addUrls(value);
    this.deps = { ...deps, env, exchanges: redactingRegistry(deps.exchanges, this.redactor) };
    this.output = new Output(deps.io, { json: global.json, verbose: global.verbose, env }, this.redactor);
    this.logger = {
      info: (message) => this.output.info(message),
      warn: (message) => this.output.warn(message),
      debug: (message) => this.output.debug(message),
    };
  }

  get config(): ConfigStore {
    this.configStore ??= new ConfigStore(this.deps.configDir);
    return this.configStore;
  }

  /** --profile, else BETMIRROR_PROFILE, else the active profile. */
  get profileName(): string {
    return this.global.profile ?? this.deps.env.BETMIRROR_PROFILE ?? this.config.activeProfileName() ?? DEFAULT_PROFILE;
  }

  get profile(): Profile {
    const profile = this.config.profile(this.profileName);
    for (const url of [profile.custody?.bundlerUrl, profile.custody?.paymasterUrl]) this.redactor.addUrls(url);
    return profile;
  }

  vault(): SecretVault {
    return new SecretVault(this.config.vaultPath(this.profileName), this.deps.scryptLogN);
  }

  /** Secrets of the profile's vault ({} when there is none yet). */
  async readVault(): Promise<Secrets> {
    if (this.unlocked) return this.unlocked;
    const vault = this.vault();
    if (!vault.exists()) return {};
    const secrets = await vault.read(await this.vaultPassword(false));
    Object.values(secrets).forEach((secret) => this.redactor.add(secret));
    return secrets;
  }

  async updateVault(updates: Secrets): Promise<void> {
    const vault = this.vault();
    const creating = !vault.exists();
    const current = creating ? {} : await vault.read(await this.vaultPassword(false));
    this.redactor.addAll(updates);
    await vault.write(await this.vaultPassword(creating), { ...current, ...updates });
    if (this.unlocked) this.unlocked = { ...current, ...updates };
  }

  /**
   * Unlocks the profile's existing vault with a password the command obtained itself (auth asks with
   * its own wording, and refuses where readVault would prompt). A wrong password fails here. Later
   * reads answer from what was read now, so the store is decrypted (scrypt) and its password given once.
   */
  async unlockVault(password: string): Promise<Secrets> {
    this.redactor.add(password);
    const secrets = await this.vault().read(password);
    Object.values(secrets).forEach((secret) => this.redactor.add(secret));
    [this.password, this.unlocked] = [password, secrets];
    return secrets;
  }

  /** Whether a password can be had without blocking (env or a terminal). */
  canUnlockVault(): boolean {
    return this.password !== undefined || this.deps.env.BETMIRROR_PASSWORD !== undefined || this.deps.prompter.interactive;
  }

  private async vaultPassword(creating: boolean): Promise<string> {
    if (this.password !== undefined) return this.password;
    const fromEnv = this.deps.env.BETMIRROR_PASSWORD;
    if (fromEnv !== undefined) {
      this.password = fromEnv;
    } else {
      const source = 'the BETMIRROR_PASSWORD environment variable';
      const first = await this.deps.prompter.password(creating ? 'New password for the secret store:' : 'Secret store password:', source);
      if (creating && first !== (await this.deps.prompter.password('Repeat the password:', source))) {
        throw new BadInputError('the two passwords differ');
      }
      this.password = first;
    }
    if (creating && this.password.length < 8) throw new BadInputError('the secret store password needs at least 8 characters');
    this.redactor.add(this.password);
    return this.password;
  }

  /** Destructive commands confirm unless --yes; without a terminal they refuse rather than guess. */
  async confirm(question: string): Promise<void> {
    if (this.global.yes) return;
    const yes = await this.deps.prompter.confirm(question, '--yes');
    if (!yes) throw new DeclinedError('declined: nothing was sent');
  }
}

/**
 * The registry as commands see it, teaching the Redactor what each adapter is given or issued: the
 * secret parts of its settings' URLs (flags included), what authenticate() returns in issuedSecrets,
 * and, through `onSecret`, credentials an adapter derives on its own (Polymarket derives its L2 API
 * key lazily inside createOrder).
 */
function redactingRegistry(registry: ExchangeRegistry, redactor: Redactor): ExchangeRegistry {
  return new ExchangeRegistry(registry.infos().map((info) => ({ ...info, load: async () => redactingVenue(await registry.get(info.id), redactor) })));
}

function redactingVenue(venue: VenueDefinition, redactor: Redactor): VenueDefinition {
  return {
    ...venue,
    create: (context) => {
      Object.values(context.settings).forEach((value) => redactor.addUrls(value));
      const adapter = venue.create({ ...context, onSecret: (secret) => redactor.add(secret) });
      const authenticate = adapter.authenticate.bind(adapter);
      adapter.authenticate = async () => {
        const result = await authenticate();
        redactor.addAll(result.issuedSecrets);
        return result;
      };
      return adapter;
    },
  };
}
