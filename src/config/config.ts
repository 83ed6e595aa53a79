/**
 * Profiles: named sets of exchange + venue settings + mirror settings, in <config dir>/config.json
 * (0600 in a 0700 directory, written whole by `conf` and renamed into place). Read afresh on every
 * access and checked field by field (config-file.ts), so a broken file is named with the fix. No secret is ever stored here: those live in the vault.
 */
import { homedir } from 'node:os';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError, ConfigError } from '../core/errors.js';
import { checkConfig, ConfigShapeError, PROFILE_NAME, type ConfigShape } from './config-file.js';
import Conf from 'conf';
import { makePrivateDir, PRIVATE_FILE_MODE } from './files.js';

export type SettingValues = Record<string, string>;

export interface Profile {
  /** Default --exchange for venue commands. */
  exchange?: string;
  /** Per venue id: non-secret settings (endpoints, signature type, funder, API key id...). */
  venues?: Record<string, SettingValues>;
  /** Mirror defaults (sizing, caps, cashout...), keyed by the mirror flag's name. */
  mirror?: Record<string, string>;
  /** Smart-account custody set up by `auth --smart-account` (no secret: the session key is in the vault). */
  custody?: SmartAccountProfile;
}

export interface SmartAccountProfile {
  kind: 'zerodev-kernel-v3.1';
  /** The venue whose cash-outs go through the smart account. */
  venue: string;
  smartAccount: string;
  owner: string;
  sessionKeyAddress: string;
  /** The owner's serialized permission approval for the session key. */
  approval: string;
  destinations: string[];
  bundlerUrl: string;
  paymasterUrl?: string;
}

export const DEFAULT_PROFILE = 'default';

/** BETMIRROR_CONFIG_DIR, else the platform's user config dir. */
export function defaultConfigDir(env: Readonly<Record<string, string | undefined>>, platform = process.platform): string {
  if (env.BETMIRROR_CONFIG_DIR) return env.BETMIRROR_CONFIG_DIR;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Preferences', 'betmirror');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'betmirror', 'Config');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'betmirror');
}

export class ConfigStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, 'config.json');
  }

  activeProfileName(): string {
    return this.read().activeProfile ?? DEFAULT_PROFILE;
  }

  profile(name: string): Profile {
    assertProfileName(name);
    const { profiles = {} } = this.read();
    // hasOwn: a profile named "constructor" must not find Object's.
    return Object.hasOwn(profiles, name) ? profiles[name]! : {};
  }

  saveProfile(name: string, profile: Profile): void {
    assertProfileName(name);
    const config = this.read();
    this.write({ ...config, profiles: { ...config.profiles, [name]: profile } });
  }

  setActiveProfile(name: string): void {
    assertProfileName(name);
    this.write({ ...this.read(), activeProfile: name });
  }

  /** The profiles config.json holds, in its order. */
  profileNames(): string[] {
    return Object.keys(this.read().profiles ?? {});
  }

  /** Whether the file names this profile as the active one (rather than falling back to "default"). */
  hasActiveProfile(): boolean {
    return this.read().activeProfile !== undefined;
  }

  /** Drops the profile's settings; if it was the active one, the active profile falls back to "default". */
  removeProfile(name: string): void {
    assertProfileName(name);
    const { profiles = {}, activeProfile, ...rest } = this.read();
    const { [name]: _removed, ...others } = profiles;
    this.write({ ...rest, profiles: others, ...(activeProfile !== undefined && activeProfile !== name ? { activeProfile } : {}) });
  }

  /** Profiles that have a secret store but no settings (e.g. set up with environment overrides only). */
  vaultProfileNames(): string[] {
    try {
      return readdirSync(join(this.dir, 'secrets'))
        .map((file) => /^(.+)\.vault\.json$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined && PROFILE_NAME.test(name));
    } catch {
      return [];
    }
  }

  /** Directory for the mirror's durable state of one profile (created 0700 by whoever writes there). */
  stateDir(profile: string): string {
    assertProfileName(profile);
    return join(this.dir, 'state', profile);
  }

  vaultPath(profile: string): string {
    assertProfileName(profile);
    return join(this.dir, 'secrets', `${profile}.vault.json`);
  }

  /** The file as it is (a missing file is an empty config); reading never writes. */
  private read(): Partial<ConfigShape> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return {};
      throw new ConfigError(`cannot read the config file ${this.path} (${code ?? 'unknown error'})`, {
        cause,
        hint: 'it must be a file you own and can read (betmirror keeps it 0600 in a 0700 directory)',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // No `cause`: the parser's message quotes the file, which is not for logs.
      throw new ConfigError(`the config file ${this.path} is not valid JSON${jsonErrorPlace(text, error)}`, {
        hint: startOver('fix it in an editor'),
      });
    }
    try {
      return checkConfig(json);
    } catch (error) {
      if (!(error instanceof ConfigShapeError)) throw error;
      throw new ConfigError(`the config file ${this.path} is malformed: ${error.message}`, {
        hint: startOver(`correct or remove ${error.at} in it`),
      });
    }
  }

  /**
   * Persisted with `conf` (atomic write-and-rename) into a 0700 directory made first, since conf makes
   * directories with the umask's mode; the file is tightened to 0600 after, whatever the umask.
   */
  private write(config: Partial<ConfigShape>): void {
    makePrivateDir(this.dir);
    const store = new Conf<Partial<ConfigShape>>({ projectName: 'betmirror', cwd: this.dir, configName: 'config', configFileMode: PRIVATE_FILE_MODE, clearInvalidConfig: false });
    store.store = config;
    chmodSync(this.path, PRIVATE_FILE_MODE);
  }
}

const startOver = (repair: string): string =>
  `${repair}, or move the file aside and run \`betmirror auth\` again to set your profile up anew (the secret store is kept)`;

/** " (line 3, column 1)" when the parser said where; the parser's own words may quote the file, so they are not shown. */
function jsonErrorPlace(text: string, error: unknown): string {
  if (text.trim() === '') return ' (the file is empty)';
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!position) return '';
  const before = text.slice(0, Number(position[1])).split('\n');
  return ` (line ${before.length}, column ${before.at(-1)!.length + 1})`;
}

function assertProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new BadInputError(`invalid profile name "${name}" (from --profile or BETMIRROR_PROFILE): use letters, digits, '.', '_' or '-', at most 64`);
  }
}
