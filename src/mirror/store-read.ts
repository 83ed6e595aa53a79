/**
 * The mirror's state as read from outside the mirror (`betmirror status`), never written: whether a
 * mirror holds the profile's lock (lock.ts), and reads of the store (store.ts) its own methods do not
 * offer. Everything here opens files read-only, so looking never disturbs a running mirror.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignalStatus } from './store.js';
import { SIDE_CODES, STATUS_CODES, statusCode } from './store-schema.js';

export interface LockState {
  running: boolean;
  /** From mirror.owner: the process that last took the lock, and when. */
  pid?: number;
  startedAt?: string;
}

/**
 * Whether a mirror runs on this state directory. The running mirror keeps an exclusive SQLite lock on
 * mirror.lock (lock.ts), which refuses even a read: a read that succeeds means no mirror holds it.
 * Unlike StateLock.acquire, nothing is written (the owner file keeps the last mirror's pid and start).
 */
export function readLockState(stateDir: string): LockState {
  const owner = readOwner(join(stateDir, 'mirror.owner'));
  const file = join(stateDir, 'mirror.lock');
  if (!existsSync(file)) return { running: false, ...owner };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return { running: false, ...owner };
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return { running: true, ...owner };
    throw error;
  } finally {
    db?.close();
  }
}

function readOwner(path: string): { pid?: number; startedAt?: string } {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    return {
      ...(typeof holder.pid === 'number' ? { pid: holder.pid } : {}),
      ...(typeof holder.startedAt === 'string' ? { startedAt: holder.startedAt } : {}),
    };
  } catch {
    return {};
  }
}

/** The store file of a state directory (as MirrorStore.open names it), opened read-only; undefined when there is none. */
export function openStoreReadOnly(stateDir: string): Database.Database | undefined {
  const path = join(stateDir, 'mirror.sqlite');
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  return db;
}

export interface RecentSignal {
  key: string;
  wallet: string;
  token: string;
  side: string;
  size: string;
  price: string;
  status: SignalStatus;
  reason: string | null;
  /** When the mirror saw the fill (ms). */
  seenAt: number;
}

/** The latest signals, newest first; `skipped` only the skips. Reads the store's format of either version. */
export function recentSignals(db: Database.Database, limit: number, only?: 'skipped'): RecentSignal[] {
  if (!isCompact(db)) {
    const where = only === 'skipped' ? `WHERE status = 'skipped'` : '';
    const rows = db
      .prepare(`SELECT key, wallet, token, side, size, price, status, reason, seen_at FROM signals ${where} ORDER BY seen_at DESC, key LIMIT ?`)
      .all(limit) as Array<Omit<RecentSignal, 'seenAt'> & { seen_at: number }>;
    return rows.map(({ seen_at, ...row }) => ({ ...row, seenAt: seen_at }));
  }
  // The compact format (store-schema.ts): names by id, codes for side and status, integer amounts.
  const where = only === 'skipped' ? `WHERE s.status = ${statusCode('skipped')}` : '';
  const rows = db
    .prepare(
      `SELECT COALESCE(s.key, printf('fp:%016x', s.fp)) AS key, w.text AS wallet, t.text AS token, s.side, CAST(s.size AS TEXT) AS size,
         CAST(s.price AS TEXT) AS price, s.status, r.text AS reason, s.at - s.seen_age AS seen_at
       FROM signals s JOIN names w ON w.id = s.wallet JOIN names t ON t.id = s.token LEFT JOIN names r ON r.id = s.reason
       ${where} ORDER BY seen_at DESC, s.fp LIMIT ?`,
    )
    .all(limit) as Array<Omit<RecentSignal, 'seenAt' | 'side' | 'status'> & { side: number; status: number; seen_at: number }>;
  return rows.map(({ seen_at, side, status, ...row }) => ({ ...row, side: SIDE_CODES[side]!, status: STATUS_CODES[status]!, seenAt: seen_at }));
}

/** Wallets the store has seen fills of (the mirror does not store its --follow list), by most recent fill. */
export function walletsSeen(db: Database.Database): string[] {
  const sql = isCompact(db)
    ? 'SELECT n.text AS wallet, max(s.at - s.seen_age) AS last FROM signals s JOIN names n ON n.id = s.wallet GROUP BY s.wallet ORDER BY last DESC'
    : 'SELECT wallet, max(seen_at) AS last FROM signals GROUP BY wallet ORDER BY last DESC';
  return (db.prepare(sql).all() as Array<{ wallet: string }>).map((row) => row.wallet);
}

/** A store the mirror has not upgraded yet (it upgrades at its next start) still has the unversioned format. */
function isCompact(db: Database.Database): boolean {
  return (db.pragma('user_version', { simple: true }) as number) >= 2;
}
