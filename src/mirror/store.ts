/**
 * The durable store (better-sqlite3, WAL): every signal's lifecycle and our book. The intent to place
 * an order is written, with a deterministic client id, BEFORE the order is sent; after a kill -9 the
 * restart finds it and reconciles with the venue instead of sending again.
 */
import Database from 'better-sqlite3';
import { preparePrivateDatabase } from '../config/files.js';
import { maskUrls } from '../config/redact.js';
import { ConfigError } from '../core/errors.js';
import { join } from 'node:path';
import type { Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import type { BookTotals, DailyFigures, Holding, Portfolio } from './portfolio.js';
import type { Instrument } from './books.js';
import type { WhaleFill } from './types.js';

/** How long a write waits for a lock held by another connection before it fails. */
export const BUSY_TIMEOUT_MS = 1_000;

export type SignalStatus =
  | 'seen' // recorded, not decided yet
  | 'skipped' // decided not to copy (reason)
  | 'intent' // decided to copy; the order may or may not have reached the venue
  | 'unknown' // sent, but the outcome never came back (network error, crash)
  | 'filled'
  | 'partially_filled'
  | 'open'
  | 'pending'
  | 'cancelled'
  | 'failed'
  | 'dry_run';

export interface SignalRecord {
  key: string;
  wallet: string;
  token: string;
  market: string | null;
  side: Side;
  size: string;
  price: string;
  status: SignalStatus;
  reason: string | null;
  clientId: string | null;
  orderId: string | null;
  copySide: Side | null;
  copySize: string | null;
  copyPrice: string | null;
  /** Where the copy was sent when not to the Polymarket token itself (a mapped Kalshi market). */
  venue: Instrument | null;
}

export interface OrderIntent {
  clientId: string;
  side: Side;
  size: Micros;
  price: Micros;
  venue?: Instrument;
}

export interface OrderOutcome {
  status: SignalStatus;
  orderId?: string;
  filledSize?: Micros;
  filledValue?: Micros;
  reason?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS signals (
  key TEXT PRIMARY KEY, wallet TEXT NOT NULL, token TEXT NOT NULL, market TEXT, side TEXT NOT NULL,
  size TEXT NOT NULL, price TEXT NOT NULL, fill_ts INTEGER NOT NULL, source TEXT NOT NULL, seen_at INTEGER NOT NULL,
  status TEXT NOT NULL, reason TEXT, client_id TEXT, order_id TEXT, copy_side TEXT, copy_size TEXT,
  copy_price TEXT, filled_size TEXT, filled_value TEXT, updated_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Partial: only signals still in flight are indexed, so a settled signal costs no index page.
CREATE INDEX IF NOT EXISTS signals_unresolved ON signals(seen_at) WHERE status IN ('seen', 'intent', 'unknown');
CREATE TABLE IF NOT EXISTS holdings (token TEXT PRIMARY KEY, market TEXT NOT NULL, size TEXT NOT NULL, cost TEXT NOT NULL, mark TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Columns added after the first release: added in place to a store an older version created. */
const ADDED_COLUMNS: Array<[table: string, column: string]> = [
  ['signals', 'venue'],
  ['holdings', 'venue'],
];

export class MirrorStore {
  private readonly db!: Database.Database;
  private readonly stmts;

  /** `path` ':memory:' for dry runs and tests. */
  constructor(readonly path: string) {
    try {
      // The file, and the -wal/-shm files SQLite creates with its mode, are the owner's only.
      if (path !== ':memory:') preparePrivateDatabase(path);
      this.db = new Database(path);
      // A write that finds the file locked (a backup tool, a second reader) waits this long before failing.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('journal_mode = WAL');
      // NORMAL is durable across a process crash (kill -9): only an OS crash can lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      for (const [table, column] of ADDED_COLUMNS) {
        const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
        if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
      }
    } catch (error) {
      throw this.failure('cannot be opened', error);
    }
    this.stmts = {
      has: this.db.prepare('SELECT 1 FROM signals WHERE key = ?'),
      insert: this.db.prepare(
        `INSERT OR IGNORE INTO signals (key, wallet, token, market, side, size, price, fill_ts, source, seen_at, status, updated_at)
         VALUES (@key, @wallet, @token, @market, @side, @size, @price, @fillTs, @source, @seenAt, 'seen', @now)`,
      ),
      decided: this.db.prepare(
        `INSERT INTO signals (key, wallet, token, market, side, size, price, fill_ts, source, seen_at, status, reason, client_id, copy_side, copy_size, copy_price, venue, updated_at)
         VALUES (@key, @wallet, @token, @market, @side, @size, @price, @fillTs, @source, @seenAt, @status, @reason, @clientId, @copySide, @copySize, @copyPrice, @venue, @now)
         ON CONFLICT(key) DO UPDATE SET status = excluded.status, reason = excluded.reason, client_id = excluded.client_id,
           copy_side = excluded.copy_side, copy_size = excluded.copy_size, copy_price = excluded.copy_price, venue = excluded.venue, updated_at = excluded.updated_at`,
      ),
      skip: this.db.prepare(`UPDATE signals SET status = 'skipped', reason = ?, updated_at = ? WHERE key = ?`),
      forget: this.db.prepare('DELETE FROM signals WHERE key = ?'),
      sent: this.db.prepare(`UPDATE signals SET order_id = ?, updated_at = ? WHERE key = ?`),
      outcome: this.db.prepare(
        `UPDATE signals SET status = ?, order_id = COALESCE(?, order_id), filled_size = ?, filled_value = ?, reason = ?, updated_at = ? WHERE key = ?`,
      ),
      unresolved: this.db.prepare(`SELECT * FROM signals WHERE status IN ('seen', 'intent', 'unknown') ORDER BY seen_at`),
      // Spelled with the partial index's own condition so SQLite reads the index, not the whole table.
      unsettledTokens: this.db.prepare(`SELECT DISTINCT token FROM signals WHERE status IN ('seen', 'intent', 'unknown') AND status <> 'seen'`),
      get: this.db.prepare('SELECT * FROM signals WHERE key = ?'),
      all: this.db.prepare('SELECT * FROM signals ORDER BY seen_at'),
      holdings: this.db.prepare('SELECT * FROM holdings'),
      upsertHolding: this.db.prepare(
        `INSERT INTO holdings (token, market, size, cost, mark, venue) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(token) DO UPDATE SET market = excluded.market, size = excluded.size, cost = excluded.cost, mark = excluded.mark, venue = excluded.venue`,
      ),
      deleteHolding: this.db.prepare('DELETE FROM holdings WHERE token = ?'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      prune: this.db.prepare(`DELETE FROM signals WHERE seen_at < ? AND status NOT IN ('seen', 'intent', 'unknown')`),
    };
  }

  /** The state directory's database file, created if needed. */
  static open(stateDir: string): MirrorStore {
    return new MirrorStore(join(stateDir, 'mirror.sqlite'));
  }

  /** A store error a person can act on: the file, what failed, what to do. */
  failure(what: string, error: unknown): ConfigError {
    const reason = (error as Error).message;
    const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
    return new ConfigError(`the mirror's state store ${this.path} ${what}: ${reason}${busy ? ` (waited ${BUSY_TIMEOUT_MS / 1000} s for the lock)` : ''}`, {
      hint: busy
        ? 'another program holds the file (a backup or sync tool, a database browser): close it; betmirror resumes from the venue when restarted'
        : 'check the disk (full? read-only?) and the file; betmirror resumes from the venue when restarted, and never re-sends an order it recorded',
      cause: error,
    });
  }

  has(key: string): boolean {
    return this.stmts.has.get(key) !== undefined;
  }

  /** Records a new signal; false if it was already recorded (by this run or an earlier one). */
  recordSeen(key: string, fill: WhaleFill, now: number): boolean {
    return this.stmts.insert.run(this.fillColumns(key, fill, now)).changes === 1;
  }

  /** Marks a recorded signal skipped (reconciliation of an interrupted one). */
  recordSkip(key: string, reason: string, now: number): void {
    this.stmts.skip.run(reason, now, key);
  }

  /**
   * Records a signal with its decision in one commit: skipped (with reason) or the intent to place an
   * order (written BEFORE the order is sent). One write per signal on the skip path keeps the store
   * off the hot path's critical cost.
   */
  recordDecision(key: string, fill: WhaleFill, decision: { reason: string } | OrderIntent, now: number): void {
    const intent = 'clientId' in decision ? decision : undefined;
    this.stmts.decided.run({
      ...this.fillColumns(key, fill, now),
      status: intent ? 'intent' : 'skipped',
      reason: intent ? null : (decision as { reason: string }).reason,
      clientId: intent?.clientId ?? null,
      copySide: intent?.side ?? null,
      copySize: intent?.size.toString() ?? null,
      copyPrice: intent?.price.toString() ?? null,
      venue: intent?.venue ? JSON.stringify(intent.venue) : null,
    });
  }

  private fillColumns(key: string, fill: WhaleFill, now: number) {
    return {
      key,
      wallet: fill.wallet,
      token: fill.token,
      market: fill.market ?? null,
      side: fill.side,
      size: fill.size.toString(),
      price: fill.price.toString(),
      fillTs: Math.floor(fill.timestamp),
      source: fill.source,
      seenAt: Math.floor(fill.seenAt),
      now: Math.floor(now),
    };
  }

  /** Drops a signal whose order provably never reached the venue: the fill is decided afresh when seen again. */
  forget(key: string): void {
    this.stmts.forget.run(key);
  }

  /** The venue's order id, known once signed and before sending: a crash after this is reconciled by id. */
  recordOrderId(key: string, orderId: string, now: number): void {
    this.stmts.sent.run(orderId, now, key);
  }

  recordOutcome(key: string, outcome: OrderOutcome, now: number): void {
    this.stmts.outcome.run(
      outcome.status,
      outcome.orderId ?? null,
      outcome.filledSize?.toString() ?? null,
      outcome.filledValue?.toString() ?? null,
      // A venue's error text can quote an endpoint URL with its API key: not kept on disk.
      outcome.reason === undefined ? null : maskUrls(outcome.reason),
      now,
      key,
    );
  }

  /** Signals whose lifecycle a crash interrupted. */
  unresolved(): SignalRecord[] {
    return (this.stmts.unresolved.all() as Row[]).map(toRecord);
  }

  /**
   * Tokens with an order whose outcome is not booked yet (in flight or unknown): the venue may already
   * show it while the books do not, so their figures are not comparable until it is settled.
   */
  unsettledTokens(): Set<string> {
    return new Set((this.stmts.unsettledTokens.all() as Array<{ token: string }>).map((r) => r.token));
  }

  get(key: string): SignalRecord | undefined {
    const row = this.stmts.get.get(key) as Row | undefined;
    return row && toRecord(row);
  }

  all(): SignalRecord[] {
    return (this.stmts.all.all() as Row[]).map(toRecord);
  }

  holdings(): Holding[] {
    return (this.stmts.holdings.all() as Array<{ token: string; market: string; size: string; cost: string; mark: string; venue: string | null }>).map(
      (r) => ({ token: r.token, market: r.market, size: BigInt(r.size), cost: BigInt(r.cost), mark: BigInt(r.mark), ...(r.venue ? { venue: JSON.parse(r.venue) as Instrument } : {}) }),
    );
  }

  saveHolding(token: string, holding: Holding | undefined): void {
    if (!holding) this.stmts.deleteHolding.run(token);
    else this.stmts.upsertHolding.run(token, holding.market, holding.size.toString(), holding.cost.toString(), holding.mark.toString(), holding.venue ? JSON.stringify(holding.venue) : null);
  }

  daily(): DailyFigures | undefined {
    const raw = (this.stmts.getMeta.get('daily') as { value: string } | undefined)?.value;
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { day: number; volume: string; startEquity: string };
    return { day: parsed.day, volume: BigInt(parsed.volume), startEquity: BigInt(parsed.startEquity) };
  }

  saveDaily(daily: DailyFigures): void {
    this.stmts.setMeta.run('daily', JSON.stringify({ day: daily.day, volume: daily.volume.toString(), startEquity: daily.startEquity.toString() }));
  }

  totals(): BookTotals | undefined {
    const raw = (this.stmts.getMeta.get('book') as { value: string } | undefined)?.value;
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Record<keyof BookTotals, string>;
    return { cash: BigInt(parsed.cash), realizedPnl: BigInt(parsed.realizedPnl), fees: BigInt(parsed.fees) };
  }

  /**
   * The book after a change: cash and totals, the day's figures, and the holdings of `tokens`. Call it
   * inside the transaction that records what changed the book, so a crash keeps both or neither.
   */
  saveBook(portfolio: Portfolio, tokens: Iterable<string> = []): void {
    const t = portfolio.totals();
    this.stmts.setMeta.run('book', JSON.stringify({ cash: t.cash.toString(), realizedPnl: t.realizedPnl.toString(), fees: t.fees.toString() }));
    this.saveDaily(portfolio.daily);
    for (const token of tokens) this.saveHolding(token, portfolio.holdings.get(token));
  }

  /**
   * Where a restart resumes: `startAt` is the first run's start (fills before it are history for
   * good), `aliveAt` the last time the previous run was known to be running (ms).
   */
  resumePoint(): { startAt: number; aliveAt: number } | undefined {
    const raw = (this.stmts.getMeta.get('resume') as { value: string } | undefined)?.value;
    return raw ? (JSON.parse(raw) as { startAt: number; aliveAt: number }) : undefined;
  }

  saveResumePoint(point: { startAt: number; aliveAt: number }): void {
    this.stmts.setMeta.run('resume', JSON.stringify(point));
  }

  /** Several writes as one commit. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Drops settled signals older than `before` (ms) so the file does not grow forever. */
  prune(before: number): number {
    return this.stmts.prune.run(before).changes;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface Row {
  key: string;
  wallet: string;
  token: string;
  market: string | null;
  side: Side;
  size: string;
  price: string;
  status: SignalStatus;
  reason: string | null;
  client_id: string | null;
  order_id: string | null;
  copy_side: Side | null;
  copy_size: string | null;
  copy_price: string | null;
  venue: string | null;
}

function toRecord(row: Row): SignalRecord {
  return {
    key: row.key,
    wallet: row.wallet,
    token: row.token,
    market: row.market,
    side: row.side,
    size: row.size,
    price: row.price,
    status: row.status,
    reason: row.reason,
    clientId: row.client_id,
    orderId: row.order_id,
    copySide: row.copy_side,
    copySize: row.copy_size,
    copyPrice: row.copy_price,
    venue: row.venue ? (JSON.parse(row.venue) as Instrument) : null,
  };
}
