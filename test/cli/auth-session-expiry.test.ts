/**
 * The session key `auth --smart-account` approved expires on the command's clock, not the system's:
 * the CLI hands its injected clock to custody, so a key past its expiry is refused locally with
 * nothing sent, whatever the machine's time. The owner approved at a fixed time (2030) with the
 * default 90 days, so with the system clock (years earlier) the key would still look valid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/config.js';
import { systemClock } from '../../src/core/runtime.js';
import type { VenueDefinition } from '../../src/exchanges/adapter.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { A_DAY_LATER_MS, CASHOUT_ADDRESS, countingFetch, startCustodyFixture, type CustodyFixture } from '../custody/fixture.js';
import { run, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue, type PaperState } from '../support/paper-venue.js';

/** 2030-06-15T17:46:40Z, the key's last valid second, plus one second. */
const EXPIRED_MS = 1_907_776_001_000;

let fx: CustodyFixture;
beforeAll(async () => {
  fx = await startCustodyFixture();
});
afterAll(async () => {
  await fx?.close();
});

/** The paper venue, its funds under the fixture's smart account on the local chain. */
function setup() {
  const state = paperState();
  const base = paperVenue(state);
  const venue: VenueDefinition = {
    ...base,
    settings: [
      ...base.settings,
      { key: 'rpcUrl', description: 'chain RPC', default: fx.chain.rpcUrl },
      { key: 'chainId', description: 'chain id', default: String(fx.chain.chainId) },
    ],
  };
  const configDir = tempConfigDir();
  new ConfigStore(configDir).saveProfile('default', {
    exchange: 'paper',
    custody: {
      kind: 'zerodev-kernel-v3.1',
      venue: 'paper',
      smartAccount: fx.approved.smartAccountAddress,
      owner: fx.approved.ownerAddress,
      sessionKeyAddress: fx.session.address,
      approval: fx.approved.approval,
      destinations: [CASHOUT_ADDRESS],
      bundlerUrl: 'http://127.0.0.1:9/bundler',
    },
  });
  const counter = countingFetch();
  const cashout = (nowMs: number, ...flags: string[]) =>
    run(['cashout', '--amount', '1', '--to', CASHOUT_ADDRESS, '--yes', '--json', ...flags], {
      registry: new ExchangeRegistry([venue]),
      configDir,
      env: { [PAPER_KEY_ENV]: '0xpaper', BETMIRROR_SESSION_KEY: fx.session.privateKey },
      clock: { ...systemClock, now: () => nowMs },
      fetch: counter.fetch,
    });
  return { state, cashout, requests: counter.count };
}

describe('the session key expires on the command clock', () => {
  it('before its expiry (a day after approval), the cash-out is planned', async () => {
    const { cashout, requests } = setup();
    const planned = await cashout(A_DAY_LATER_MS, '--dry-run');
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ destination: CASHOUT_ADDRESS, dryRun: true });
    expect(requests()).toBe(0);
  });

  it('one second after its expiry, it is refused locally with the fix, and nothing is sent', async () => {
    const { state, cashout, requests } = setup();
    const refused = await cashout(EXPIRED_MS);
    expect(refused.code).toBe(4);
    const error = JSON.parse(refused.stdout).error;
    expect(error.message).toBe(`the session key ${fx.session.address} expired on 2030-06-15T17:46:40Z: nothing was sent`);
    expect(error.hint).toBe('run `betmirror auth --smart-account --rotate` with the owner key to approve a new session key');
    expect(requests()).toBe(0);
    expect((state as PaperState).cashouts).toEqual([]);
  });
});
