/**
 * The encrypted secret store: one file per profile holding a JSON map of secrets (private keys, venue
 * API credentials), sealed with scrypt + AES-256-GCM. The scrypt parameters and salt live in the file,
 * so a cheaper cost can be chosen (tests) without changing how files are read; vault-file.ts bounds
 * them. Files are 0600 in a 0700 directory. The password never touches disk.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AuthenticationError, ConfigError } from '../core/errors.js';
import { writePrivateFile } from './files.js';
import {
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  MAX_VAULT_FILE_BYTES,
  parseVaultFile,
  scryptMemory,
  scryptParamsProblem,
  VAULT_FORMAT_VERSION,
  type ScryptParams,
  type VaultFile,
} from './vault-file.js';

export type Secrets = Record<string, string>;

export const DEFAULT_SCRYPT_LOG_N = 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;

const RESTORE_HINT = 'restore it from a backup, or delete it and run `betmirror auth` again (the keys it held must then be given again)';

export class SecretVault {
  constructor(
    readonly path: string,
    private readonly scryptLogN = DEFAULT_SCRYPT_LOG_N,
  ) {
    const problem = scryptParamsProblem({ n: 2 ** scryptLogN, r: SCRYPT_R, p: SCRYPT_P });
    if (problem) throw new RangeError(`secret store cost 2^${scryptLogN}: ${problem}`);
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  async read(password: string): Promise<Secrets> {
    if (!this.exists()) return {};
    const sealed = await this.load();
    const key = await deriveKey(password, sealed.salt, sealed.file.kdfparams);
    let plain: Buffer;
    try {
      // authTagLength pins the tag to 16 bytes: without it Node accepts a tag truncated to 4.
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: GCM_TAG_BYTES });
      decipher.setAuthTag(sealed.tag);
      plain = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch {
      // GCM cannot tell a wrong password from an altered payload; the password is by far the likelier.
      throw new AuthenticationError(`wrong password for the secret store ${this.path} (or the file was altered)`, {
        hint: 'check BETMIRROR_PASSWORD or the password you typed',
      });
    }
    return this.secretsFrom(plain);
  }

  async write(password: string, secrets: Secrets): Promise<void> {
    const salt = randomBytes(32);
    const params = { n: 2 ** this.scryptLogN, r: SCRYPT_R, p: SCRYPT_P };
    const key = await deriveKey(password, salt, params);
    const iv = randomBytes(GCM_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const file: VaultFile = {
      version: VAULT_FORMAT_VERSION,
      kdf: 'scrypt',
      kdfparams: { ...params, salt: salt.toString('hex') },
      cipher: 'aes-256-gcm',
      iv: iv.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
      ciphertext: ciphertext.toString('hex'),
    };
    writePrivateFile(this.path, JSON.stringify(file, null, 2));
  }

  private async load() {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new ConfigError(`cannot read the secret store ${this.path} (${code})`, {
        cause,
        hint: 'it must be a file you own and can read (betmirror keeps it 0600 in a 0700 directory)',
      });
    }
    if (Buffer.byteLength(text) > MAX_VAULT_FILE_BYTES) throw this.damaged(`it is larger than ${MAX_VAULT_FILE_BYTES / 1024} KiB`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.damaged(text.trim() === '' ? 'it is empty' : 'it is not valid JSON');
    }
    const parsed = parseVaultFile(json);
    if (parsed.kind === 'newer') {
      throw new ConfigError(
        `the secret store ${this.path} was written by a newer betmirror (format version ${parsed.version}; this one reads version ${VAULT_FORMAT_VERSION})`,
        { hint: 'upgrade betmirror, or restore the file from a backup made with this version' },
      );
    }
    if (parsed.kind === 'damaged') throw this.damaged(parsed.reason);
    return parsed;
  }

  private secretsFrom(plain: Buffer): Secrets {
    let secrets: unknown;
    try {
      secrets = JSON.parse(plain.toString('utf8'));
    } catch {
      secrets = undefined;
    }
    const valid =
      typeof secrets === 'object' && secrets !== null && !Array.isArray(secrets) && Object.values(secrets).every((value) => typeof value === 'string');
    if (!valid) throw this.damaged('its sealed contents are not a set of named secrets');
    return secrets as Secrets;
  }

  private damaged(reason: string): ConfigError {
    return new ConfigError(`the secret store ${this.path} is damaged: ${reason}`, { hint: RESTORE_HINT });
  }
}

function deriveKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const { n, r, p } = params;
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, 32, { N: n, r, p, maxmem: scryptMemory(params) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
