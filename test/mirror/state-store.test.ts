/**
 * The state store's retention and format: what pruning keeps and drops (exactly), that a restart after
 * pruning copies nothing twice, and that a store written by the unversioned betmirror is upgraded with
 * every signal and amount intact while one from a newer betmirror is refused.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, ConfigError } from '../../src/core/errors.js';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { MirrorStore, PRUNE_SLICES } from '../../src/mirror/store.js';
import { openStoreReadOnly, recentSignals, walletsSeen } from '../../src/mirror/store-read.js';
import { fingerprint, fingerprintKey, SCHEMA_VERSION } from '../../src/mirror/store-schema.js';
import { fill, FakeVenue, M, ManualClock } from './support/fakes.js';
import { startHarness, tempStateDir } from './support/engine-harness.js';

const MIN = 60_000;

function skip(store: MirrorStore, key: string, at: number): void {
  store.recordDecision(key, fill({ timestamp: at, seenAt: at }), { reason: 'below_minimum' }, at);
}

function intent(store: MirrorStore, key: string, at: number): void {
  store.recordDecision(key, fill({ timestamp: at, seenAt: at }), { clientId: `bm-${key}`, side: 'buy', size: M(20), price: M(0.51) }, at);
}

describe('retention: pruning keeps what a restart needs', () => {
  it('drops settled signals recorded before the cutoff, and keeps every unresolved one whatever its age', () => {
    const store = new MirrorStore(':memory:');
    skip(store, 'old-skip', 1_000);
    intent(store, 'old-filled', 2_000);
    store.recordOutcome('old-filled', { status: 'filled', orderId: 'o-1', filledSize: M(20), filledValue: M(10.2) }, 2_500);
    intent(store, 'old-intent', 3_000);
    intent(store, 'old-unknown', 4_000);
    store.recordOutcome('old-unknown', { status: 'unknown', reason: 'timeout' }, 4_100);
    store.recordSeen('old-seen', fill({ timestamp: 5_000, seenAt: 5_000 }), 5_000);
    skip(store, 'edge', 9_000);
    skip(store, 'new-skip', 10_000);

    expect(store.prune(9_000)).toBe(2);

    const kept = ['old-intent', 'old-unknown', 'old-seen', 'edge', 'new-skip'];
    expect(['old-skip', 'old-filled', ...kept].filter((k) => store.has(k))).toEqual(kept);
    expect(store.size).toBe(5);
    expect(store.unresolved().map((r) => [r.key, r.status, r.clientId])).toEqual([
      ['old-intent', 'intent', 'bm-old-intent'],
      ['old-unknown', 'unknown', 'bm-old-unknown'],
      ['old-seen', 'seen', null],
    ]);
    // Once settled, an old signal goes with the next prune.
    store.recordOutcome('old-unknown', { status: 'cancelled' }, 20_000);
    expect(store.prune(9_000)).toBe(1);
    expect(store.has('old-unknown')).toBe(false);
    expect(store.size).toBe(4);
  });

  it('a periodic step prunes one slice of the key space; PRUNE_SLICES steps cover it all, then it starts over', () => {
    const store = new MirrorStore(':memory:');
    const keys = Array.from({ length: 200 }, (_, i) => `old-${i}`);
    for (const key of keys) skip(store, key, 1_000);
    skip(store, 'fresh', 10_000);
    const slice = (key: string) => Number((fingerprint(key) + 2n ** 63n) / (2n ** 64n / BigInt(PRUNE_SLICES)));
    const inSlice = (n: number) => keys.filter((k) => slice(k) === n);
    expect(inSlice(0).length).toBeGreaterThan(0);

    expect(store.pruneStep(5_000)).toBe(inSlice(0).length);
    expect(keys.filter((k) => !store.has(k))).toEqual(inSlice(0));
    expect(store.pruneStep(5_000)).toBe(inSlice(1).length);
    expect(keys.filter((k) => !store.has(k))).toEqual(keys.filter((k) => slice(k) <= 1));
    for (let n = 2; n < PRUNE_SLICES; n++) store.pruneStep(5_000);
    expect(keys.filter((k) => store.has(k))).toEqual([]);
    expect(store.has('fresh')).toBe(true);
    // Round again: slice 0 first.
    skip(store, inSlice(0)[0]!, 2_000);
    skip(store, inSlice(1)[0]!, 2_000);
    expect(store.pruneStep(5_000)).toBe(1);
    expect([inSlice(0)[0], inSlice(1)[0]].map((k) => store.has(k!))).toEqual([false, true]);
  });

  it('a restart after pruning copies nothing twice', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(1_000));
    const clock = new ManualClock();
    const t0 = clock.now();
    const at = (ms: number, token: string) => fill({ token, timestamp: t0 + ms, seenAt: t0 + ms });
    const a = at(0, 'T1');
    const b = at(50 * MIN, 'T2');
    const c = at(69.5 * MIN, 'T3');
    const first = await startHarness({ stateDir, retentionMs: 60 * MIN }, { venue, clock });
    first.sources[0]!.push(a);
    await first.engine.executor.drain();
    await clock.run(50 * MIN);
    first.sources[0]!.push(b);
    await first.engine.executor.drain();
    await clock.run(19.5 * MIN);
    first.sources[0]!.push(c);
    await first.engine.executor.drain();
    await clock.run(0.5 * MIN);
    // 70 minutes in: the periodic prune dropped A (recorded 70 minutes ago), kept B and C.
    expect([a, b, c].map((f) => first.engine.store.has(`${f.txHash}|${f.token}|buy|100|5000`))).toEqual([false, true, true]);
    await first.stop();
    expect(venue.orders.map((o) => [o.market, o.side, o.size, o.price])).toEqual([
      ['T1', 'buy', M(100), M(0.51)],
      ['T2', 'buy', M(100), M(0.51)],
      ['T3', 'buy', M(100), M(0.51)],
    ]);

    // Five minutes later a restart resumes, and its sources deliver all three again.
    clock.advance(5 * MIN);
    const second = await startHarness({ stateDir, retentionMs: 60 * MIN }, { venue, clock });
    for (const f of [a, b, c]) second.sources[0]!.push({ ...f, seenAt: clock.now() });
    await second.engine.executor.drain();
    expect(venue.orders).toHaveLength(3);
    // Nothing was booked twice either: 1,000 - 3 x 100 x 0.51 at the venue and in the restored books.
    expect(venue.cash).toBe(M(847));
    expect(second.engine.portfolio.cash).toBe(M(847));
    expect([...second.engine.portfolio.holdings.values()].map((h) => [h.token, h.size, h.cost])).toEqual([
      ['T1', M(100), M(51)],
      ['T2', M(100), M(51)],
      ['T3', M(100), M(51)],
    ]);
    // A and B are before the resumed start (A is also past the dedup window); C, inside it, is known to the store.
    expect(second.engine.monitor.counters).toEqual({ seen: 0, duplicates: 1, beforeStart: 2 });
    expect(second.engine.store.all().map((r) => [r.key, r.status])).toEqual([
      [fingerprintKey(fingerprint(`${b.txHash}|T2|buy|100|5000`)), 'filled'],
      [fingerprintKey(fingerprint(`${c.txHash}|T3|buy|100|5000`)), 'filled'],
    ]);
    await second.stop();
  });
});

describe('a signal survives the store exactly', () => {
  it('amounts beyond 2^53, order ids of both shapes, venue, reason and times', () => {
    const store = new MirrorStore(':memory:');
    const f = fill({ token: '71321045679252212594626385532706912750332728571942532289631379312455583992563', market: '0xabc', side: 'sell', size: 9_007_199_254_740_993n, price: 123_457n, timestamp: 1_000, seenAt: 1_250, source: 'rtds' });
    store.recordDecision('k1', f, { clientId: 'bm-1', side: 'sell', size: 9_223_372_036_854_775_807n, price: 120_000n, venue: { market: 'KX-1', outcome: 'yes' } }, 1_300);
    const orderId = `0x${'ab'.repeat(32)}`;
    store.recordOrderId('k1', orderId, 1_310);
    expect(store.unresolved()).toEqual([
      {
        key: 'k1', wallet: '0xwhale', token: f.token, market: '0xabc', side: 'sell', size: '9007199254740993', price: '123457',
        fillTs: 1_000, source: 'rtds', seenAt: 1_250, recordedAt: 1_300, updatedAt: 1_310, status: 'intent', reason: null, clientId: 'bm-1', orderId,
        copySide: 'sell', copySize: '9223372036854775807', copyPrice: '120000', filledSize: null, filledValue: null, venue: { market: 'KX-1', outcome: 'yes' },
      },
    ]);
    store.recordOutcome('k1', { status: 'partially_filled', filledSize: 9_223_372_036_854_775_000n, filledValue: 1n }, 1_400);
    expect(store.get('k1')).toMatchObject({ key: 'k1', status: 'partially_filled', clientId: null, orderId, filledSize: '9223372036854775000', filledValue: '1', updatedAt: 1_400 });
    // Settled: the key text and client id are gone; the fingerprint answers for it.
    expect(store.all()[0]!.key).toBe(fingerprintKey(fingerprint('k1')));
    expect(store.get(fingerprintKey(fingerprint('k1')))!.filledSize).toBe('9223372036854775000');
    store.recordDecision('k2', fill(), { clientId: 'bm-2', side: 'buy', size: M(1), price: M(0.5) }, 2_000);
    store.recordOutcome('k2', { status: 'failed', orderId: 'kalshi-6f1c0e2a', reason: 'rejected' }, 2_100);
    expect(store.get('k2')).toMatchObject({ orderId: 'kalshi-6f1c0e2a', reason: 'rejected', status: 'failed' });
  });
});

describe('the names dictionary', () => {
  it('names no signal refers to any more are dropped by the full prune, at most once a day', () => {
    const path = join(tempStateDir(), 'mirror.sqlite');
    const store = new MirrorStore(path);
    const names = () => {
      const db = new Database(path, { readonly: true });
      const texts = db.prepare('SELECT text FROM names ORDER BY text').pluck().all() as string[];
      db.close();
      return texts;
    };
    store.recordDecision('k1', fill({ wallet: '0xold', token: 'T-old', market: 'C-old', timestamp: 1_000, seenAt: 1_000 }), { reason: 'r-old' }, 1_000);
    skip(store, 'k2', 100_000_000);
    expect(store.prune(5_000)).toBe(1);
    expect(names()).toEqual(['0xwhale', 'C1', 'T1', 'below_minimum', 'data-api']);
    store.recordDecision('k3', fill({ timestamp: 6_000, seenAt: 6_000 }), { reason: 'r-gone' }, 6_000);
    expect(store.prune(7_000)).toBe(1);
    // Swept 2 s of cutoff ago: not again yet.
    expect(names()).toContain('r-gone');
    expect(store.prune(5_000 + 86_400_000)).toBe(0);
    expect(names()).toEqual(['0xwhale', 'C1', 'T1', 'below_minimum', 'data-api']);
    // The cache forgot the dropped names too: a new one is stored and read back right.
    store.recordDecision('k4', fill({ timestamp: 100_000_001, seenAt: 100_000_001 }), { reason: 'r-new' }, 100_000_001);
    expect(store.get('k4')!.reason).toBe('r-new');
    store.close();
  });
  it('a rolled-back transaction takes the names it added with it: no name ever reads back as another', () => {
    const store = new MirrorStore(':memory:');
    intent(store, 'k1', 1_000);
    expect(() =>
      store.transaction(() => {
        store.recordOutcome('k1', { status: 'failed', reason: 'reason-a' }, 1_100);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(store.get('k1')).toMatchObject({ status: 'intent', reason: null });
    store.recordDecision('k2', fill(), { reason: 'reason-b' }, 1_200);
    store.recordDecision('k3', fill(), { reason: 'reason-a' }, 1_300);
    expect(['k2', 'k3'].map((k) => store.get(k)!.reason)).toEqual(['reason-b', 'reason-a']);
    // And from a fresh connection's point of view too.
    expect(store.all().map((r) => r.reason)).toEqual([null, 'reason-b', 'reason-a']);
  });
});

/** The schema every betmirror before versioning created (store.ts before this change), verbatim. */
const LEGACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS signals (
  key TEXT PRIMARY KEY, wallet TEXT NOT NULL, token TEXT NOT NULL, market TEXT, side TEXT NOT NULL,
  size TEXT NOT NULL, price TEXT NOT NULL, fill_ts INTEGER NOT NULL, source TEXT NOT NULL, seen_at INTEGER NOT NULL,
  status TEXT NOT NULL, reason TEXT, client_id TEXT, order_id TEXT, copy_side TEXT, copy_size TEXT,
  copy_price TEXT, filled_size TEXT, filled_value TEXT, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS signals_unresolved ON signals(seen_at) WHERE status IN ('seen', 'intent', 'unknown');
CREATE TABLE IF NOT EXISTS holdings (token TEXT PRIMARY KEY, market TEXT NOT NULL, size TEXT NOT NULL, cost TEXT NOT NULL, mark TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

const K_FILLED = `0x${'11'.repeat(32)}|71321045679252212594626385532706912750332728571942532289631379312455583992563|buy|20|5100`;
const K_INTENT = `0x${'22'.repeat(32)}|T2|sell|7.5|9900`;
const K_SKIP = `0x${'33'.repeat(32)}|T1|buy|1|100`;
const ORDER = `0x${'cd'.repeat(32)}`;

function legacyStore(withVenueColumns: boolean, extra: (db: Database.Database) => void = () => undefined): string {
  const path = join(tempStateDir(), 'mirror.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(LEGACY_SCHEMA);
  if (withVenueColumns) db.exec('ALTER TABLE signals ADD COLUMN venue TEXT; ALTER TABLE holdings ADD COLUMN venue TEXT;');
  const put = db.prepare(
    `INSERT INTO signals (key, wallet, token, market, side, size, price, fill_ts, source, seen_at, status, reason, client_id, order_id, copy_side, copy_size, copy_price, filled_size, filled_value, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  put.run(K_FILLED, '0xwhale', '71321045679252212594626385532706912750332728571942532289631379312455583992563', '0xcond', 'buy', '20000000', '510000', 1_000, 'rtds', 1_200, 'filled', null, 'bm-aaa', ORDER, 'buy', '19990000', '520000', '19990000', '9223372036854775807', 1_300);
  put.run(K_INTENT, '0xother', 'T2', null, 'sell', '7500000', '990000', 2_000, 'data-api', 2_400, 'intent', null, 'bm-bbb', null, 'sell', '7500000', '970000', null, null, 2_450);
  put.run(K_SKIP, '0xwhale', 'T1', 'C1', 'buy', '1000000', '10000', 500, 'onchain', 900, 'skipped', 'below_minimum', null, null, null, null, null, null, null, 950);
  if (withVenueColumns) db.prepare('UPDATE signals SET venue = ? WHERE key = ?').run('{"market":"KX-1","outcome":"no"}', K_INTENT);
  db.prepare(`INSERT INTO holdings (token, market, size, cost, mark) VALUES (?, ?, ?, ?, ?)`).run('T1', 'C1', '19990000', '10394800', '520000');
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('book', '{"cash":"189605200","realizedPnl":"-1250000","fees":"20000"}');
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('daily', '{"day":20458,"volume":"10394800","startEquity":"200000000"}');
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('resume', '{"startAt":1000,"aliveAt":2500}');
  extra(db);
  db.close();
  return path;
}

describe('schema versioning', () => {
  it.each([true, false])('upgrades a store of the unversioned format (venue columns: %s) with every signal and amount intact', (withVenue) => {
    const path = legacyStore(withVenue);
    const store = new MirrorStore(path);
    expect(store.schema).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(SCHEMA_VERSION).toBe(2);
    expect([K_FILLED, K_INTENT, K_SKIP].map((k) => store.has(k))).toEqual([true, true, true]);
    expect(store.get(K_FILLED)).toEqual({
      key: K_FILLED, wallet: '0xwhale', token: '71321045679252212594626385532706912750332728571942532289631379312455583992563', market: '0xcond', side: 'buy',
      size: '20000000', price: '510000', fillTs: 1_000, source: 'rtds', seenAt: 1_200, recordedAt: 1_200, updatedAt: 1_300, status: 'filled', reason: null,
      // Settled: the client id only served reconciliation, and is not carried over.
      clientId: null, orderId: ORDER, copySide: 'buy', copySize: '19990000', copyPrice: '520000', filledSize: '19990000', filledValue: '9223372036854775807', venue: null,
    });
    expect(store.unresolved()).toEqual([
      {
        key: K_INTENT, wallet: '0xother', token: 'T2', market: null, side: 'sell', size: '7500000', price: '990000', fillTs: 2_000, source: 'data-api', seenAt: 2_400,
        recordedAt: 2_400, updatedAt: 2_450, status: 'intent', reason: null, clientId: 'bm-bbb', orderId: null, copySide: 'sell', copySize: '7500000', copyPrice: '970000',
        filledSize: null, filledValue: null, venue: withVenue ? { market: 'KX-1', outcome: 'no' } : null,
      },
    ]);
    expect(store.get(K_SKIP)).toMatchObject({ status: 'skipped', reason: 'below_minimum', source: 'onchain', size: '1000000', price: '10000', fillTs: 500, seenAt: 900, updatedAt: 950 });
    expect(store.all().map((r) => r.key)).toEqual([fingerprintKey(fingerprint(K_SKIP)), fingerprintKey(fingerprint(K_FILLED)), K_INTENT]);
    expect(store.holdings()).toEqual([{ token: 'T1', market: 'C1', size: 19_990_000n, cost: 10_394_800n, mark: 520_000n }]);
    expect(store.totals()).toEqual({ cash: 189_605_200n, realizedPnl: -1_250_000n, fees: 20_000n });
    expect(store.daily()).toEqual({ day: 20458, volume: 10_394_800n, startEquity: 200_000_000n });
    expect(store.resumePoint()).toEqual({ startAt: 1000, aliveAt: 2500 });
    store.close();

    const raw = new Database(path, { readonly: true });
    expect([raw.pragma('user_version', { simple: true }), raw.pragma('auto_vacuum', { simple: true })]).toEqual([2, 2]);
    raw.close();
    // Opening it again changes nothing.
    const again = new MirrorStore(path);
    expect(again.schema).toEqual({ from: 2, to: 2 });
    expect(again.size).toBe(3);
    again.close();
  });

  it('an amount the old format could not have written stops the upgrade, and the signals stay as they were', () => {
    const path = legacyStore(true, (db) => db.prepare(`UPDATE signals SET filled_value = '12.5' WHERE key = ?`).run(K_FILLED));
    expect(() => new MirrorStore(path)).toThrow(ConfigError);
    expect(() => new MirrorStore(path)).toThrow(`the mirror's state store ${path} cannot be opened: signal ${K_FILLED}: filled_value "12.5" is not an amount in micro-units`);
    const raw = new Database(path, { readonly: true });
    // Migration 1 (the unversioned format as it was) committed; migration 2 rolled back whole.
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare('SELECT key, filled_value FROM signals ORDER BY key').all()).toEqual([
      { key: K_FILLED, filled_value: '12.5' },
      { key: K_INTENT, filled_value: null },
      { key: K_SKIP, filled_value: null },
    ]);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name IN ('names', 'signals_v2')").all()).toEqual([]);
    raw.close();
  });

  it('status reads recent signals from either format, without upgrading the file', () => {
    const legacy = legacyStore(true);
    const dir = legacy.slice(0, -'/mirror.sqlite'.length);
    const before = openStoreReadOnly(dir)!;
    const legacyView = [recentSignals(before, 5), recentSignals(before, 5, 'skipped'), walletsSeen(before)];
    expect(before.pragma('user_version', { simple: true })).toBe(0);
    before.close();
    expect(legacyView).toEqual([
      [
        { key: K_INTENT, wallet: '0xother', token: 'T2', side: 'sell', size: '7500000', price: '990000', status: 'intent', reason: null, seenAt: 2_400 },
        { key: K_FILLED, wallet: '0xwhale', token: '71321045679252212594626385532706912750332728571942532289631379312455583992563', side: 'buy', size: '20000000', price: '510000', status: 'filled', reason: null, seenAt: 1_200 },
        { key: K_SKIP, wallet: '0xwhale', token: 'T1', side: 'buy', size: '1000000', price: '10000', status: 'skipped', reason: 'below_minimum', seenAt: 900 },
      ],
      [{ key: K_SKIP, wallet: '0xwhale', token: 'T1', side: 'buy', size: '1000000', price: '10000', status: 'skipped', reason: 'below_minimum', seenAt: 900 }],
      ['0xother', '0xwhale'],
    ]);
    new MirrorStore(legacy).close();
    const after = openStoreReadOnly(dir)!;
    // The same, except that settled signals answer by their fingerprint.
    const settled = (key: string) => fingerprintKey(fingerprint(key));
    expect([recentSignals(after, 5), recentSignals(after, 5, 'skipped'), walletsSeen(after)]).toEqual([
      [legacyView[0]![0], { ...(legacyView[0]![1] as object), key: settled(K_FILLED) }, { ...(legacyView[0]![2] as object), key: settled(K_SKIP) }],
      [{ ...(legacyView[1]![0] as object), key: settled(K_SKIP) }],
      ['0xother', '0xwhale'],
    ]);
    after.close();
  });

  it('a store written by a newer betmirror is refused, untouched', () => {
    const path = join(tempStateDir(), 'mirror.sqlite');
    new MirrorStore(path).close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: ConfigError | undefined;
    try {
      new MirrorStore(path);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe(`the mirror's state store ${path} cannot be opened: it was written by a newer betmirror (store format 3; this version reads up to 2) and is not downgraded`);
    expect(error!.hint).toBe('run the betmirror that wrote it (or a newer one); to start afresh, move the file away: positions and cash are read back from the venue');
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(3);
    raw.close();
  });
});

describe('--signal-retention', () => {
  const parse = (value?: string) => parseMirrorSettings(value === undefined ? {} : { 'signal-retention': value }).retentionMs;
  it('defaults to a day, and takes any whole number of ms from twice the dedup window up', () => {
    expect(parse()).toBe(86_400_000);
    expect(parse('3600000')).toBe(3_600_000);
    expect(parse('2592000000')).toBe(2_592_000_000); // 30 days: not a timer, so no 24.8-day limit
  });
  it.each(['3599999', '0', '-5', '1h', '1e9'])('refuses %s: a shorter window would forget what a restart needs', (value) => {
    expect(() => parse(value)).toThrow(BadInputError);
    expect(() => parse(value)).toThrow(`--signal-retention must be at least 3600000 ms (twice the 30-minute dedup window a restart relies on) (got ${value})`);
  });
});
