/** Shared fixtures for the Kalshi tests: generated RSA keys and adapters wired to a local Kalshi. */
import { generateKeyPairSync } from 'node:crypto';
import { silentLogger, systemClock, type Clock } from '../../../src/core/runtime.js';
import { kalshiVenue } from '../../../src/exchanges/kalshi/index.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';

export interface TestKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh 2048-bit RSA key, as Kalshi issues them. */
export function generateKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function offsetClock(offsetMs: number): Clock {
  return { now: () => Date.now() + offsetMs, sleep: systemClock.sleep, after: systemClock.after };
}

export function makeAdapter(options: { url: string; keyId?: string; pem?: string; clock?: Clock; env?: string }): KalshiAdapter {
  return kalshiVenue.create({
    settings: { env: options.env ?? 'demo', apiUrl: options.url, apiKeyId: options.keyId },
    secrets: { privateKeyPem: options.pem },
    fetch: globalThis.fetch,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
  }) as KalshiAdapter;
}

/** A slice from the middle of the PEM body: if any error text carries the key, it carries this. */
export function pemFingerprint(pem: string): string[] {
  const body = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [body[3]!.slice(0, 40), body[body.length - 2]!.slice(0, 40)];
}
