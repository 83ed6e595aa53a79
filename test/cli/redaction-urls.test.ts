/**
 * The URL half of the Redactor: which parts of a URL count as secret (userinfo, key-shaped path
 * segments, credential parameters) and which public identifiers of this domain must stay readable.
 */
import { describe, expect, it } from 'vitest';
import { maskUrls, Redactor } from '../../src/config/redact.js';

const UUID = '1f0c2b7e-5d4a-4c3b-9e8f-0a1b2c3d4e5f';
const HASH = `0x${'ab'.repeat(32)}`;

describe('maskUrls masks the secret part and keeps the rest', () => {
  const cases: Array<[string, string, string]> = [
    ['Alchemy key in the path', 'https://polygon-mainnet.g.alchemy.com/v2/AbCdEfGh1234567890IjKlMnOpQrStUv', 'https://polygon-mainnet.g.alchemy.com/v2/[redacted]'],
    ['ZeroDev project id', `https://rpc.zerodev.app/api/v3/${UUID}/chain/137`, 'https://rpc.zerodev.app/api/v3/[redacted]/chain/137'],
    ['Infura project id', 'https://polygon-mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161', 'https://polygon-mainnet.infura.io/v3/[redacted]'],
    ['Ankr key', `https://rpc.ankr.com/polygon/${'c0ffee12'.repeat(8)}`, 'https://rpc.ankr.com/polygon/[redacted]'],
    ['QuickNode token, trailing slash', 'https://cool-frosty-sea.matic.quiknode.pro/4f1e9c2b7a6d5e3f8b0a1c2d3e4f5a6b7c8d9e0f/', 'https://cool-frosty-sea.matic.quiknode.pro/[redacted]/'],
    ['?apikey=', 'https://api.pimlico.io/v2/137/rpc?apikey=pim_Xy12ab34Cd56ef78', 'https://api.pimlico.io/v2/137/rpc?apikey=[redacted]'],
    ['short key in a named parameter', 'https://lb.drpc.org/ogrpc?network=polygon&dkey=Sh0rtK3y', 'https://lb.drpc.org/ogrpc?network=polygon&dkey=[redacted]'],
    ['?access_token= in the fragment', 'https://example.org/cb#access_token=abc.def&state=1', 'https://example.org/cb#access_token=[redacted]&state=1'],
    ['basic auth', 'https://user:pass@rpc.example.org:8545/polygon', 'https://[redacted]@rpc.example.org:8545/polygon'],
    ['websocket', 'wss://polygon-mainnet.g.alchemy.com/v2/AbCdEfGh1234567890IjKlMnOpQrStUv', 'wss://polygon-mainnet.g.alchemy.com/v2/[redacted]'],
  ];
  for (const [name, url, masked] of cases) {
    it(name, () => expect(maskUrls(url)).toBe(masked));
  }

  it('in prose and in JSON: ends at brackets, quotes, backslash escapes and trailing punctuation', () => {
    expect(maskUrls(`bundler (https://rpc.zerodev.app/api/v3/${UUID}/chain/137).`)).toBe('bundler (https://rpc.zerodev.app/api/v3/[redacted]/chain/137).');
    expect(maskUrls(`"URL: https://x.g.alchemy.com/v2/AbCdEfGh1234567890IjKl\\nRequest body"`)).toBe('"URL: https://x.g.alchemy.com/v2/[redacted]\\nRequest body"');
    expect(maskUrls(`see https://rpc.zerodev.app/api/v3/${UUID}, then retry`)).toBe('see https://rpc.zerodev.app/api/v3/[redacted], then retry');
  });
});

describe('maskUrls leaves public identifiers alone', () => {
  const unchanged = [
    `https://polygonscan.com/tx/${HASH}`,
    'https://data-api.polymarket.com/activity?user=0x90F79bf6EB2c4f870365E785982E1f101E93b906&limit=500',
    'https://clob.polymarket.com/book?token_id=71321045679252212594626385532706912750332728571942532289631379312455583992563',
    'https://polymarket.com/event/will-the-fed-cut-rates-in-2025',
    'https://viem.sh/docs/actions/public/waitForTransactionReceipt',
    'https://docs.polymarket.com/developers/CLOB/authentication',
    'http://127.0.0.1:8545',
    'https://polygon-rpc.com',
    'https://registry.npmjs.org/betmirror/-/betmirror-0.1.0.tgz',
  ];
  for (const url of unchanged) it(url, () => expect(maskUrls(`at ${url} now`)).toBe(`at ${url} now`));
});

describe('Redactor', () => {
  it('learns the secret parts of URLs, so a service quoting its key alone is masked too', () => {
    const redactor = new Redactor();
    redactor.addUrls(`--bundler-url=https://rpc.zerodev.app/api/v3/${UUID}/chain/137`);
    redactor.addUrls('https://betmirror-user:hunter2%2Dpass@rpc.example.org');
    expect(redactor.redact(`project ${UUID} not found`)).toBe('project [redacted] not found');
    expect(redactor.redact('user betmirror-user, password hunter2-pass')).toBe('user [redacted], password [redacted]');
    expect(redactor.redact('chain 137 on rpc.zerodev.app')).toBe('chain 137 on rpc.zerodev.app');
  });

  it('learns values issued at runtime, from a record or a list', () => {
    const redactor = new Redactor();
    redactor.addAll({ apiKey: '6ecb6a2e-0b8f-4c2e-9c1c-4f5a4b1d2e3f', apiSecret: undefined });
    redactor.addAll(['passphrase-0123456789']);
    expect(redactor.redact('key 6ecb6a2e-0b8f-4c2e-9c1c-4f5a4b1d2e3f pass passphrase-0123456789')).toBe('key [redacted] pass [redacted]');
  });
});
