/**
 * Bad input, end to end, in-process: each invocation below is refused on this machine with the
 * documented exit code and a message naming the flag, setting or file and the fix, and not one request
 * reaches a local venue. Requests are counted by the venues themselves: the local Polymarket (CLOB, Data
 * API, Gamma), the local Kalshi, and one counting stand-in serving as Polygon RPC, relayer and bundler;
 * the injected fetch refuses (and counts) any other host, so nothing can leak to production either.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import type { Prompter } from '../../src/cli/prompter.js';
import { ConfigStore, type Profile } from '../../src/config/config.js';
import { SecretVault } from '../../src/config/vault.js';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { derivedFunder } from '../../src/exchanges/polymarket/index.js';
import { startKalshiSandbox, type KalshiSandbox } from '../doubles/kalshi/index.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { DEV_KEYS } from '../support/chain.js';
import { run, scriptedPrompter, tempConfigDir, type RunResult } from '../support/cli.js';
import { generateKey } from '../exchanges/kalshi/helpers.js';

const KEY = DEV_KEYS[1]!;
const ACCOUNT = privateKeyToAccount(KEY).address;
const HOME = privateKeyToAccount(DEV_KEYS[3]!).address; // 0x90F79bf6EB2c4f870365E785982E1f101E93b906
const OTHER = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const SMART_ACCOUNT = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc';
const PASSWORD = 'bad-input-password';
const KALSHI_KEY_ID = 'key-bad-input';
const POLYMARKET_ORDER_ID = `0x${'5f2c'.repeat(16)}`;
const KALSHI_ORDER_ID = '3f2b5c1e-8a4d-4e7b-9c21-5d0e6f7a8b9c';

/** HOME with the case of one letter flipped: a typo the EIP-55 checksum catches. */
const HOME_TYPO = (() => {
  const at = HOME.search(/[a-fA-F]/);
  const flipped = HOME[at] === HOME[at]!.toLowerCase() ? HOME[at]!.toUpperCase() : HOME[at]!.toLowerCase();
  return `${HOME.slice(0, at)}${flipped}${HOME.slice(at + 1)}`;
})();

let polymarket: PolymarketSandbox;
let kalshi: KalshiSandbox;
let standIn: { url: string; seen: string[]; close(): Promise<void> };
let registry: ExchangeRegistry;
let configDir: string;
const escaped: string[] = [];
const kalshiKey = generateKey();

/** Only local hosts: anything else is counted and refused, never sent. */
const localFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    escaped.push(url.href);
    return Promise.reject(new TypeError(`test: a request to ${url.host} must not leave this machine`));
  }
  return globalThis.fetch(input, init);
};

const requestsSoFar = () => polymarket.requests.length + kalshi.requests.length + standIn.seen.length + escaped.length;

async function startStandIn(): Promise<typeof standIn> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  [polymarket, kalshi, standIn, registry] = await Promise.all([startPolymarketSandbox(), startKalshiSandbox(), startStandIn(), defaultRegistry()]);
  polymarket.fund(ACCOUNT, 40_000_000n);
  kalshi.registerKey(KALSHI_KEY_ID, kalshiKey.publicKeyPem);
  kalshi.fund(KALSHI_KEY_ID, 50_00);

  configDir = tempConfigDir();
  const config = new ConfigStore(configDir);
  const venues = {
    polymarket: {
      clobUrl: polymarket.clobUrl,
      dataApiUrl: polymarket.dataApiUrl,
      gammaUrl: polymarket.gammaUrl,
      rtdsUrl: polymarket.rtdsUrl,
      rpcUrl: standIn.url,
      relayerUrl: standIn.url,
    },
    kalshi: { env: 'demo', apiUrl: kalshi.url, apiKeyId: KALSHI_KEY_ID },
  };
  const profiles: Record<string, Profile> = {
    default: { exchange: 'polymarket', venues },
    pinned: { exchange: 'polymarket', venues: { ...venues, polymarket: { ...venues.polymarket, cashoutAllow: `${HOME}, ${ACCOUNT.toLowerCase()}` } } },
    badallow: { exchange: 'polymarket', venues: { ...venues, polymarket: { ...venues.polymarket, cashoutAllow: `${HOME},nope` } } },
    custody: {
      exchange: 'polymarket',
      venues,
      custody: {
        kind: 'zerodev-kernel-v3.1',
        venue: 'polymarket',
        smartAccount: SMART_ACCOUNT,
        owner: privateKeyToAccount(DEV_KEYS[2]!).address,
        sessionKeyAddress: OTHER,
        approval: 'not-read-before-the-refusal',
        destinations: [HOME],
        bundlerUrl: standIn.url,
      },
    },
    nokey: { exchange: 'polymarket', venues },
  };
  for (const [name, profile] of Object.entries(profiles)) config.saveProfile(name, profile);
  for (const name of ['default', 'pinned', 'badallow', 'custody']) {
    await new SecretVault(config.vaultPath(name), 10).write(PASSWORD, { 'polymarket.privateKey': KEY, 'kalshi.privateKeyPem': kalshiKey.privateKeyPem });
  }
});

afterAll(async () => {
  await Promise.all([polymarket?.close(), kalshi?.close(), standIn?.close()]);
});

interface Invocation {
  env?: Record<string, string>;
  prompter?: Prompter;
}

const cli = (argv: string[], options: Invocation = {}): Promise<RunResult> =>
  run(argv, {
    registry,
    configDir,
    fetch: localFetch,
    env: { BETMIRROR_PASSWORD: PASSWORD, ...options.env },
    ...(options.prompter ? { prompter: options.prompter, tty: true } : {}),
  });

interface BadInput extends Invocation {
  name: string;
  argv: string[];
  code: number;
  /** The problem, naming the flag, setting or file. */
  problem: RegExp;
  /** What to do about it. */
  fix: RegExp;
}

const cashout = (to: string, ...more: string[]) => ['cashout', '--amount', '5', '--to', to, ...more];
const withYes = (to: string, ...more: string[]) => cashout(to, '--yes', ...more);
const notAWallet = /give the address of a wallet you control with --to; nothing was sent/;

/** VENUES.md 1.4 and 1.6: the collateral tokens and the exchange contracts. */
const CONTRACTS: Array<[string, RegExp]> = [
  ['0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB', /is the pUSD token contract/],
  ['0xc011a7e12a19f7b1f670d46f03b03f3342e82dfb', /is the pUSD token contract/],
  ['0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174', /is the USDC\.e token contract/],
  ['0xE111180000d2663C0091e4f400237545B87B996B', /is Polymarket's CTF Exchange V2 contract/],
  ['0xe2222d279d744050d28e00520010520000310F59', /is Polymarket's neg-risk CTF Exchange V2 contract/],
  ['0xe3333700cA9d93003F00f0F71f8515005F6c00Aa', /is Polymarket's Exchange V3 contract/],
  ['0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E', /is Polymarket's CTF Exchange \(V1\) contract/],
  ['0xC5d563A36AE78145C45a50134d48A1215220f80a', /is Polymarket's neg-risk CTF Exchange \(V1\) contract/],
  ['0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296', /is Polymarket's neg-risk adapter contract/],
  ['0x4D97DCd97eC945f40cF65F87097ACe5EA0476045', /is the ConditionalTokens \(outcome token\) contract/],
];

const CASES: BadInput[] = [
  // cashout: how much, and where
  { name: 'cashout without --amount or --all', argv: ['cashout', '--to', HOME, '--yes'], code: 2, problem: /say how much to cash out/, fix: /pass --amount <usd>, or --all/ },
  { name: 'cashout with both --amount and --all', argv: ['cashout', '--amount', '5', '--all', '--to', HOME, '--yes'], code: 2, problem: /--amount or --all, not both/, fix: /give --amount or --all/ },
  { name: 'cashout without a destination', argv: ['cashout', '--amount', '5', '--yes'], code: 2, problem: /no destination/, fix: /pass --to <address> or set BETMIRROR_CASHOUT_TO/ },
  { name: 'an empty BETMIRROR_CASHOUT_TO is no destination', argv: ['cashout', '--amount', '5', '--yes'], env: { BETMIRROR_CASHOUT_TO: '' }, code: 2, problem: /no destination/, fix: /set BETMIRROR_CASHOUT_TO/ },
  { name: 'a destination that is not an address', argv: withYes('0x123'), code: 2, problem: /--to is not an address \(0x followed by 40 hex digits\): "0x123"/, fix: /give the Polygon address/ },
  { name: 'a destination with a bad EIP-55 checksum', argv: withYes(HOME_TYPO), code: 2, problem: new RegExp(`--to ${HOME_TYPO} fails its EIP-55 checksum`), fix: /copy the address again/ },
  { name: 'a bad checksum in BETMIRROR_CASHOUT_TO', argv: ['cashout', '--amount', '5', '--yes'], env: { BETMIRROR_CASHOUT_TO: HOME_TYPO }, code: 2, problem: /BETMIRROR_CASHOUT_TO 0x\w+ fails its EIP-55 checksum/, fix: /copy the address again/ },
  { name: 'the zero address', argv: withYes(`0x${'0'.repeat(40)}`), code: 2, problem: /is the zero address: funds sent there are burned/, fix: notAWallet },
  { name: 'the zero address, on a venue that cannot cash out (checked first)', argv: withYes(`0x${'0'.repeat(40)}`, '--exchange', 'kalshi'), code: 2, problem: /is the zero address/, fix: notAWallet },
  ...CONTRACTS.map(([address, problem]): BadInput => ({ name: `the contract ${address}`, argv: withYes(address), code: 2, problem, fix: notAWallet })),
  { name: 'the funder itself (EOA: the key)', argv: withYes(ACCOUNT), code: 2, problem: /is the account being cashed out \(the funder\)/, fix: /the wallet that should receive the funds/ },
  {
    name: 'the funder itself (proxy wallet derived from the key)',
    argv: withYes(derivedFunder(1, ACCOUNT, 137)!),
    env: { POLYMARKET_SIGNATURE_TYPE: 'proxy' },
    code: 2,
    problem: /is the account being cashed out \(the funder\)/,
    fix: /the wallet that should receive the funds/,
  },
  { name: 'the smart account itself', argv: withYes(SMART_ACCOUNT, '--profile', 'custody'), code: 2, problem: /is the account being cashed out \(the smart account\)/, fix: /the wallet that should receive the funds/ },
  {
    name: 'a destination outside the profile allow-list',
    argv: withYes(OTHER, '--profile', 'pinned'),
    code: 2,
    problem: /--to 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 is not in the cash-out allow-list \(cashoutAllow in profiles\.pinned\.venues\.polymarket in .*config\.json\)/,
    fix: /cash out to one of those addresses, or add this one to cashoutAllow/,
  },
  {
    name: 'the funder, even when the allow-list names it',
    argv: withYes(ACCOUNT, '--profile', 'pinned'),
    code: 2,
    problem: /is the account being cashed out \(the funder\)/,
    fix: /the wallet that should receive the funds/,
  },
  {
    name: 'a malformed allow-list (configuration: exit 1)',
    argv: withYes(HOME, '--profile', 'badallow'),
    code: 1,
    problem: /cashoutAllow in profiles\.badallow\.venues\.polymarket in .*config\.json: "nope" is not an address/,
    fix: /correct cashoutAllow/,
  },
  {
    name: 'a first-time destination without --yes and without a terminal',
    argv: cashout(OTHER),
    code: 2,
    problem: /--to 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 has never received a cash-out from profile "default", and there is no terminal to confirm/,
    fix: /run again with --yes \(or pin it in cashoutAllow of profiles\.default\.venues\.polymarket in .*config\.json\)/,
  },
  {
    name: 'a first-time destination declined at the terminal',
    argv: cashout(OTHER),
    prompter: scriptedPrompter({ confirm: [false] }),
    code: 8,
    problem: /declined: nothing was sent/,
    fix: /declined/,
  },

  // cancel: ids checked by shape per venue
  { name: 'cancel with a shell fragment for an id', argv: ['cancel', 'not-an-id;rm -rf', '--yes'], code: 2, problem: /not a Polymarket order id \(0x followed by 64 hex digits\): "not-an-id;rm -rf"/, fix: /as `betmirror order` printed them/ },
  { name: 'cancel on Kalshi with a shell fragment for an id', argv: ['cancel', '--exchange', 'kalshi', 'not-an-id;rm -rf', '--yes'], code: 2, problem: /not a Kalshi order id \(a UUID/, fix: /as `betmirror order` printed them/ },
  { name: 'cancel on Kalshi with a path for an id', argv: ['cancel', '--exchange', 'kalshi', `../../portfolio/orders/${KALSHI_ORDER_ID}`, '--yes'], code: 2, problem: /not a Kalshi order id/, fix: /as `betmirror order` printed them/ },
  { name: 'cancel on Kalshi with a Polymarket id', argv: ['cancel', '--exchange', 'kalshi', POLYMARKET_ORDER_ID, '--yes'], code: 2, problem: /not a Kalshi order id/, fix: /as `betmirror order` printed them/ },
  { name: 'cancel on Polymarket with a Kalshi id among good ones', argv: ['cancel', POLYMARKET_ORDER_ID, KALSHI_ORDER_ID, '--yes'], code: 2, problem: new RegExp(`not a Polymarket order id .*"${KALSHI_ORDER_ID}"`), fix: /as `betmirror order` printed them/ },
  { name: 'cancel without ids or --all', argv: ['cancel', '--yes'], code: 2, problem: /say which orders to cancel/, fix: /give one or more order ids .*or --all/ },

  // empty environment variables count as unset
  {
    name: 'an empty POLYMARKET_PRIVATE_KEY with no stored key',
    argv: ['balance', '--profile', 'nokey'],
    env: { POLYMARKET_PRIVATE_KEY: '' },
    code: 4,
    problem: /no Signer private key .* for Polymarket/,
    fix: /run `betmirror auth --exchange polymarket` or set POLYMARKET_PRIVATE_KEY/,
  },
  {
    name: 'an empty BETMIRROR_PASSWORD without a terminal',
    argv: ['balance'],
    env: { BETMIRROR_PASSWORD: '' },
    code: 2,
    problem: /no terminal to ask/,
    fix: /supply it with the BETMIRROR_PASSWORD environment variable/,
  },
];

describe('bad input is refused before any request, with the documented exit code and the fix', () => {
  for (const bad of CASES) {
    it(bad.name, async () => {
      const before = requestsSoFar();
      const result = await cli(bad.argv, bad);
      expect(result.stderr, result.stderr).toMatch(bad.problem);
      expect(result.stderr, result.stderr).toMatch(bad.fix);
      expect(result.code, result.stderr).toBe(bad.code);
      expect(result.stdout).toBe('');
      expect(requestsSoFar(), 'requests that reached a venue').toBe(before);
    });
  }

  it('--json carries the same refusal as one document with its exit code and hint', async () => {
    const before = requestsSoFar();
    const result = await cli(['cancel', 'not-an-id;rm -rf', '--yes', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({ type: 'BadInputError', exitCode: 2, hint: expect.stringMatching(/as `betmirror order` printed them/) });
    expect(requestsSoFar()).toBe(before);
  });

  it('a first-time destination is asked about on a terminal before anything else is asked or read', async () => {
    const prompter = scriptedPrompter({ confirm: [false] });
    await cli(cashout(OTHER), { prompter });
    expect(prompter.asked).toEqual([expect.stringMatching(/0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65 has never received a cash-out from profile "default"\. Is it yours/)]);
  });

  it('an all-lowercase or all-uppercase destination carries no checksum and gets to the first-time check', async () => {
    for (const spelling of [OTHER.toLowerCase(), `0x${OTHER.slice(2).toUpperCase()}`]) {
      const result = await cli(cashout(spelling));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${OTHER} has never received a cash-out`);
    }
  });
});

describe('a cancel that cancels nothing exits 5 (the venue does not know the order)', () => {
  it('on Polymarket: the cancel is sent, nothing else is', async () => {
    const before = polymarket.requests.length;
    const result = await cli(['cancel', POLYMARKET_ORDER_ID, '--yes']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(new RegExp(`nothing was cancelled on polymarket: ${POLYMARKET_ORDER_ID}: `));
    expect(result.stderr).toMatch(/hint: the order may be filled or cancelled already/);
    // The store holds only the key, so the API credentials are derived first (/auth/...).
    const sent = polymarket.requests.slice(before).filter((r) => r.method !== 'GET' && !r.path.startsWith('/auth/'));
    expect(sent.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['DELETE /order']);
  });

  it('on Kalshi', async () => {
    const before = kalshi.requests.length;
    const result = await cli(['cancel', '--exchange', 'kalshi', KALSHI_ORDER_ID, '--yes', '--json']);
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout).error).toMatchObject({ type: 'OrderNotFoundError', exitCode: 5, message: expect.stringContaining(`nothing was cancelled on kalshi: ${KALSHI_ORDER_ID}`) });
    const sent = kalshi.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(sent.map((r) => r.method)).toEqual(['DELETE']);
  });
});

describe('empty environment variables count as unset', () => {
  const emptyPolymarket = {
    POLYMARKET_PRIVATE_KEY: '',
    POLYMARKET_CLOB_URL: '',
    POLYMARKET_DATA_API_URL: '',
    POLYMARKET_GAMMA_URL: '',
    POLYMARKET_RTDS_URL: '',
    POLYGON_RPC_URL: '',
    POLYMARKET_SIGNATURE_TYPE: ' ',
    POLYMARKET_FUNDER: '',
    BETMIRROR_PROFILE: '',
  };

  const polymarketCases: Array<[string, Record<string, string>]> = [
    ['POLYMARKET_PRIVATE_KEY (the stored key is used)', { POLYMARKET_PRIVATE_KEY: '' }],
    ["POLYMARKET_CLOB_URL (the profile's URL is used, not production)", { POLYMARKET_CLOB_URL: '' }],
    ['BETMIRROR_PROFILE (the active profile is used)', { BETMIRROR_PROFILE: '' }],
    ['every Polymarket variable at once, blanks included', emptyPolymarket],
  ];
  for (const [name, env] of polymarketCases) {
    it(`an empty ${name}`, async () => {
      const before = polymarket.requests.length;
      const result = await cli(['balance', '--json'], { env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ exchange: 'polymarket', account: ACCOUNT, cash: 40 });
      expect(polymarket.requests.length).toBeGreaterThan(before);
      expect(escaped).toEqual([]);
    });
  }

  it("empty Kalshi URL and key variables: the profile's local Kalshi and the stored key are used", async () => {
    const before = kalshi.requests.length;
    const env = { KALSHI_API_URL: '', KALSHI_ENV: '', KALSHI_API_KEY_ID: '', KALSHI_PRIVATE_KEY_PEM: '', KALSHI_PRIVATE_KEY_PATH: '' };
    const result = await cli(['balance', '--exchange', 'kalshi', '--json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exchange: 'kalshi', cash: 50 });
    expect(kalshi.requests.length).toBeGreaterThan(before);
    expect(escaped).toEqual([]);
  });
});
