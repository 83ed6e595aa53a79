/**
 * The state store's on-disk format: an ordered list of migrations, the version in `PRAGMA user_version`,
 * and the compact encoding of a signal. A store is upgraded in place, one migration per commit; a store
 * written by a newer betmirror is refused, never downgraded.
 *
 * Why the signals table looks the way it does (measured with bench/run.ts, section 5, and the figures
 * in the README): the first format spent ~540 bytes per skipped signal and ~700 per copied one, mostly
 * on text (a 160-character fill key as the primary key, token ids, wallets and amounts as text). Now:
 * - the fill key is kept as its 64-bit fingerprint (`fp`); the key text and the client id only while
 *   the signal is unresolved (a restart writes the outcome back by them);
 * - wallets, tokens, markets, sources and reasons are numbers into one `names` dictionary;
 * - amounts are INTEGER micro-units, times are one absolute `at` plus small offsets from it;
 * - rows are a rowid table in recording order, so pruning deletes from the front of the b-tree
 *   (O(rows pruned), no index on time), with a unique index on `fp` for lookups. Keyed by `fp`
 *   itself (WITHOUT ROWID) the file was ~15% smaller but every prune had to scan the whole table.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Side } from '../core/types.js';
import type { SignalStatus } from './store.js';

/**
 * Status codes as stored. The position in this list IS the on-disk format: append, never reorder.
 * Codes 0, 2 and 3 are the unresolved ones (see UNRESOLVED).
 */
export const STATUS_CODES: readonly SignalStatus[] = ['seen', 'skipped', 'intent', 'unknown', 'filled', 'partially_filled', 'open', 'pending', 'cancelled', 'failed', 'dry_run'];
export const UNRESOLVED = '(0, 2, 3)';
export const SIDE_CODES: readonly Side[] = ['buy', 'sell'];

export function statusCode(status: SignalStatus): number {
  const code = STATUS_CODES.indexOf(status);
  if (code < 0) throw new Error(`unknown signal status ${status}`);
  return code;
}

export function sideCode(side: Side): number {
  return side === 'sell' ? 1 : 0;
}

/**
 * The first 8 bytes of SHA-256 of the fill key, as a signed 64-bit integer. Two different fills share
 * one with probability ~n/2^64 per new fill (1e-12 with 30 million stored): the cost would be one
 * missed copy (taken for a repeat), never a double one. `fp:<16 hex>` (how a settled signal's key
 * reads back) is the fingerprint itself.
 */
export function fingerprint(key: string): bigint {
  if (/^fp:[0-9a-f]{16}$/.test(key)) return BigInt.asIntN(64, BigInt(`0x${key.slice(3)}`));
  return createHash('sha256').update(key).digest().readBigInt64BE(0);
}

export function fingerprintKey(fp: bigint): string {
  return `fp:${BigInt.asUintN(64, fp).toString(16).padStart(16, '0')}`;
}

/** Polymarket order ids (0x + 64 hex) as their 32 bytes; anything else (Kalshi, tests) as text. */
export function encodeOrderId(id: string | null): Buffer | string | null {
  return id !== null && /^0x[0-9a-f]{64}$/.test(id) ? Buffer.from(id.slice(2), 'hex') : id;
}

export function decodeOrderId(value: Buffer | string | null): string | null {
  return Buffer.isBuffer(value) ? `0x${value.toString('hex')}` : value;
}

/** The legacy (unversioned) schema: what every betmirror before schema versioning created. */
const LEGACY = `
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

const COMPACT = `
CREATE TABLE names (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE signals_v2 (
  seq INTEGER PRIMARY KEY, fp INTEGER NOT NULL, key TEXT, client_id TEXT, at INTEGER NOT NULL,
  wallet INTEGER NOT NULL, token INTEGER NOT NULL, market INTEGER, side INTEGER NOT NULL,
  size INTEGER NOT NULL, price INTEGER NOT NULL, fill_age INTEGER NOT NULL, seen_age INTEGER NOT NULL,
  source INTEGER NOT NULL, status INTEGER NOT NULL, reason INTEGER, order_id BLOB, copy_side INTEGER,
  copy_size INTEGER, copy_price INTEGER, filled_size INTEGER, filled_value INTEGER,
  updated_after INTEGER NOT NULL, venue TEXT
);
`;

/** After the data is in: the indexes (building them once is faster than maintaining them row by row). */
const COMPACT_INDEXES = `
CREATE UNIQUE INDEX signals_fp ON signals(fp);
-- Partial: only unresolved signals are indexed, so a settled one costs no index entry.
CREATE INDEX signals_unresolved ON signals(status) WHERE status IN ${UNRESOLVED};
`;

export interface Migration {
  /** The version the store has after it. */
  version: number;
  description: string;
  up: (db: Database.Database) => void;
}

/** Ordered; each runs in its own transaction together with the version it sets. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the unversioned schema, with the columns added to it in place',
    up: (db) => {
      db.exec(LEGACY);
      for (const [table, column] of [['signals', 'venue'], ['holdings', 'venue']] as const) {
        const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
        if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
      }
    },
  },
  {
    version: 2,
    description: 'compact signals (fingerprint, dictionary, integer micro-units, recording order)',
    up: (db) => {
      db.exec(COMPACT);
      const names = nameIds(db);
      const insert = db.prepare(
        `INSERT INTO signals_v2 (fp, key, client_id, at, wallet, token, market, side, size, price, fill_age, seen_age, source, status, reason,
           order_id, copy_side, copy_size, copy_price, filled_size, filled_value, updated_after, venue)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const rows = db.prepare('SELECT * FROM signals ORDER BY seen_at, key').safeIntegers(true).iterate() as IterableIterator<LegacyRow>;
      for (const row of rows) {
        const status = row.status as SignalStatus;
        const unresolved = status === 'seen' || status === 'intent' || status === 'unknown';
        // Recorded when first seen: the legacy format kept no other first-write time.
        const at = row.seen_at;
        insert.run(
          fingerprint(row.key),
          unresolved ? row.key : null,
          unresolved ? row.client_id : null,
          at,
          names(row.wallet),
          names(row.token),
          row.market === null ? null : names(row.market),
          sideCode(row.side as Side),
          micros(row, 'size'),
          micros(row, 'price'),
          at - row.fill_ts,
          0n,
          names(row.source),
          statusCode(status),
          row.reason === null ? null : names(row.reason),
          encodeOrderId(row.order_id),
          row.copy_side === null ? null : sideCode(row.copy_side as Side),
          micros(row, 'copy_size'),
          micros(row, 'copy_price'),
          micros(row, 'filled_size'),
          micros(row, 'filled_value'),
          row.updated_at - at,
          row.venue,
        );
      }
      db.exec('DROP TABLE signals; ALTER TABLE signals_v2 RENAME TO signals;');
      db.exec(COMPACT_INDEXES);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** `names` ids by text, inserting what is missing (a migration's own cache; the store keeps its own). */
function nameIds(db: Database.Database): (text: string) => number {
  const cache = new Map<string, number>();
  const find = db.prepare('SELECT id FROM names WHERE text = ?').pluck();
  const add = db.prepare('INSERT INTO names (text) VALUES (?)');
  return (text) => {
    let id = cache.get(text);
    if (id === undefined) {
      id = (find.get(text) as number | undefined) ?? Number(add.run(text).lastInsertRowid);
      cache.set(text, id);
    }
    return id;
  };
}

type LegacyAmount = 'size' | 'price' | 'copy_size' | 'copy_price' | 'filled_size' | 'filled_value';
interface LegacyRow extends Record<LegacyAmount, string | null> {
  key: string;
  wallet: string;
  token: string;
  market: string | null;
  side: string;
  fill_ts: bigint;
  source: string;
  seen_at: bigint;
  status: string;
  reason: string | null;
  client_id: string | null;
  order_id: string | null;
  copy_side: string | null;
  updated_at: bigint;
  venue: string | null;
}

/** A legacy text amount as an exact integer; anything else stops the upgrade (nothing is changed). */
function micros(row: LegacyRow, column: LegacyAmount): bigint | null {
  const text = row[column];
  if (text === null) return null;
  if (!/^-?\d+$/.test(text) || BigInt(text) !== BigInt.asIntN(64, BigInt(text))) {
    throw new Error(`signal ${row.key}: ${column} "${text}" is not an amount in micro-units`);
  }
  return BigInt(text);
}

/**
 * Brings `db` to SCHEMA_VERSION: each pending migration commits with its version, so an interrupted
 * upgrade resumes where it stopped. A newer store is refused before anything is touched.
 */
export function migrate(db: Database.Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(from);
  if (from === 0 && !db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'signals'").get()) {
    // A new file: freed pages can be given back to the disk (only settable before the first table).
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: SCHEMA_VERSION };
}

export class NewerSchemaError extends Error {
  constructor(readonly version: number) {
    super(`it was written by a newer betmirror (store format ${version}; this version reads up to ${SCHEMA_VERSION}) and is not downgraded`);
  }
}
