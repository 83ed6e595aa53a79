import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/exit.js';
import { AuthenticationError, ConfigError } from '../../src/core/errors.js';
import { Redactor } from '../../src/config/redact.js';
import { SecretVault } from '../../src/config/vault.js';
import { tempConfigDir } from '../support/cli.js';

const PASSWORD = 'a good password';
const RESTORE = /restore it from a backup, or delete it and run `betmirror auth` again/;

async function sealedVault(secrets: Record<string, unknown> = { k: 'value' }): Promise<SecretVault> {
  const vault = new SecretVault(join(tempConfigDir(), 'secrets', 'p.vault.json'), 10);
  await vault.write(PASSWORD, secrets as Record<string, string>);
  return vault;
}

/** Rewrites the vault file with `edit` applied to its JSON; returns the exact bytes now on disk. */
function tamper(vault: SecretVault, edit: (file: Record<string, any>) => unknown): string {
  const edited = edit(JSON.parse(readFileSync(vault.path, 'utf8')));
  writeFileSync(vault.path, typeof edited === 'string' ? edited : JSON.stringify(edited));
  return readFileSync(vault.path, 'utf8');
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('SecretVault', () => {
  it('round-trips secrets and writes the file 0600 without the plaintext', async () => {
    const vault = new SecretVault(join(tempConfigDir(), 'secrets', 'p.vault.json'), 10);
    await vault.write('a good password', { 'polymarket.privateKey': '0xdeadbeefcafebabe1234' });
    expect(await vault.read('a good password')).toEqual({ 'polymarket.privateKey': '0xdeadbeefcafebabe1234' });
    expect(statSync(vault.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(vault.path, '..')).mode & 0o777).toBe(0o700);
    expect(readFileSync(vault.path, 'utf8')).not.toContain('deadbeefcafebabe');
  });

  it('refuses a wrong password with a clear error', async () => {
    const vault = new SecretVault(join(tempConfigDir(), 'v.json'), 10);
    await vault.write('a good password', { k: 'v' });
    await expect(vault.read('a bad password')).rejects.toThrow(/wrong password for the secret store/);
  });

  it('records its own scrypt parameters so any cost can be read back', async () => {
    const vault = new SecretVault(join(tempConfigDir(), 'v.json'), 11);
    await vault.write('pw-123456', { k: 'v' });
    const file = JSON.parse(readFileSync(vault.path, 'utf8'));
    expect(file.kdfparams.n).toBe(2048);
    expect(await new SecretVault(vault.path, 17).read('pw-123456')).toEqual({ k: 'v' });
  });

  it('opens a version 1 store written by the previous release, and writes version 1 with a 16-byte tag', async () => {
    const dir = tempConfigDir();
    const path = join(dir, 'v1.vault.json');
    writeFileSync(path, readFileSync(new URL('./fixtures/vault-v1.json', import.meta.url)));
    const vault = new SecretVault(path, 10);
    expect(await vault.read('correct horse battery')).toEqual({ 'polymarket.privateKey': `0x${'11'.repeat(32)}`, 'kalshi.apiKeyId': 'key-1' });
    await vault.write('correct horse battery', { k: 'v' });
    const file = JSON.parse(readFileSync(path, 'utf8'));
    expect(file).toMatchObject({ version: 1, kdf: 'scrypt', cipher: 'aes-256-gcm', kdfparams: { n: 1024, r: 8, p: 1 } });
    expect(file.tag).toMatch(/^[0-9a-f]{32}$/);
    expect(listing(dir)).toEqual(['v1.vault.json']);
  });

  it('refuses to be set up with a cost outside the bounds it reads', () => {
    expect(() => new SecretVault('/nowhere', 9)).toThrow(RangeError);
    expect(() => new SecretVault('/nowhere', 19)).toThrow(/256 MiB/); // 2^19 with r 8 is 512 MiB
  });

  // Each case damages a good store one way. The refusal must come before scrypt runs (n = 2^30 would
  // fail with "malloc failure" or take minutes), name the file and the problem, give the fix, map to
  // its exit code, and leave the file and its directory exactly as they were.
  const damaged: Array<[name: string, edit: (file: Record<string, any>) => unknown, problem: RegExp]> = [
    ['a tag truncated to 4 bytes', (f) => ({ ...f, tag: f.tag.slice(0, 8) }), /authentication tag is 4 bytes \(expected 16\)/],
    ['a tag truncated to 15 bytes', (f) => ({ ...f, tag: f.tag.slice(0, 30) }), /authentication tag is 15 bytes/],
    ['a tag padded to 17 bytes', (f) => ({ ...f, tag: `${f.tag}00` }), /authentication tag is 17 bytes/],
    ['an empty tag', (f) => ({ ...f, tag: '' }), /authentication tag is 0 bytes/],
    ['a tag that is not hex', (f) => ({ ...f, tag: 'zz'.repeat(16) }), /tag is not hex/],
    ['an odd-length tag', (f) => ({ ...f, tag: `${f.tag}0` }), /tag is not hex/],
    ['scrypt n = 2^30', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: 2 ** 30 } }), /scrypt n must be a power of two from 2\^10 to 2\^20 \(got 1073741824\)/],
    ['scrypt n not a power of two', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: 3000 } }), /scrypt n must be a power of two/],
    ['scrypt n = 2^4', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: 16 } }), /scrypt n must be a power of two/],
    ['scrypt n as a string', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: '1024' } }), /n, r and p must be numbers/],
    ['scrypt r = 1000', (f) => ({ ...f, kdfparams: { ...f.kdfparams, r: 1000 } }), /scrypt r must be an integer from 1 to 16 \(got 1000\)/],
    ['scrypt r = 0.5', (f) => ({ ...f, kdfparams: { ...f.kdfparams, r: 0.5 } }), /scrypt r must be an integer/],
    ['scrypt p = 100', (f) => ({ ...f, kdfparams: { ...f.kdfparams, p: 100 } }), /scrypt p must be an integer from 1 to 4/],
    ['scrypt n = 2^20 with r = 16 (2 GiB)', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: 2 ** 20, r: 16 } }), /would need 2049 MiB \(at most 256 MiB\)/],
    ['no kdfparams', ({ kdfparams, ...f }) => f, /kdfparams is missing/],
    ['a short salt', (f) => ({ ...f, kdfparams: { ...f.kdfparams, salt: 'abcd' } }), /salt is 2 bytes/],
    ['an IV of 16 bytes', (f) => ({ ...f, iv: `${f.iv}00000000` }), /IV is 16 bytes \(expected 12\)/],
    ['an empty ciphertext', (f) => ({ ...f, ciphertext: '' }), /ciphertext is empty/],
    ['another KDF', (f) => ({ ...f, kdf: 'argon2id' }), /unknown key derivation "argon2id"/],
    ['another cipher', (f) => ({ ...f, cipher: 'aes-128-gcm' }), /unknown cipher "aes-128-gcm"/],
    ['no version', ({ version, ...f }) => f, /has no format version/],
    ['version "1" as a string', (f) => ({ ...f, version: '1' }), /format version "1" is not one betmirror writes/],
    ['version 0', (f) => ({ ...f, version: 0 }), /format version 0/],
    ['a JSON list', () => '[]', /not a JSON object/],
    ['not JSON', () => '{"version": 1,', /is not valid JSON/],
    ['an empty file', () => '', /it is empty/],
    ['a file over 1 MiB', (f) => ({ ...f, padding: 'x'.repeat(1024 * 1024) }), /larger than 1024 KiB/],
  ];

  it.each(damaged)('refuses %s as a damaged store (exit 1), naming the file and the fix, writing nothing', async (_name, edit, problem) => {
    const vault = await sealedVault();
    const dir = join(vault.path, '..', '..');
    const bytes = tamper(vault, edit);
    const before = listing(dir);
    const error = await vault.read(PASSWORD).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const report = describeError(error);
    expect(report.exitCode).toBe(1);
    expect(report.message).toContain(`the secret store ${vault.path} is damaged: `);
    expect(report.message).toMatch(problem);
    expect(report.hint).toMatch(RESTORE);
    expect(readFileSync(vault.path, 'utf8')).toBe(bytes);
    expect(listing(dir)).toEqual(before);
  });

  it('refuses a store written by a newer betmirror (exit 1) with the upgrade as the fix, whatever else the file holds', async () => {
    const vault = await sealedVault();
    const bytes = tamper(vault, () => ({ version: 2, sealed: 'something new' }));
    const error = await vault.read(PASSWORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(describeError(error)).toMatchObject({
      exitCode: 1,
      message: `the secret store ${vault.path} was written by a newer betmirror (format version 2; this one reads version 1)`,
      hint: expect.stringMatching(/^upgrade betmirror, or restore the file from a backup/),
    });
    expect(readFileSync(vault.path, 'utf8')).toBe(bytes);
  });

  it('refuses sealed contents that are not named secrets (the password was right, so exit 1, not 4)', async () => {
    for (const contents of [[1, 2], { k: 5 }, 'text']) {
      const vault = await sealedVault(contents as Record<string, unknown>);
      const error = await vault.read(PASSWORD).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(describeError(error).message).toBe(`the secret store ${vault.path} is damaged: its sealed contents are not a set of named secrets`);
    }
  });

  // The payload is authenticated: any change to it, its IV or its tag reads as a wrong password
  // (GCM cannot tell the two apart), exit 4.
  const altered: Array<[name: string, edit: (file: Record<string, any>) => unknown]> = [
    ['one ciphertext digit', (f) => ({ ...f, ciphertext: f.ciphertext.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) })],
    ['one tag digit', (f) => ({ ...f, tag: f.tag.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) })],
    ['the IV', (f) => ({ ...f, iv: '00'.repeat(12) })],
    ['the salt', (f) => ({ ...f, kdfparams: { ...f.kdfparams, salt: '00'.repeat(32) } })],
    ['the cost (a valid but different n)', (f) => ({ ...f, kdfparams: { ...f.kdfparams, n: 2048 } })],
  ];

  it.each(altered)('refuses a store with an altered %s as a wrong password (exit 4)', async (_name, edit) => {
    const vault = await sealedVault();
    const bytes = tamper(vault, edit);
    const error = await vault.read(PASSWORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toMatchObject({ exitCode: 4, message: expect.stringContaining(`wrong password for the secret store ${vault.path}`) });
    expect(readFileSync(vault.path, 'utf8')).toBe(bytes);
  });

  it('names the file when it cannot be read at all', async () => {
    const vault = await sealedVault();
    const dirAsVault = new SecretVault(join(vault.path, '..'), 10);
    const error = await dirAsVault.read(PASSWORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(describeError(error)).toMatchObject({ exitCode: 1, message: `cannot read the secret store ${dirAsVault.path} (EISDIR)` });
  });
});

describe('Redactor', () => {
  it('hides a hex key with or without 0x and in any case, and PEM body lines', () => {
    const redactor = new Redactor();
    redactor.add('0xABCDEF0123456789abcdef');
    redactor.add('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----');
    expect(redactor.redact('k=abcdef0123456789abcdef K=ABCDEF0123456789ABCDEF')).toBe('k=[redacted] K=[redacted]');
    expect(redactor.redact('line MIIEvQIBADANBgkqhkiG9w0B end')).toBe('line [redacted] end');
  });
});
