/**
 * The secret store's on-disk format, version 1: a JSON header naming the format version, the KDF with
 * its parameters and the cipher, then the sealed payload, all hex. Parsing checks every field before
 * any of it reaches scrypt or the cipher, so a damaged or hostile file is refused with a reason
 * instead of tying up memory (n = 2^30) or opening with a truncated authentication tag.
 */

export const VAULT_FORMAT_VERSION = 1;

export interface VaultFile {
  version: typeof VAULT_FORMAT_VERSION;
  kdf: 'scrypt';
  kdfparams: ScryptParams & { salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/**
 * What a store may ask of scrypt. The cost floor is not what keeps the secrets safe (the file's
 * parameters only decide how we derive the key that must open a payload already sealed with them, so
 * a lower cost reveals nothing): it refuses nonsense and admits the cost tests write with (2^10).
 * The ceilings keep a damaged or hostile file from asking for gigabytes or minutes; new stores are
 * written at 2^17, r 8, p 1 (128 MiB).
 */
export const SCRYPT_BOUNDS = { minLogN: 10, maxLogN: 20, maxR: 16, maxP: 4, maxMemory: 256 * 1024 * 1024 } as const;

export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
const SALT_BYTES = { min: 16, max: 64 };
/** Far more than any set of keys; a bigger file is not one of ours. */
export const MAX_VAULT_FILE_BYTES = 1024 * 1024;

/** The memory scrypt uses for these parameters (OpenSSL's count), which is also the `maxmem` we pass. */
export function scryptMemory({ n, r, p }: ScryptParams): number {
  return 128 * r * (n + p + 2);
}

/** Why these parameters are refused, or undefined when they are within SCRYPT_BOUNDS. */
export function scryptParamsProblem({ n, r, p }: ScryptParams): string | undefined {
  const logN = Math.log2(n);
  if (!Number.isInteger(logN) || logN < SCRYPT_BOUNDS.minLogN || logN > SCRYPT_BOUNDS.maxLogN) {
    return `scrypt n must be a power of two from 2^${SCRYPT_BOUNDS.minLogN} to 2^${SCRYPT_BOUNDS.maxLogN} (got ${n})`;
  }
  if (!Number.isInteger(r) || r < 1 || r > SCRYPT_BOUNDS.maxR) return `scrypt r must be an integer from 1 to ${SCRYPT_BOUNDS.maxR} (got ${r})`;
  if (!Number.isInteger(p) || p < 1 || p > SCRYPT_BOUNDS.maxP) return `scrypt p must be an integer from 1 to ${SCRYPT_BOUNDS.maxP} (got ${p})`;
  const memory = scryptMemory({ n, r, p });
  if (memory > SCRYPT_BOUNDS.maxMemory) {
    return `scrypt n and r would need ${Math.ceil(memory / 2 ** 20)} MiB (at most ${SCRYPT_BOUNDS.maxMemory / 2 ** 20} MiB)`;
  }
  return undefined;
}

export type ParsedVault =
  | { kind: 'ok'; file: VaultFile; salt: Buffer; iv: Buffer; tag: Buffer; ciphertext: Buffer }
  | { kind: 'newer'; version: number }
  | { kind: 'damaged'; reason: string };

/** Checks a parsed JSON document field by field; never throws. */
export function parseVaultFile(json: unknown): ParsedVault {
  const damaged = (reason: string): ParsedVault => ({ kind: 'damaged', reason });
  if (!isObject(json)) return damaged('it is not a JSON object');
  // The version is read first and alone: a newer format may change every other field.
  const { version } = json;
  if (version === undefined) return damaged('it has no format version');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return damaged(`its format version ${JSON.stringify(version)} is not one betmirror writes`);
  if (version > VAULT_FORMAT_VERSION) return { kind: 'newer', version };

  if (json.kdf !== 'scrypt') return damaged(`unknown key derivation ${JSON.stringify(json.kdf)} (expected "scrypt")`);
  if (json.cipher !== 'aes-256-gcm') return damaged(`unknown cipher ${JSON.stringify(json.cipher)} (expected "aes-256-gcm")`);
  const params = json.kdfparams;
  if (!isObject(params)) return damaged('kdfparams is missing');
  const { n, r, p } = params;
  if (typeof n !== 'number' || typeof r !== 'number' || typeof p !== 'number') return damaged('kdfparams n, r and p must be numbers');
  const problem = scryptParamsProblem({ n, r, p });
  if (problem) return damaged(problem);

  const salt = hexField(params.salt, 'kdfparams.salt');
  if (typeof salt === 'string') return damaged(salt);
  if (salt.length < SALT_BYTES.min || salt.length > SALT_BYTES.max) return damaged(`the salt is ${salt.length} bytes (expected ${SALT_BYTES.min} to ${SALT_BYTES.max})`);
  const iv = hexField(json.iv, 'iv');
  if (typeof iv === 'string') return damaged(iv);
  if (iv.length !== GCM_IV_BYTES) return damaged(`the IV is ${iv.length} bytes (expected ${GCM_IV_BYTES})`);
  const tag = hexField(json.tag, 'tag');
  if (typeof tag === 'string') return damaged(tag);
  if (tag.length !== GCM_TAG_BYTES) return damaged(`the authentication tag is ${tag.length} bytes (expected ${GCM_TAG_BYTES})`);
  const ciphertext = hexField(json.ciphertext, 'ciphertext');
  if (typeof ciphertext === 'string') return damaged(ciphertext);
  if (ciphertext.length === 0) return damaged('the ciphertext is empty');

  const file: VaultFile = {
    version: VAULT_FORMAT_VERSION,
    kdf: 'scrypt',
    kdfparams: { n, r, p, salt: params.salt as string },
    cipher: 'aes-256-gcm',
    iv: json.iv as string,
    tag: json.tag as string,
    ciphertext: json.ciphertext as string,
  };
  return { kind: 'ok', file, salt, iv, tag, ciphertext };
}

/** The bytes of a strict hex field, or why it is not one (Buffer.from would silently drop bad digits). */
function hexField(value: unknown, name: string): Buffer | string {
  if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) return `${name} is not hex`;
  return Buffer.from(value, 'hex');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
