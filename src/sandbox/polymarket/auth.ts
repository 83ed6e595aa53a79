/**
 * CLOB authentication, verified the way the venue does it.
 * L1: EIP-712 `ClobAuth` signed by the wallet (creates/derives API keys).
 * L2: HMAC-SHA256 over `timestamp + METHOD + path (no query) + raw body`, keyed with the base64url secret.
 * https://docs.polymarket.com/developers/CLOB/authentication
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { getAddress, isAddress, recoverTypedDataAddress, type Hex } from 'viem';

export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';

export const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
} as const;

export interface ApiKey {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** Checksummed EOA that created the key (POLY_ADDRESS). */
  address: `0x${string}`;
}

/** Thrown by the verifiers; the server answers 401 with `{error: message}`. */
export class AuthFailure extends Error {}

export const L1_FAILURE = 'Invalid L1 Request headers';
export const L2_FAILURE = 'Unauthorized/Invalid api key';

type Headers = Record<string, string | undefined>;

/** Recovers the L1 signer and checks it is POLY_ADDRESS. Returns the checksummed address and nonce. */
export async function verifyL1(headers: Headers, chainId: number): Promise<{ address: `0x${string}`; nonce: bigint }> {
  const address = headers['poly_address'];
  const signature = headers['poly_signature'];
  const timestamp = headers['poly_timestamp'];
  const nonceText = headers['poly_nonce'] ?? '0';
  if (!address || !signature || !timestamp || !isAddress(address) || !/^\d+$/.test(nonceText)) {
    throw new AuthFailure(L1_FAILURE);
  }
  const nonce = BigInt(nonceText);
  let recovered: string;
  try {
    recovered = await recoverTypedDataAddress({
      domain: { name: 'ClobAuthDomain', version: '1', chainId },
      types: CLOB_AUTH_TYPES,
      primaryType: 'ClobAuth',
      message: { address: getAddress(address), timestamp, nonce, message: CLOB_AUTH_MESSAGE },
      signature: signature as Hex,
    });
  } catch {
    throw new AuthFailure(L1_FAILURE);
  }
  if (recovered.toLowerCase() !== address.toLowerCase()) throw new AuthFailure(L1_FAILURE);
  return { address: getAddress(address), nonce };
}

/** The venue's L2 signature: base64 HMAC with '+' -> '-' and '/' -> '_', padding kept. */
export function polyHmac(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return createHmac('sha256', key)
    .update(`${timestamp}${method}${path}${body}`)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** API keys are deterministic per (sandbox seed, address, nonce), like the venue's derive endpoint. */
export class ApiKeyStore {
  private readonly byKey = new Map<string, ApiKey & { nonce: bigint }>();

  constructor(private readonly seed: string) {}

  private derive(address: `0x${string}`, nonce: bigint): ApiKey {
    const digest = (label: string) =>
      createHash('sha256').update(`${this.seed}|${label}|${address.toLowerCase()}|${nonce}`).digest();
    const id = digest('key').toString('hex');
    const apiKey = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-a${id.slice(17, 20)}-${id.slice(20, 32)}`;
    const secret = digest('secret').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    const passphrase = digest('passphrase').toString('hex');
    return { apiKey, secret, passphrase, address };
  }

  /** POST /auth/api-key: undefined when the key for this address+nonce already exists (venue refuses). */
  create(address: `0x${string}`, nonce: bigint): ApiKey | undefined {
    const key = this.derive(address, nonce);
    if (this.byKey.has(key.apiKey)) return undefined;
    this.byKey.set(key.apiKey, { ...key, nonce });
    return key;
  }

  /** GET /auth/derive-api-key: only keys created before can be derived. */
  derived(address: `0x${string}`, nonce: bigint): ApiKey | undefined {
    const key = this.derive(address, nonce);
    return this.byKey.get(key.apiKey);
  }

  get(apiKey: string): ApiKey | undefined {
    return this.byKey.get(apiKey);
  }

  delete(apiKey: string): boolean {
    return this.byKey.delete(apiKey);
  }

  keysOf(address: string): ApiKey[] {
    return [...this.byKey.values()].filter((k) => k.address.toLowerCase() === address.toLowerCase());
  }

  /** Verifies the five L2 headers against the raw request; returns the key record. */
  verifyL2(headers: Headers, method: string, pathWithoutQuery: string, rawBody: string): ApiKey {
    const key = this.byKey.get(headers['poly_api_key'] ?? '');
    const timestamp = headers['poly_timestamp'];
    const signature = headers['poly_signature'];
    if (!key || !timestamp || !signature) throw new AuthFailure(L2_FAILURE);
    if (headers['poly_passphrase'] !== key.passphrase) throw new AuthFailure(L2_FAILURE);
    if ((headers['poly_address'] ?? '').toLowerCase() !== key.address.toLowerCase()) throw new AuthFailure(L2_FAILURE);
    const expected = Buffer.from(polyHmac(key.secret, timestamp, method, pathWithoutQuery, rawBody));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AuthFailure(L2_FAILURE);
    return key;
  }
}
