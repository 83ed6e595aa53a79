/**
 * Profiles: named sets of exchange + venue settings + mirror settings, stored with `conf` in
 * <config dir>/config.json (0600). No secret is ever stored here: those live in the vault.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { BadInputError } from '../core/errors.js';

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

interface ConfigShape {
  activeProfile: string;
  profiles: Record<string, Profile>;
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
  private readonly conf: Conf<ConfigShape>;

  constructor(readonly dir: string) {
    this.conf = new Conf<ConfigShape>({
      projectName: 'betmirror',
      cwd: dir,
      configName: 'config',
      configFileMode: 0o600,
      defaults: { activeProfile: DEFAULT_PROFILE, profiles: {} },
    });
  }

  get path(): string {
    return this.conf.path;
  }

  activeProfileName(): string {
    return this.conf.get('activeProfile');
  }

  profile(name: string): Profile {
    assertProfileName(name);
    return this.conf.get('profiles')[name] ?? {};
  }

  saveProfile(name: string, profile: Profile): void {
    assertProfileName(name);
    this.conf.set('profiles', { ...this.conf.get('profiles'), [name]: profile });
  }

  setActiveProfile(name: string): void {
    assertProfileName(name);
    this.conf.set('activeProfile', name);
  }

  /** Directory for the mirror's durable state of one profile. */
  stateDir(profile: string): string {
    return join(this.dir, 'state', profile);
  }

  vaultPath(profile: string): string {
    return join(this.dir, 'secrets', `${profile}.vault.json`);
  }
}

function assertProfileName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new BadInputError(`invalid profile name "${name}": use letters, digits, '.', '_' or '-'`);
  }
}
