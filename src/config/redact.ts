/**
 * Last line of defence for "no secret in any output": every secret value the process loads is
 * registered here, and every byte written to stdout or stderr passes through `redact`.
 * The first line of defence is not putting secrets into messages at all.
 */
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret) return;
    for (const variant of variantsOf(secret.trim())) {
      if (variant.length >= MIN_SECRET_LENGTH) this.secrets.add(variant);
    }
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
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
