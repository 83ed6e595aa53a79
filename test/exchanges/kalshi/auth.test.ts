import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../../src/core/errors.js';
import { loadPrivateKey, signRequest, signingMessage } from '../../../src/exchanges/kalshi/auth.js';
import { generateKey, pemFingerprint } from './helpers.js';

const key = generateKey();
const pss = (saltLength: number) => ({ key: key.publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });

describe('Kalshi request signing', () => {
  it('signs timestamp + METHOD + path, with the query string cut off', () => {
    expect(signingMessage('1700000000123', 'get', '/trade-api/v2/portfolio/orders?limit=5&status=resting')).toBe(
      '1700000000123GET/trade-api/v2/portfolio/orders',
    );
    expect(signingMessage('1', 'DELETE', '/trade-api/v2/portfolio/events/orders/abc')).toBe('1DELETE/trade-api/v2/portfolio/events/orders/abc');
  });

  it('produces the three headers with an RSA-PSS SHA-256 signature (salt = digest length) that node verifies', () => {
    const headers = signRequest(loadPrivateKey(key.privateKeyPem), 'key-1', 1_700_000_000_123, 'POST', '/trade-api/v2/portfolio/events/orders');
    expect(headers['KALSHI-ACCESS-KEY']).toBe('key-1');
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe('1700000000123');
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE']!, 'base64');
    expect(signature).toHaveLength(256);
    const message = Buffer.from('1700000000123POST/trade-api/v2/portfolio/events/orders');
    expect(verify('sha256', message, pss(32), signature)).toBe(true);
    // Wrong salt length, wrong method, a signed query string, or PKCS#1 v1.5 must not verify.
    expect(verify('sha256', message, pss(20), signature)).toBe(false);
    expect(verify('sha256', Buffer.from('1700000000123GET/trade-api/v2/portfolio/events/orders'), pss(32), signature)).toBe(false);
    expect(verify('sha256', message, key.publicKeyPem, signature)).toBe(false);
  });

  it('never signs the query string even when the path carries one', () => {
    const headers = signRequest(loadPrivateKey(key.privateKeyPem), 'k', 42, 'GET', '/trade-api/v2/portfolio/fills?ticker=X');
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE']!, 'base64');
    expect(verify('sha256', Buffer.from('42GET/trade-api/v2/portfolio/fills'), pss(32), signature)).toBe(true);
    expect(verify('sha256', Buffer.from('42GET/trade-api/v2/portfolio/fills?ticker=X'), pss(32), signature)).toBe(false);
  });

  it('accepts a PEM whose newlines arrived as literal \\n (environment variables)', () => {
    const escaped = key.privateKeyPem.replace(/\n/g, '\\n');
    const headers = signRequest(loadPrivateKey(escaped), 'k', 7, 'GET', '/trade-api/v2/portfolio/balance');
    const signature = Buffer.from(headers['KALSHI-ACCESS-SIGNATURE']!, 'base64');
    expect(verify('sha256', Buffer.from('7GET/trade-api/v2/portfolio/balance'), pss(32), signature)).toBe(true);
  });

  it('refuses an unreadable or non-RSA key without repeating the key text', () => {
    const broken = key.privateKeyPem.replace(/[A-Z]/g, '?');
    let caught: unknown;
    try {
      loadPrivateKey(broken);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AuthenticationError);
    const text = JSON.stringify({ m: (caught as Error).message, h: (caught as AuthenticationError).hint, s: (caught as Error).stack });
    for (const piece of pemFingerprint(key.privateKeyPem)) expect(text).not.toContain(piece.replace(/[A-Z]/g, '?'));
    expect((caught as Error).cause).toBeUndefined();

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadPrivateKey(ec)).toThrow(/Kalshi API keys are RSA/);
  });
});
