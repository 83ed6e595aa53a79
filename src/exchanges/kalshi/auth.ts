/**
 * Kalshi request signing (https://docs.kalshi.com/getting_started/api_keys).
 *
 * Every private request carries KALSHI-ACCESS-KEY (the key id), KALSHI-ACCESS-TIMESTAMP (ms since the
 * epoch) and KALSHI-ACCESS-SIGNATURE: base64 RSA-PSS over `timestamp + METHOD + path`, SHA-256 with
 * MGF1(SHA-256) and a salt as long as the digest. The path includes the `/trade-api/v2` prefix and never
 * the query string; the body is not signed. The venue checks the timestamp against its own clock, so a
 * skewed local clock is refused like a wrong key.
 */
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { AuthenticationError } from '../../core/errors.js';

export const HEADER_KEY = 'KALSHI-ACCESS-KEY';
export const HEADER_TIMESTAMP = 'KALSHI-ACCESS-TIMESTAMP';
export const HEADER_SIGNATURE = 'KALSHI-ACCESS-SIGNATURE';

/** PSS parameters shared by the signer here and the verifier in the local Kalshi. */
export const PSS_OPTIONS = {
  padding: constants.RSA_PKCS1_PSS_PADDING,
  // SHA-256 digest length: Kalshi's "salt length = digest length".
  saltLength: 32,
} as const;

/** The exact text Kalshi signs. `path` may carry a query string: it is cut off here, as Kalshi expects. */
export function signingMessage(timestampMs: string, method: string, path: string): string {
  return `${timestampMs}${method.toUpperCase()}${stripQuery(path)}`;
}

export function stripQuery(path: string): string {
  const cut = path.indexOf('?');
  return cut === -1 ? path : path.slice(0, cut);
}

/** Where the key comes from, named in every key error so the user knows what to fix. */
export const PRIVATE_KEY_SOURCES = 'KALSHI_PRIVATE_KEY_PATH (a PEM file) or KALSHI_PRIVATE_KEY_PEM (the PEM text)';

/**
 * Parses the PEM once. Env vars often carry the PEM with literal "\n" sequences; those are restored.
 * Every failure is an AuthenticationError (exit 4) whose text never repeats the key (it would end up in
 * logs), and carries no `cause` for the same reason: node's parse errors may quote the input.
 */
export function loadPrivateKey(pem: string): KeyObject {
  const text = pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
  let key: KeyObject;
  try {
    key = createPrivateKey(text.trim());
  } catch {
    throw new AuthenticationError('the Kalshi private key is not a readable, unencrypted PEM private key', {
      hint: `set ${PRIVATE_KEY_SOURCES} to the private key Kalshi gave you when you created the API key`,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AuthenticationError(`the Kalshi private key is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Kalshi API keys are RSA`, {
      hint: `set ${PRIVATE_KEY_SOURCES} to the RSA private key of your Kalshi API key`,
    });
  }
  return key;
}

/** Returns the three KALSHI-ACCESS-* headers for one request. */
export function signRequest(
  key: KeyObject,
  keyId: string,
  timestampMs: number,
  method: string,
  path: string,
): Record<string, string> {
  const timestamp = String(Math.trunc(timestampMs));
  const signature = sign('sha256', Buffer.from(signingMessage(timestamp, method, path)), { key, ...PSS_OPTIONS });
  return {
    [HEADER_KEY]: keyId,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_SIGNATURE]: signature.toString('base64'),
  };
}
