/**
 * The encrypted secret store: one file per profile holding a JSON map of secrets (private keys, venue
 * API credentials), sealed with scrypt + AES-256-GCM. The scrypt parameters and salt live in the file,
 * so a cheaper cost can be chosen (tests) without changing how files are read. Files are 0600 in a
 * 0700 directory. The password never touches disk.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuthenticationError, ConfigError } from '../core/errors.js';

interface VaultFile {
  version: 1;
  kdf: 'scrypt';
  kdfparams: { n: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
}

export type Secrets = Record<string, string>;

export const DEFAULT_SCRYPT_LOG_N = 17;

export class SecretVault {
  constructor(
    readonly path: string,
    private readonly scryptLogN = DEFAULT_SCRYPT_LOG_N,
  ) {}

  exists(): boolean {
    return existsSync(this.path);
  }

  async read(password: string): Promise<Secrets> {
    if (!this.exists()) return {};
    const file = await this.load();
    const { n, r, p, salt } = file.kdfparams;
    const key = await deriveKey(password, Buffer.from(salt, 'hex'), n, r, p);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'hex'));
      decipher.setAuthTag(Buffer.from(file.tag, 'hex'));
      const plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'hex')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as Secrets;
    } catch {
      throw new AuthenticationError(`wrong password for the secret store ${this.path}`, {
        hint: 'check BETMIRROR_PASSWORD or the password you typed',
      });
    }
  }

  async write(password: string, secrets: Secrets): Promise<void> {
    const salt = randomBytes(32);
    const n = 2 ** this.scryptLogN;
    const key = await deriveKey(password, salt, n, 8, 1);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const file: VaultFile = {
      version: 1,
      kdf: 'scrypt',
      kdfparams: { n, r: 8, p: 1, salt: salt.toString('hex') },
      cipher: 'aes-256-gcm',
      iv: iv.toString('hex'),
      tag: cipher.getAuthTag().toString('hex'),
      ciphertext: ciphertext.toString('hex'),
    };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Write-then-rename so a crash never leaves a half-written store; mode set at creation, not after.
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(file, null, 2), { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.path);
  }

  private async load(): Promise<VaultFile> {
    try {
      const file = JSON.parse(await readFile(this.path, 'utf8')) as VaultFile;
      if (file.version !== 1 || file.kdf !== 'scrypt' || file.cipher !== 'aes-256-gcm') throw new Error('format');
      return file;
    } catch (cause) {
      throw new ConfigError(`the secret store ${this.path} is unreadable or not a betmirror store`, { cause });
    }
  }
}

function deriveKey(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
