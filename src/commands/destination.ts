/**
 * Where a cash-out may go. Everything here is decided without the network, so `cashout` refuses a bad
 * destination before any venue or RPC read: the address's shape and EIP-55 checksum, addresses that can
 * never be a destination (the zero address, the collateral tokens, Polymarket's contracts), the account
 * being cashed out, and, when the profile pins an allow-list, every other address.
 *
 * The profile keeps two lists in its venue settings (config.json, `profiles.<name>.venues.<venue>`), as
 * comma-separated addresses because venue settings are strings:
 *   - `cashoutAllow`, written by you: when set, the only destinations cash-outs may go to;
 *   - `cashoutUsed`, written by betmirror: destinations already paid out to, which need no first-time
 *     confirmation.
 */
import { checksumAddress, type Address } from 'viem';
import { BadInputError, ConfigError } from '../core/errors.js';

export const CASHOUT_ALLOW = 'cashoutAllow';
export const CASHOUT_USED = 'cashoutUsed';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * `value` as a checksummed address. All-lowercase or all-uppercase hex carries no checksum and is taken
 * as written; mixed case must match EIP-55, since a mismatch means a character was mistyped.
 * `source` names where the value came from ("--to", "BETMIRROR_CASHOUT_TO").
 */
export function parseDestination(source: string, value: string): Address {
  const text = value.trim();
  const problem = addressProblem(text);
  if (problem === 'shape') {
    throw new BadInputError(`${source} is not an address (0x followed by 40 hex digits): ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)}`, {
      hint: `give the Polygon address of the wallet that should receive the funds with ${source}`,
    });
  }
  if (problem === 'checksum') {
    throw new BadInputError(`${source} ${text} ${CHECKSUM_MISMATCH}`, {
      hint: 'copy the address again from the wallet that will receive the funds; nothing was sent',
    });
  }
  return checksumAddress(text.toLowerCase() as Address);
}

const CHECKSUM_MISMATCH =
  'fails its EIP-55 checksum: its mix of capital and small letters does not match the address, so a character is probably wrong';

function addressProblem(text: string): 'shape' | 'checksum' | undefined {
  if (!ADDRESS.test(text)) return 'shape';
  const hex = text.slice(2);
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return undefined;
  return checksumAddress(text.toLowerCase() as Address) === text ? undefined : 'checksum';
}

/** Addresses a cash-out never goes to: funds sent there are burned or stuck (VENUES.md 1.4 and 1.6). */
export const NEVER_DESTINATIONS: ReadonlyArray<readonly [Address, string]> = [
  ['0x0000000000000000000000000000000000000000', 'the zero address'],
  ['0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB', "the pUSD token contract (Polymarket's collateral)"],
  ['0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174', 'the USDC.e token contract'],
  ['0xE111180000d2663C0091e4f400237545B87B996B', "Polymarket's CTF Exchange V2 contract"],
  ['0xe2222d279d744050d28e00520010520000310F59', "Polymarket's neg-risk CTF Exchange V2 contract"],
  ['0xe3333700cA9d93003F00f0F71f8515005F6c00Aa', "Polymarket's Exchange V3 contract"],
  ['0x9fE6e61422AdB6F610d8597F9684b16912D50C3D', "Polymarket's Exchange V3 contract on Amoy"],
  ['0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E', "Polymarket's CTF Exchange (V1) contract"],
  ['0xC5d563A36AE78145C45a50134d48A1215220f80a', "Polymarket's neg-risk CTF Exchange (V1) contract"],
  ['0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296', "Polymarket's neg-risk adapter contract"],
  ['0x4D97DCd97eC945f40cF65F87097ACe5EA0476045', 'the ConditionalTokens (outcome token) contract'],
  ['0xaB45c5A4B0c941a2F231C04C3f49182e1A254052', "Polymarket's proxy wallet factory contract"],
  ['0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b', "Polymarket's Safe factory contract"],
];

export function refuseNeverDestination(source: string, destination: Address): void {
  const refused = NEVER_DESTINATIONS.find(([address]) => address.toLowerCase() === destination.toLowerCase());
  if (!refused) return;
  const fate = refused[0] === NEVER_DESTINATIONS[0]![0] ? 'funds sent there are burned' : 'funds sent to a contract like this cannot be got back';
  throw new BadInputError(`${source} ${destination} is ${refused[1]}: ${fate}`, {
    hint: `give the address of a wallet you control with ${source}; nothing was sent`,
  });
}

/** An account a cash-out draws from, and what it is, e.g. "the funder" or "the smart account". */
export interface OwnAccount {
  address: string;
  role: string;
}

export function refuseOwnAccount(source: string, destination: Address, accounts: readonly OwnAccount[]): void {
  const own = accounts.find((account) => account.address.toLowerCase() === destination.toLowerCase());
  if (!own) return;
  throw new BadInputError(`${source} ${destination} is the account being cashed out (${own.role}): a cash-out to itself moves nothing`, {
    hint: `give the address of the wallet that should receive the funds with ${source}; nothing was sent`,
  });
}

export interface CashoutLists {
  /** The pinned allow-list; undefined when the profile pins none. */
  allow?: Address[];
  used: Address[];
}

/**
 * The two lists from a profile's venue settings. A malformed allow-list (or a misspelt cashout key) is a
 * configuration error, never ignored: ignoring it would silently lift the pin. `where` names the
 * settings for messages, e.g. `profiles.default.venues.polymarket in ~/.config/betmirror/config.json`.
 */
export function cashoutLists(settings: Readonly<Record<string, string>>, where: string): CashoutLists {
  for (const key of Object.keys(settings)) {
    if (/^cash-?out/i.test(key) && key !== CASHOUT_ALLOW && key !== CASHOUT_USED) {
      throw new ConfigError(`${key} in ${where} is not a setting betmirror knows`, {
        hint: `did you mean ${CASHOUT_ALLOW} (the addresses cash-outs may go to, comma-separated)?`,
      });
    }
  }
  const allowText = settings[CASHOUT_ALLOW];
  let allow: Address[] | undefined;
  if (allowText !== undefined && allowText.trim() !== '') {
    allow = splitList(allowText).map((entry) => {
      const problem = addressProblem(entry);
      if (problem) {
        const what = problem === 'shape' ? 'is not an address (0x followed by 40 hex digits)' : CHECKSUM_MISMATCH;
        throw new ConfigError(`${CASHOUT_ALLOW} in ${where}: ${JSON.stringify(entry)} ${what}`, {
          hint: `correct ${CASHOUT_ALLOW} (addresses separated by commas) in that file`,
        });
      }
      return checksumAddress(entry.toLowerCase() as Address);
    });
  }
  // betmirror writes this list; an entry it cannot read only means that address is confirmed again.
  const used = splitList(settings[CASHOUT_USED] ?? '')
    .filter((entry) => ADDRESS.test(entry))
    .map((entry) => checksumAddress(entry.toLowerCase() as Address));
  return { ...(allow ? { allow } : {}), used };
}

export function refuseOutsideAllowList(source: string, destination: Address, lists: CashoutLists, where: string): void {
  if (!lists.allow || includes(lists.allow, destination)) return;
  throw new BadInputError(
    `${source} ${destination} is not in the cash-out allow-list (${CASHOUT_ALLOW} in ${where}): ${lists.allow.join(', ')}`,
    { hint: `cash out to one of those addresses, or add this one to ${CASHOUT_ALLOW} if it is yours; nothing was sent` },
  );
}

/** Whether the profile has paid out to, pinned, or had the owner approve (smart account) this address. */
export function isKnownDestination(destination: Address, lists: CashoutLists, approved: readonly string[] = []): boolean {
  return includes([...lists.used, ...(lists.allow ?? []), ...approved], destination);
}

/** The used list with `destination` added, as stored. */
export function withUsed(lists: CashoutLists, destination: Address): string {
  return [...lists.used.filter((address) => address !== destination), destination].join(',');
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== '');
}

function includes(list: readonly string[], address: string): boolean {
  return list.some((entry) => entry.toLowerCase() === address.toLowerCase());
}
