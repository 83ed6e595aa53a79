/**
 * The mirror's state under stress: one mirror per profile (in-process and across processes, and a
 * kill -9 frees the profile), a locked or broken store never loses a fill silently, and the state
 * files are the owner's only whatever the umask.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { StateLock } from '../../src/mirror/lock.js';
import { FakeVenue, fill, M, ManualClock } from './support/fakes.js';
import { startHarness, tempStateDir } from './support/engine-harness.js';

describe('one mirror per profile', () => {
  it('a second mirror on the same state is refused, naming the running one; a clean stop frees it', async () => {
    const stateDir = tempStateDir();
    const first = await startHarness({ stateDir });
    const second = startHarness({ stateDir });
    await expect(second).rejects.toThrow(ConfigError);
    await expect(second).rejects.toThrow(`another betmirror mirror is running on this profile (pid ${process.pid}, started 2026-01-05T12:00:00.000Z; state in ${stateDir})`);
    await first.stop();
    const third = await startHarness({ stateDir });
    await third.stop();
  });

  it('across processes, and kill -9 of the holder frees the profile at once', async () => {
    const stateDir = tempStateDir();
    const lockModule = fileURLToPath(new URL('../../src/mirror/lock.ts', import.meta.url));
    const script = `import('${lockModule}').then((m) => { m.StateLock.acquire(${JSON.stringify(stateDir)}, Date.now()); console.log('locked'); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
      });
      expect(() => StateLock.acquire(stateDir, Date.now())).toThrow(`another betmirror mirror is running on this profile (pid ${child.pid}`);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const lock = StateLock.acquire(stateDir, Date.now());
      lock.release();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

/** No page left: the file may not grow, and every page it has is full (what a full disk does to SQLite). */
function fillUp(db: Database.Database): void {
  db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 2}`);
  // Settled signals of other fills take the room left, in the signals table itself.
  const put = db.prepare(
    `INSERT INTO signals (fp, key, at, wallet, token, side, size, price, fill_age, seen_age, source, status, updated_after) VALUES (?, ?, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0)`,
  );
  // Large fillers first, then the smallest row there is, so not even a compact signal finds room.
  let filled = false;
  for (const key of [`filler-${'x'.repeat(200)}`, null]) {
    for (let i = 0; i < 100_000; i++) {
      try {
        put.run(-1 - i - (key ? 0 : 100_000), key && `${key}-${i}`);
      } catch {
        filled = true;
        break;
      }
    }
  }
  if (filled) return;
  throw new Error('the store never filled up');
}

describe('a failing state store never loses a fill silently', () => {
  it('a lock held briefly by another program is waited out: the fill is copied once', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const h = await startHarness({ stateDir }, { venue });
    const other = new Database(join(stateDir, 'mirror.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    setTimeout(() => other.exec('COMMIT'), 300);
    await h.engine.executor.drain();
    other.close();
    expect(venue.orders).toEqual([expect.objectContaining({ side: 'buy', size: M(20), price: M(0.51) })]);
    expect(h.engine.store.all().map((s) => s.status)).toEqual(['filled']);
    await h.stop();
  });

  it('a store that stays locked stops the mirror with the file named; the fill is reported and nothing is sent', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const clock = new ManualClock();
    const events: string[] = [];
    const h = await startHarness({ stateDir }, { venue, clock });
    const other = new Database(join(stateDir, 'mirror.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const f = fill({ timestamp: clock.now(), seenAt: clock.now() });
      h.sources[0]!.push(f);
      await h.engine.executor.drain();
      expect(venue.orders).toEqual([]);
      const decision = h.events.find((e) => e.type === 'decision')!;
      expect(decision).toMatchObject({ status: 'skip', reason: 'state_store_failed', txHash: f.txHash, whaleSize: 100, whalePrice: 0.5 });
      const warning = h.events.find((e) => e.type === 'warning')!;
      expect(warning).toMatchObject({ reason: 'state_store_failed', status: 'stopping' });
      expect(warning.detail).toContain(`the mirror's state store ${join(stateDir, 'mirror.sqlite')} could not record the intent to order: database is locked (waited 1 s for the lock)`);
      const outcome = await h.stop().then(
        () => 'stopped cleanly',
        (error: Error) => (error instanceof ConfigError ? `failed: ${error.message}` : `other: ${error.message}`),
      );
      expect(outcome).toMatch(/^failed: the mirror's state store .*mirror\.sqlite could not record the intent to order/);
      events.push(...h.events.map((e) => e.type));
      expect(events).toContain('stopped');
    } finally {
      other.close();
    }
    // Nothing was recorded, so a restart decides the fill afresh when a source delivers it again.
    const again = await startHarness({ stateDir }, { venue, clock });
    expect(again.engine.store.all()).toEqual([]);
    await again.stop();
  }, 20_000);

  it.each([
    // The store's own connection, made to fail the way a disk does: full (SQLITE_FULL) or read-only.
    ['full', 'database or disk is full', (db: Database.Database) => fillUp(db)],
    ['read-only', 'attempt to write a readonly database', (db: Database.Database) => db.pragma('query_only = ON')],
  ] as const)('a %s disk stops the mirror with the file named; the fill is reported and nothing is sent', async (_name, reason, breakDisk) => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const h = await startHarness({ stateDir }, { venue });
    const db = (h.engine.store as unknown as { db: Database.Database }).db;
    breakDisk(db);
    const f = fill({ timestamp: h.clock.now(), seenAt: h.clock.now(), size: M(100) });
    h.sources[0]!.push(f);
    await h.engine.executor.drain();
    expect(venue.orders).toEqual([]);
    expect(h.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'skip', reason: 'state_store_failed', txHash: f.txHash });
    const warning = h.events.find((e) => e.type === 'warning')!;
    expect(warning.detail).toContain(`the mirror's state store ${join(stateDir, 'mirror.sqlite')} could not record the intent to order: ${reason}`);
    await expect(h.stop()).rejects.toThrow(ConfigError);
  });

  it('a damaged state file is refused at start with its path and what to do', async () => {
    const stateDir = tempStateDir();
    writeFileSync(join(stateDir, 'mirror.sqlite'), 'this is not a database, it was overwritten by mistake '.repeat(200));
    await expect(startHarness({ stateDir })).rejects.toThrow(`the mirror's state store ${join(stateDir, 'mirror.sqlite')} cannot be opened: file is not a database`);
    // The refusal released the profile: once the file is fixed, a mirror starts.
    writeFileSync(join(stateDir, 'mirror.sqlite'), '');
    const h = await startHarness({ stateDir });
    await h.stop();
  });
});

describe('state files are private', () => {
  it('an error quoting an endpoint URL with its key is stored with the key masked', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.createOrder = async () => {
      throw new ConfigError('POST https://polygon-mainnet.g.alchemy.com/v2/sk_live_abcdefghijklmnop1234 answered 500');
    };
    const h = await startHarness({ stateDir }, { venue });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    const [record] = h.engine.store.all();
    expect(record!.status).toBe('failed');
    expect(record!.reason).toContain('https://polygon-mainnet.g.alchemy.com/');
    expect(record!.reason).not.toContain('sk_live_abcdefghijklmnop1234');
    await h.stop();
  });

  it('0600 files in a 0700 directory, even under umask 000', async () => {
    const previous = process.umask(0);
    try {
      const stateDir = join(tempStateDir(), 'profile-state');
      const h = await startHarness({ stateDir });
      h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
      await h.engine.executor.drain();
      const mode = (name: string) => (statSync(join(stateDir, name)).mode & 0o777).toString(8);
      expect(mode('.')).toBe('700');
      for (const file of ['mirror.sqlite', 'mirror.sqlite-wal', 'mirror.sqlite-shm', 'mirror.lock', 'mirror.owner']) expect([file, mode(file)]).toEqual([file, '600']);
      await h.stop();
    } finally {
      process.umask(previous);
    }
  });
});
