/**
 * The durable store (better-sqlite3, WAL): every signal's lifecycle and our book. The intent to place
 * an order is written, with a deterministic client id, BEFORE the order is sent; after a kill -9 the
 * restart finds it and reconciles with the venue instead of sending again. Settled signals are kept for
 * a retention window (the mirror's --signal-retention) and then pruned; the on-disk format and its
 * upgrades are in store-schema.ts.
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
import type { SourceName, WhaleFill } from './types.js';
import {
  decodeOrderId,
  encodeOrderId,
  fingerprint,
  fingerprintKey,
  migrate,
  NewerSchemaError,
  SIDE_CODES,
  sideCode,
  STATUS_CODES,
  statusCode,
  UNRESOLVED,
} from './store-schema.js';

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
  /**
   * The fill key while the signal is unresolved (a restart writes its outcome back by it). A settled
   * signal keeps only the key's fingerprint, and reads back as `fp:<16 hex>` from `all()` (every
   * method taking a key takes that too); `get(key)` returns the key it was asked for.
   */
  key: string;
  wallet: string;
  token: string;
  market: string | null;
  side: Side;
  size: string;
  price: string;
  /** The fill's time at the venue, when a source delivered it, when it was first recorded, last changed (ms). */
  fillTs: number;
  source: SourceName;
  seenAt: number;
  recordedAt: number;
  updatedAt: number;
  status: SignalStatus;
  reason: string | null;
  clientId: string | null;
  orderId: string | null;
  copySide: Side | null;
  copySize: string | null;
  copyPrice: string | null;
  filledSize: string | null;
  filledValue: string | null;
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

/**
 * Signals are keyed by a hash, so age has no order in the table: the engine prunes one of PRUNE_SLICES
 * slices of the key space every PRUNE_EVERY_MS (a 1/64 scan, ~1 ms per 100,000 stored signals), the
 * whole table every ~11 minutes. A settled signal thus goes at most that long after its retention.
 */
export const PRUNE_SLICES = 64;
export const PRUNE_EVERY_MS = 10_000;
const SLICE_WIDTH = 2n ** 64n / BigInt(PRUNE_SLICES);
const NAMES_SWEEP_EVERY_MS = 86_400_000;

export class MirrorStore {
  private readonly db!: Database.Database;
  private readonly stmts;
  /** `names` ids by text (wallets, tokens, markets, sources, reasons: a few thousand at most). */
  private readonly nameIds = new Map<string, number>();
  private readonly nameTexts = new Map<number, string>();
  private nextSlice = 0;
  /** The store's format version when it was opened (before any upgrade), and now. */
  readonly schema: { from: number; to: number };

  /** `path` ':memory:' for dry runs and tests. */
  constructor(readonly path: string) {
    try {
      // The file, and the -wal/-shm files SQLite creates with its mode, are the owner's only.
      if (path !== ':memory:') preparePrivateDatabase(path);
      this.db = new Database(path);
      // A write that finds the file locked (a backup tool, a second reader) waits this long before failing.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.schema = migrate(this.db);
      this.db.pragma('journal_mode = WAL');
      // NORMAL is durable across a process crash (kill -9): only an OS crash can lose the last commits.
      this.db.pragma('synchronous = NORMAL');
      if (this.db.pragma('auto_vacuum', { simple: true }) !== 2) {
        // A file created before versioning: switched to incremental vacuum once (only a VACUUM can), so pruning can shrink it.
        this.db.pragma('auto_vacuum = INCREMENTAL');
        this.db.exec('VACUUM');
      }
    } catch (error) {
      if ((this.db as Database.Database | undefined)?.open) this.db.close();
      throw this.failure('cannot be opened', error, error instanceof NewerSchemaError ? 'run the betmirror that wrote it (or a newer one); to start afresh, move the file away: positions and cash are read back from the venue' : undefined);
    }
    const signal = (sql: string) => this.db.prepare(sql).safeIntegers(true);
    this.stmts = {
      has: this.db.prepare('SELECT 1 FROM signals WHERE fp = ?'),
      insert: this.db.prepare(
        `INSERT OR IGNORE INTO signals (fp, key, at, wallet, token, market, side, size, price, fill_age, seen_age, source, status, updated_after)
         VALUES (@fp, @key, @now, @wallet, @token, @market, @side, @size, @price, @now - @fillTs, @now - @seenAt, @source, 0, 0)`,
      ),
      // A signal recorded 'seen' by an earlier run keeps its recording time: the decision only updates it.
      decided: this.db.prepare(
        `INSERT INTO signals (fp, key, client_id, at, wallet, token, market, side, size, price, fill_age, seen_age, source, status, reason, copy_side, copy_size, copy_price, updated_after, venue)
         VALUES (@fp, @key, @clientId, @now, @wallet, @token, @market, @side, @size, @price, @now - @fillTs, @now - @seenAt, @source, @status, @reason, @copySide, @copySize, @copyPrice, 0, @venue)
         ON CONFLICT(fp) DO UPDATE SET key = excluded.key, status = excluded.status, reason = excluded.reason, client_id = excluded.client_id,
           copy_side = excluded.copy_side, copy_size = excluded.copy_size, copy_price = excluded.copy_price, venue = excluded.venue, updated_after = @now - at`,
      ),
      // Settled: the key text and client id served only the reconciliation of an unresolved order.
      skip: this.db.prepare(`UPDATE signals SET status = 1, reason = ?, key = NULL, client_id = NULL, updated_after = ? - at WHERE fp = ?`),
      forget: this.db.prepare('DELETE FROM signals WHERE fp = ?'),
      sent: this.db.prepare(`UPDATE signals SET order_id = ?, updated_after = ? - at WHERE fp = ?`),
      outcome: this.db.prepare(
        `UPDATE signals SET status = @status, order_id = COALESCE(@orderId, order_id), filled_size = @filledSize, filled_value = @filledValue, reason = @reason,
           key = CASE WHEN @status IN ${UNRESOLVED} THEN key END, client_id = CASE WHEN @status IN ${UNRESOLVED} THEN client_id END, updated_after = @now - at
         WHERE fp = @fp`,
      ),
      unresolved: signal(`SELECT * FROM signals WHERE status IN ${UNRESOLVED} ORDER BY at - seen_age, fp`),
      // Spelled with the partial index's own condition so SQLite reads the index, not the whole table.
      unsettledTokens: this.db.prepare(`SELECT DISTINCT token FROM signals WHERE status IN ${UNRESOLVED} AND status <> 0`).pluck(),
      get: signal('SELECT * FROM signals WHERE fp = ?'),
      all: signal('SELECT * FROM signals ORDER BY at - seen_age, fp'),
      count: this.db.prepare('SELECT count(*) FROM signals').pluck(),
      findName: this.db.prepare('SELECT id FROM names WHERE text = ?').pluck(),
      nameOf: this.db.prepare('SELECT text FROM names WHERE id = ?').pluck(),
      addName: this.db.prepare('INSERT INTO names (text) VALUES (?)'),
      holdings: this.db.prepare('SELECT * FROM holdings'),
      upsertHolding: this.db.prepare(
        `INSERT INTO holdings (token, market, size, cost, mark, venue) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(token) DO UPDATE SET market = excluded.market, size = excluded.size, cost = excluded.cost, mark = excluded.mark, venue = excluded.venue`,
      ),
      deleteHolding: this.db.prepare('DELETE FROM holdings WHERE token = ?'),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      prune: this.db.prepare(`DELETE FROM signals WHERE fp BETWEEN @low AND @high AND at < @before AND status NOT IN ${UNRESOLVED}`),
      // Names no signal refers to any more: five whole scans (~1 s at a million signals), so at most daily.
      pruneNames: this.db.prepare(
        `DELETE FROM names WHERE id NOT IN (SELECT wallet FROM signals) AND id NOT IN (SELECT token FROM signals)
           AND id NOT IN (SELECT market FROM signals WHERE market IS NOT NULL) AND id NOT IN (SELECT source FROM signals)
           AND id NOT IN (SELECT reason FROM signals WHERE reason IS NOT NULL)`,
      ),
    };
  }

  /** The state directory's database file, created if needed. */
  static open(stateDir: string): MirrorStore {
    return new MirrorStore(join(stateDir, 'mirror.sqlite'));
  }

  /** A store error a person can act on: the file, what failed, what to do. */
  failure(what: string, error: unknown, hint?: string): ConfigError {
    const reason = (error as Error).message;
    const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
    return new ConfigError(`the mirror's state store ${this.path} ${what}: ${reason}${busy ? ` (waited ${BUSY_TIMEOUT_MS / 1000} s for the lock)` : ''}`, {
      hint:
        hint ??
        (busy
          ? 'another program holds the file (a backup or sync tool, a database browser): close it; betmirror resumes from the venue when restarted'
          : 'check the disk (full? read-only?) and the file; betmirror resumes from the venue when restarted, and never re-sends an order it recorded'),
      cause: error,
    });
  }

  has(key: string): boolean {
    return this.stmts.has.get(fingerprint(key)) !== undefined;
  }

  /** Records a new signal; false if it was already recorded (by this run or an earlier one). */
  recordSeen(key: string, fill: WhaleFill, now: number): boolean {
    return this.stmts.insert.run(this.fillColumns(key, fill, now)).changes === 1;
  }

  /** Marks a recorded signal skipped (reconciliation of an interrupted one). */
  recordSkip(key: string, reason: string, now: number): void {
    this.stmts.skip.run(this.name(reason), Math.floor(now), fingerprint(key));
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
      key: intent ? key : null,
      status: intent ? statusCode('intent') : statusCode('skipped'),
      reason: intent ? null : this.name((decision as { reason: string }).reason),
      clientId: intent?.clientId ?? null,
      copySide: intent ? sideCode(intent.side) : null,
      copySize: intent?.size ?? null,
      copyPrice: intent?.price ?? null,
      venue: intent?.venue ? JSON.stringify(intent.venue) : null,
    });
  }

  private fillColumns(key: string, fill: WhaleFill, now: number) {
    return {
      fp: fingerprint(key),
      key,
      wallet: this.name(fill.wallet),
      token: this.name(fill.token),
      market: fill.market === undefined || fill.market === null ? null : this.name(fill.market),
      side: sideCode(fill.side),
      size: fill.size,
      price: fill.price,
      fillTs: Math.floor(fill.timestamp),
      source: this.name(fill.source),
      seenAt: Math.floor(fill.seenAt),
      now: Math.floor(now),
    };
  }

  /** The dictionary id of `text`, added on first use. */
  private name(text: string): number {
    let id = this.nameIds.get(text);
    if (id === undefined) {
      id = (this.stmts.findName.get(text) as number | undefined) ?? Number(this.stmts.addName.run(text).lastInsertRowid);
      this.nameIds.set(text, id);
      this.nameTexts.set(id, text);
    }
    return id;
  }

  private text(id: bigint | null): string | null {
    if (id === null) return null;
    const n = Number(id);
    let text = this.nameTexts.get(n);
    if (text === undefined) {
      text = this.stmts.nameOf.get(n) as string;
      this.nameTexts.set(n, text);
      this.nameIds.set(text, n);
    }
    return text;
  }

  /** Drops a signal whose order provably never reached the venue: the fill is decided afresh when seen again. */
  forget(key: string): void {
    this.stmts.forget.run(fingerprint(key));
  }

  /** The venue's order id, known once signed and before sending: a crash after this is reconciled by id. */
  recordOrderId(key: string, orderId: string, now: number): void {
    this.stmts.sent.run(encodeOrderId(orderId), Math.floor(now), fingerprint(key));
  }

  recordOutcome(key: string, outcome: OrderOutcome, now: number): void {
    this.stmts.outcome.run({
      status: statusCode(outcome.status),
      orderId: encodeOrderId(outcome.orderId ?? null),
      filledSize: outcome.filledSize ?? null,
      filledValue: outcome.filledValue ?? null,
      // A venue's error text can quote an endpoint URL with its API key: not kept on disk.
      reason: outcome.reason === undefined ? null : this.name(maskUrls(outcome.reason)),
      now: Math.floor(now),
      fp: fingerprint(key),
    });
  }

  /** Signals whose lifecycle a crash interrupted. */
  unresolved(): SignalRecord[] {
    return (this.stmts.unresolved.all() as Row[]).map((row) => this.toRecord(row));
  }

  /**
   * Tokens with an order whose outcome is not booked yet (in flight or unknown): the venue may already
   * show it while the books do not, so their figures are not comparable until it is settled.
   */
  unsettledTokens(): Set<string> {
    return new Set((this.stmts.unsettledTokens.all() as number[]).map((id) => this.text(BigInt(id))!));
  }

  /** The signal recorded under `key` (its key reads back as `key`, settled or not). */
  get(key: string): SignalRecord | undefined {
    const row = this.stmts.get.get(fingerprint(key)) as Row | undefined;
    return row && { ...this.toRecord(row), key };
  }

  /** Every signal, in the order seen. A settled signal's key reads `fp:<fingerprint>` (see SignalRecord.key). */
  all(): SignalRecord[] {
    return (this.stmts.all.all() as Row[]).map((row) => this.toRecord(row));
  }

  /** How many signals the store holds. */
  get size(): number {
    return this.stmts.count.get() as number;
  }

  private toRecord(row: Row): SignalRecord {
    const at = Number(row.at);
    const amount = (v: bigint | null) => (v === null ? null : v.toString());
    return {
      key: row.key ?? fingerprintKey(row.fp),
      wallet: this.text(row.wallet)!,
      token: this.text(row.token)!,
      market: this.text(row.market),
      side: SIDE_CODES[Number(row.side)]!,
      size: row.size.toString(),
      price: row.price.toString(),
      fillTs: at - Number(row.fill_age),
      source: this.text(row.source) as SourceName,
      seenAt: at - Number(row.seen_age),
      recordedAt: at,
      updatedAt: at + Number(row.updated_after),
      status: STATUS_CODES[Number(row.status)]!,
      reason: this.text(row.reason),
      clientId: row.client_id,
      orderId: decodeOrderId(row.order_id),
      copySide: row.copy_side === null ? null : SIDE_CODES[Number(row.copy_side)]!,
      copySize: amount(row.copy_size),
      copyPrice: amount(row.copy_price),
      filledSize: amount(row.filled_size),
      filledValue: amount(row.filled_value),
      venue: row.venue ? (JSON.parse(row.venue) as Instrument) : null,
    };
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
    try {
      return this.db.transaction(work)();
    } catch (error) {
      // Names added inside it were rolled back with it (and their ids may be given to other names).
      this.nameIds.clear();
      this.nameTexts.clear();
      throw error;
    }
  }

  /**
   * Deletes every settled signal recorded before `before` (ms), and gives free pages back to the disk
   * (at start: ~50 ms per million signals kept). Unresolved signals are kept whatever their age: a
   * restart settles them with the venue. Dictionary names nothing refers to any more are dropped too
   * when the last such sweep was for a cutoff a day or more older (names grow with distinct wallets,
   * tokens and reasons, not with signals: a daily sweep bounds them).
   */
  prune(before: number): number {
    const cutoff = Math.floor(before);
    const deleted = this.stmts.prune.run({ low: -(2n ** 63n), high: 2n ** 63n - 1n, before: cutoff }).changes;
    const swept = Number((this.stmts.getMeta.get('names_swept') as { value: string } | undefined)?.value ?? -Infinity);
    if (cutoff - swept >= NAMES_SWEEP_EVERY_MS) {
      this.transaction(() => {
        this.stmts.pruneNames.run();
        this.stmts.setMeta.run('names_swept', String(cutoff));
      });
      this.nameIds.clear();
      this.nameTexts.clear();
    }
    this.db.pragma('incremental_vacuum');
    return deleted;
  }

  /**
   * `prune` on the next of PRUNE_SLICES slices of the key space (the periodic step while running):
   * its freed pages are left for the next signals to reuse.
   */
  pruneStep(before: number): number {
    const low = -(2n ** 63n) + BigInt(this.nextSlice) * SLICE_WIDTH;
    this.nextSlice = (this.nextSlice + 1) % PRUNE_SLICES;
    return this.stmts.prune.run({ low, high: low + SLICE_WIDTH - 1n, before: Math.floor(before) }).changes;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface Row {
  fp: bigint;
  key: string | null;
  client_id: string | null;
  at: bigint;
  wallet: bigint;
  token: bigint;
  market: bigint | null;
  side: bigint;
  size: bigint;
  price: bigint;
  fill_age: bigint;
  seen_age: bigint;
  source: bigint;
  status: bigint;
  reason: bigint | null;
  order_id: Buffer | string | null;
  copy_side: bigint | null;
  copy_size: bigint | null;
  copy_price: bigint | null;
  filled_size: bigint | null;
  filled_value: bigint | null;
  updated_after: bigint;
  venue: string | null;
}
