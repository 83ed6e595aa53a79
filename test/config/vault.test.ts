import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/config/redact.js';
import { SecretVault } from '../../src/config/vault.js';
import { tempConfigDir } from '../support/cli.js';

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

  it('detects tampering', async () => {
    const vault = new SecretVault(join(tempConfigDir(), 'v.json'), 10);
    await vault.write('pw-123456', { k: 'value' });
    const file = JSON.parse(readFileSync(vault.path, 'utf8'));
    file.ciphertext = file.ciphertext.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(vault.path, JSON.stringify(file));
    await expect(vault.read('pw-123456')).rejects.toThrow(/wrong password/);
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
