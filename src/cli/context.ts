/**
 * The injected dependencies (one object, built by main.ts for real runs and by tests for in-process
 * runs) and the per-invocation context every command receives.
 */
import { readFile } from 'node:fs/promises';
import { ConfigStore, DEFAULT_PROFILE, type Profile } from '../config/config.js';
import { Redactor } from '../config/redact.js';
import { SecretVault, type Secrets } from '../config/vault.js';
import { BadInputError, CancelledError } from '../core/errors.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { ExchangeRegistry } from '../exchanges/registry.js';
import { presentEnv } from './env.js';
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
  readonly redactor = new Redactor();
  readonly logger: Logger;
  private configStore?: ConfigStore;
  private password?: string;

  constructor(
    deps: Deps,
    readonly global: GlobalOptions,
  ) {
    this.deps = { ...deps, env: presentEnv(deps.env) };
    this.output = new Output(deps.io, { json: global.json, verbose: global.verbose }, this.redactor);
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
    return this.config.profile(this.profileName);
  }

  vault(): SecretVault {
    return new SecretVault(this.config.vaultPath(this.profileName), this.deps.scryptLogN);
  }

  /** Secrets of the profile's vault ({} when there is none yet). */
  async readVault(): Promise<Secrets> {
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
    await vault.write(await this.vaultPassword(creating), { ...current, ...updates });
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
    if (!yes) throw new CancelledError('cancelled: nothing was sent');
  }
}
