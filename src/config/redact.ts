/**
 * Last line of defence for "no secret in any output": every secret value the process loads or is
 * issued is registered here, and every byte written to stdout or stderr passes through `redact`.
 * The first line of defence is not putting secrets into messages at all.
 *
 * Two kinds of values are masked:
 * - exact secrets (`add`): keys, passwords, API credentials, whether loaded or issued at runtime;
 * - the secret parts of any URL in the text: RPC, bundler and paymaster URLs carry their API key in
 *   the path (Alchemy `/v2/<key>`, ZeroDev `/api/v3/<project>/...`), the query (`?apikey=`) or the
 *   userinfo (`user:pass@`), and libraries quote them in their errors. The scheme and host stay, so a
 *   message still says which service failed.
 */
const MIN_SECRET_LENGTH = 8;
const MASK = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret) return;
    for (const variant of variantsOf(secret.trim())) {
      if (variant.length >= MIN_SECRET_LENGTH) this.secrets.add(variant);
    }
  }

  /** Values issued at runtime (e.g. AuthResult.issuedSecrets, credentials an adapter derives). */
  addAll(secrets: Iterable<string | undefined> | Readonly<Record<string, string | undefined>> | undefined): void {
    if (!secrets) return;
    const values = Symbol.iterator in secrets ? secrets : Object.values(secrets);
    for (const secret of values) this.add(secret);
  }

  /**
   * The secret parts of every URL in `text`, as exact secrets: a service may echo its key or project
   * id without the URL around it ("project 1f0c... not found").
   */
  addUrls(text: string | undefined): void {
    if (!text) return;
    for (const [url] of text.matchAll(URL_PATTERN)) {
      for (const part of inspectUrl(trimPunctuation(url).url).secrets) {
        this.add(part);
        this.add(safeDecode(part));
      }
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return maskUrls(out);
  }
}

/** The secret parts of every URL in `text` masked; everything else unchanged. */
export function maskUrls(text: string): string {
  return text.replace(URL_PATTERN, (match) => {
    const { url, trailing } = trimPunctuation(match);
    return inspectUrl(url).masked + trailing;
  });
}

/** A hex key may be echoed with or without 0x and in either case; a PEM may be echoed line by line. */
function variantsOf(secret: string): string[] {
  const variants = [secret];
  const hex = /^(0x)?([0-9a-fA-F]+)$/.exec(secret);
  if (hex) {
    const bare = hex[2]!;
    variants.push(bare, bare.toLowerCase(), bare.toUpperCase(), `0x${bare.toLowerCase()}`);
  }
  if (secret.includes('-----BEGIN')) {
    for (const line of secret.split(/\r?\n/)) if (!line.startsWith('-----')) variants.push(line.trim());
  }
  return variants;
}

// A URL ends at whitespace, quotes, a backslash (a JSON escape such as \n) and brackets of the prose around it.
const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>\\()[\]{}|^]+/gi;
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;

/** Query parameters that hold a credential whatever their value looks like. */
const SECRET_PARAM =
  /^(api[-_]?key|apikey|x-api-key|key|dkey|(access|auth|id|refresh|bearer)?[-_]?token|auth|authorization|secret|client[-_]?secret|pass|password|pwd|sig|signature|project[-_]?id|session|credentials?)$/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function trimPunctuation(match: string): { url: string; trailing: string } {
  const trailing = /[.,;:!?]+$/.exec(match)?.[0] ?? '';
  return { url: match.slice(0, match.length - trailing.length), trailing };
}

function inspectUrl(url: string): { masked: string; secrets: string[] } {
  const parts = URL_PARTS.exec(url);
  if (!parts) return { masked: url, secrets: [] };
  const [, scheme, authority, path, query = '', fragment = ''] = parts;
  const secrets: string[] = [];
  const at = authority!.lastIndexOf('@');
  let host = authority!;
  if (at >= 0) {
    const userinfo = authority!.slice(0, at);
    secrets.push(userinfo, ...userinfo.split(':'));
    host = `${MASK}@${authority!.slice(at + 1)}`;
  }
  const maskedPath = path!
    .split('/')
    .map((segment) => (looksLikeKey(segment) ? (secrets.push(segment), MASK) : segment))
    .join('/');
  const maskParams = (params: string, lead: string) => {
    if (!params) return '';
    const masked = params
      .slice(1)
      .split('&')
      .map((param) => {
        const eq = param.indexOf('=');
        const name = eq < 0 ? '' : param.slice(0, eq);
        const value = eq < 0 ? param : param.slice(eq + 1);
        if (!value || !(SECRET_PARAM.test(safeDecode(name)) || looksLikeKey(value))) return param;
        secrets.push(value);
        return eq < 0 ? MASK : `${name}=${MASK}`;
      });
    return `${lead}${masked.join('&')}`;
  };
  return { masked: `${scheme}${host}${maskedPath}${maskParams(query, '?')}${maskParams(fragment, '#')}`, secrets };
}

/**
 * A path segment or parameter value shaped like an API key or project id. Public identifiers of this
 * domain are not: 0x addresses and hashes, decimal token ids, lowercase slugs, camelCase doc paths.
 */
function looksLikeKey(value: string): boolean {
  if (UUID.test(value)) return true;
  if (value.length < 16 || !/^[A-Za-z0-9._~-]+$/.test(value)) return false;
  if (/^0x[0-9a-fA-F]*$/.test(value) || /^\d+$/.test(value)) return false;
  if (/^([a-z]+|[0-9]+)([-.]([a-z]+|[0-9]+))+$/.test(value)) return false;
  const letters = value.replace(/[^A-Za-z]/g, '');
  const upper = letters.replace(/[^A-Z]/g, '').length;
  const lower = letters.length - upper;
  const digits = /[0-9]/.test(value);
  // Random keys mix letters and digits, or both cases throughout; identifiers mostly do neither.
  return (digits && letters.length > 0) || (upper >= value.length / 4 && lower >= value.length / 4);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
