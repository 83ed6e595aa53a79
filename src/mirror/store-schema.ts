/**
 * The state store's on-disk format: an ordered list of migrations, the version in `PRAGMA user_version`,
 * and the compact encoding of a signal. A store is upgraded in place, one migration per commit; a store
 * written by a newer betmirror is refused, never downgraded.
 *
 * Why the signals table looks the way it does (measured with `npm run bench -- --only scale` (section 4c), figures
 * in the README): the first format spent ~540 bytes per skipped signal and ~700 per copied one, mostly
 * on text (a 160-character fill key as the primary key, token ids, wallets and amounts as text). Now:
 * - the fill key is kept as its 64-bit fingerprint (`fp`); the key text and the client id only while
 *   the signal is unresolved (a restart writes the outcome back by them);
 * - wallets, tokens, markets, sources and reasons are numbers into one `names` dictionary;
 * - amounts are INTEGER micro-units, times are one absolute `at` plus small offsets from it;
 * - the table is keyed by `fp` itself (WITHOUT ROWID): no second b-tree. A rowid table in recording
 *   order with a unique index on `fp` made pruning a range delete but cost ~25 bytes more per signal;
 *   instead pruning walks the key space in PRUNE_SLICES slices, one per step (store.ts).
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
  fp INTEGER PRIMARY KEY, key TEXT, client_id TEXT, at INTEGER NOT NULL,
  wallet INTEGER NOT NULL, token INTEGER NOT NULL, market INTEGER, side INTEGER NOT NULL,
  size INTEGER NOT NULL, price INTEGER NOT NULL, fill_age INTEGER NOT NULL, seen_age INTEGER NOT NULL,
  source INTEGER NOT NULL, status INTEGER NOT NULL, reason INTEGER, order_id BLOB, copy_side INTEGER,
  copy_size INTEGER, copy_price INTEGER, filled_size INTEGER, filled_value INTEGER,
  updated_after INTEGER NOT NULL, venue TEXT
) WITHOUT ROWID;
`;

/** After the data is in (building it once is faster than maintaining it row by row). */
const COMPACT_INDEXES = `
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
      // Every amount is checked before anything is written: one the old format could not have
      // written stops the upgrade, and this migration rolls back whole.
      const amounts = db.prepare(`SELECT key, ${LEGACY_AMOUNTS.join(', ')} FROM signals`).iterate() as IterableIterator<LegacyAmounts>;
      for (const row of amounts) for (const column of LEGACY_AMOUNTS) checkMicros(row, column);
      db.exec(COMPACT);
      db.exec(`INSERT OR IGNORE INTO names (text) SELECT wallet FROM signals UNION SELECT token FROM signals UNION SELECT market FROM signals WHERE market IS NOT NULL
               UNION SELECT source FROM signals UNION SELECT reason FROM signals WHERE reason IS NOT NULL`);
      // Pure functions of one value (SQLite calls back into them; they must not touch the database).
      db.function('betmirror_fingerprint', { deterministic: true }, (key) => fingerprint(key as string));
      db.function('betmirror_order_id', { deterministic: true }, (id) => encodeOrderId(id as string | null));
      const status = `CASE status ${STATUS_CODES.map((name, code) => `WHEN '${name}' THEN ${code}`).join(' ')} END`;
      const name = (column: string) => `(SELECT id FROM names WHERE text = ${column})`;
      // Recorded when first seen: the old format kept no other first-write time.
      db.exec(
        `INSERT INTO signals_v2 (fp, key, client_id, at, wallet, token, market, side, size, price, fill_age, seen_age, source, status, reason,
           order_id, copy_side, copy_size, copy_price, filled_size, filled_value, updated_after, venue)
         SELECT betmirror_fingerprint(key),
           CASE WHEN status IN ('seen', 'intent', 'unknown') THEN key END, CASE WHEN status IN ('seen', 'intent', 'unknown') THEN client_id END,
           seen_at, ${name('wallet')}, ${name('token')}, ${name('market')}, CASE side WHEN 'sell' THEN 1 WHEN 'buy' THEN 0 END,
           CAST(size AS INTEGER), CAST(price AS INTEGER), seen_at - fill_ts, 0, ${name('source')}, ${status}, ${name('reason')},
           betmirror_order_id(order_id), CASE copy_side WHEN 'sell' THEN 1 WHEN 'buy' THEN 0 END,
           CAST(copy_size AS INTEGER), CAST(copy_price AS INTEGER), CAST(filled_size AS INTEGER), CAST(filled_value AS INTEGER), updated_at - seen_at, venue
         FROM signals`,
      );
      db.exec('DROP TABLE signals; ALTER TABLE signals_v2 RENAME TO signals;');
      db.exec(COMPACT_INDEXES);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const LEGACY_AMOUNTS = ['size', 'price', 'copy_size', 'copy_price', 'filled_size', 'filled_value'] as const;
type LegacyAmounts = Record<(typeof LEGACY_AMOUNTS)[number], string | null> & { key: string };

/** A legacy text amount must be an exact 64-bit integer of micro-units (what CAST then keeps exactly). */
function checkMicros(row: LegacyAmounts, column: (typeof LEGACY_AMOUNTS)[number]): void {
  const text = row[column];
  if (text === null) return;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text) || BigInt(text) !== BigInt.asIntN(64, BigInt(text))) {
    throw new Error(`signal ${row.key}: ${column} "${text}" is not an amount in micro-units`);
  }
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
