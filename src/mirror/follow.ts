/**
 * The followed wallets: `--follow` addresses, a `--follow-file` (one address per line, `#` comments,
 * blank lines), or the profile's `follow` / `follow-file` mirror settings when no flag names any.
 * Pure: a bad entry is a BadInputError naming where it is (file:line), before anything is sent.
 */
import { BadInputError } from '../core/errors.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Addresses of a follow file, in order, lower-case, each once. */
export function parseFollowFile(text: string, path: string): string[] {
  const wallets: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    if (!ADDRESS.test(line)) throw new BadInputError(`${path}:${index + 1}: not a wallet address: ${line}`, { hint: 'one 0x address (40 hex digits) per line; # starts a comment' });
    wallets.push(line.toLowerCase());
  });
  return [...new Set(wallets)];
}

/** `--follow` values (repeated or comma-separated) checked and lower-cased; `what` names where they came from. */
export function parseFollowList(values: readonly string[], what: string): string[] {
  const wallets = values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
  for (const wallet of wallets) if (!ADDRESS.test(wallet)) throw new BadInputError(`${what}: not a wallet address: ${wallet}`);
  return wallets.map((w) => w.toLowerCase());
}

/**
 * Flags first: `--follow` and `--follow-file` together. With neither, the profile's `follow` (a list)
 * and `follow-file`. Each wallet once, in the order given.
 */
export async function resolveFollow(
  input: { follow?: readonly string[]; followFile?: string; profile?: Record<string, string> },
  readTextFile: (path: string) => Promise<string>,
): Promise<string[]> {
  const read = async (path: string, what: string) => {
    const text = await readTextFile(path).catch((error: Error) => {
      throw new BadInputError(`${what}: cannot read ${path}: ${error.message}`);
    });
    return parseFollowFile(text, path);
  };
  const fromFlags = [...parseFollowList(input.follow ?? [], '--follow'), ...(input.followFile ? await read(input.followFile, '--follow-file') : [])];
  if (fromFlags.length > 0 || input.follow?.length || input.followFile) return [...new Set(fromFlags)];
  const profile = input.profile ?? {};
  const fromProfile = [
    ...parseFollowList(profile.follow ? [profile.follow] : [], 'the profile\'s mirror.follow'),
    ...(profile['follow-file'] ? await read(profile['follow-file'], 'the profile\'s mirror.follow-file') : []),
  ];
  return [...new Set(fromProfile)];
}
