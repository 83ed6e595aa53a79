/**
 * A geoblocked venue stops the mirror (issue 12): the first order the venue refuses from this location
 * (HTTP 403 + Cloudflare block page from the sandbox's edge) ends the run with GeoblockedError (exit 5),
 * its message said once, instead of every later copy failing the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { GeoblockedError } from '../../src/core/errors.js';
import { MICRO } from '../../src/core/money.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { DEV_KEYS } from '../support/chain.js';
import { run, tempConfigDir } from '../support/cli.js';
import { baseOptions } from './support/engine-harness.js';
import { fundedKey, orderPosts, startSandboxMirror, waitFor } from './support/sandbox-harness.js';

const MESSAGE = 'order refused: Polymarket refuses orders from this location (geoblock: HTTP 403 from its edge)';
let sandbox: PolymarketSandbox;
let token: string;
let whale: `0x${string}`;
const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: 5n * MICRO, multiplier: MICRO, percent: 0n }, maxSlippage: 50_000n };

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  token = sandbox.markets.find((m) => m.active && !m.closed && m.tickSize === '0.01')!.tokens[0].tokenId;
  whale = sandbox.whales[0]!;
});
afterAll(async () => sandbox?.close());

describe('a geoblocked venue', () => {
  it('the first refused order ends the run with GeoblockedError; no other copy is sent', async () => {
    const { key } = fundedKey(sandbox, 500n * MICRO);
    sandbox.setGeoblocked(true);
    try {
      const before = sandbox.requests.length;
      const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
      const ended = mirror.stop.bind(mirror);
      for (let i = 0; i < 3; i++) await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10 + i, price: 0.99 });
      await waitFor(() => mirror.engine.fatal !== undefined, 'the mirror to stop');
      const error = await ended().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GeoblockedError);
      expect((error as Error).message).toBe(MESSAGE);
      expect(orderPosts(sandbox, before)).toHaveLength(1);
      const failed = mirror.events.filter((e) => e.type === 'order');
      expect(failed.map((e) => [e.status, e.reason, e.whaleSize])).toEqual([['failed', 'geoblocked', 10]]);
      expect(mirror.events.filter((e) => e.type === 'warning').map((e) => [e.status, e.reason, e.detail])).toEqual([
        ['stopping', 'geoblocked', 'the mirror stops: every order would be refused the same way'],
      ]);
      // The message is the run's error only: no event repeats it.
      expect(JSON.stringify(mirror.events)).not.toContain('refuses orders from this location (geoblock');
    } finally {
      sandbox.setGeoblocked(false);
    }
  });

  it('`betmirror mirror` exits 5 and prints the geoblock message once', async () => {
    const key = DEV_KEYS[3]!;
    sandbox.fund(privateKeyToAccount(key).address, 500n * MICRO);
    const env = {
      POLYMARKET_PRIVATE_KEY: key,
      POLYMARKET_CLOB_URL: sandbox.clobUrl,
      POLYMARKET_DATA_API_URL: sandbox.dataApiUrl,
      POLYMARKET_GAMMA_URL: sandbox.gammaUrl,
      POLYMARKET_RTDS_URL: sandbox.rtdsUrl,
    };
    const before = sandbox.requests.length;
    sandbox.setGeoblocked(true);
    try {
      const running = run(['mirror', '--exchange', 'polymarket', '--follow', whale, '--source', 'rtds', '--sizing', 'fixed', '--fixed-usd', '5', '--max-slippage', '5', '--yes'], {
        registry: defaultRegistry(),
        env,
        configDir: tempConfigDir(),
      });
      let done = false;
      void running.finally(() => (done = true));
      // The whale trades until the mirror, once running, copies one and stops.
      for (let i = 0; !done && i < 100; i++) {
        await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.99 });
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = await running;
      expect(result.code).toBe(5);
      const output = `${result.stdout}\n${result.stderr}`.split('\n');
      // Said once, as the run's error, with what to do about it; the copy's own line names it in a word.
      expect(output.filter((line) => line.includes('refuses orders from this location'))).toEqual([`error: ${MESSAGE}`]);
      expect(output).toContain('warning: the mirror stops: every order would be refused the same way');
      expect(result.stderr).toContain('https://docs.polymarket.com/api-reference/geoblock');
      expect(output.filter((line) => line.startsWith('miss '))).toEqual([expect.stringMatching(/^miss  0x[0-9a-f]{4}…[0-9a-f]{4} BUY 10\.00 @ 0\.\d+ on .*: failed \(geoblocked\)$/)]);
      expect(orderPosts(sandbox, before)).toHaveLength(1);
    } finally {
      sandbox.setGeoblocked(false);
    }
  }, 30_000);
});
