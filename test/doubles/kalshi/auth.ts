/**
 * Signature check of the local Kalshi, as Kalshi does it: the three KALSHI-ACCESS-* headers must be
 * present, the key known, the millisecond timestamp within the window of the server clock, and the
 * signature a valid RSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) signature over
 * `timestamp + METHOD + path`, path as received WITHOUT its query string. Anything else is a 401.
 */
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { KalshiHttpError } from './format.js';

export interface RegisteredKey {
  keyId: string;
  publicKey: KeyObject;
  /** The account (Kalshi user) the key trades for. */
  user: string;
  /** Kalshi offers read-only keys; they are refused on order endpoints. */
  readOnly: boolean;
}

export class KeyRing {
  private readonly keys = new Map<string, RegisteredKey>();

  register(keyId: string, publicKeyPem: string, options: { user?: string; readOnly?: boolean } = {}): RegisteredKey {
    const key: RegisteredKey = {
      keyId,
      publicKey: createPublicKey(publicKeyPem),
      user: options.user ?? keyId,
      readOnly: options.readOnly ?? false,
    };
    this.keys.set(keyId, key);
    return key;
  }

  get(keyId: string): RegisteredKey | undefined {
    return this.keys.get(keyId);
  }
}

const unauthorized = (details: string) => new KalshiHttpError(401, 'authentication_error', 'authentication_error', details);

export function authenticate(
  keys: KeyRing,
  method: string,
  rawUrl: string,
  headers: Record<string, string | string[] | undefined>,
  nowMs: number,
  maxSkewMs: number,
): RegisteredKey {
  const header = (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyId = header('KALSHI-ACCESS-KEY');
  const timestamp = header('KALSHI-ACCESS-TIMESTAMP');
  const signature = header('KALSHI-ACCESS-SIGNATURE');
  if (!keyId || !timestamp || !signature) throw unauthorized('missing KALSHI-ACCESS-KEY, -TIMESTAMP or -SIGNATURE header');
  const key = keys.get(keyId);
  if (!key) throw unauthorized('NOT_FOUND: unknown API key');
  if (!/^\d{1,16}$/.test(timestamp)) throw unauthorized('KALSHI-ACCESS-TIMESTAMP must be milliseconds since the epoch');
  const skew = Number(timestamp) - nowMs;
  if (Math.abs(skew) > maxSkewMs) {
    throw unauthorized(`timestamp ${skew > 0 ? 'in the future' : 'too old'}: ${Math.abs(skew)} ms from server time`);
  }
  const path = rawUrl.split('?')[0] ?? rawUrl;
  const message = Buffer.from(`${timestamp}${method.toUpperCase()}${path}`);
  const ok = verify(
    'sha256',
    message,
    { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(signature, 'base64'),
  );
  if (!ok) throw unauthorized('INCORRECT_API_KEY_SIGNATURE');
  return key;
}
