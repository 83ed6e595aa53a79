/**
 * What the engine reports: NDJSON-ready objects with stable field names (every field present, null
 * when it does not apply), and the live status model a TTY renderer draws.
 */
import { microsToNumber, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import type { DetectionSummary } from './sources/race.js';
import type { SourceName } from './types.js';

export type MirrorEventType =
  | 'started'
  | 'decision' // one per signal: status 'copy' or 'skip' (with reason)
  | 'order' // one per placed order: its outcome
  | 'reconciled' // an order whose outcome a crash left unknown, settled with the venue
  | 'book' // the books differed from the venue (cash or one token's shares): both figures, the venue's kept
  | 'cashout'
  | 'detection' // one per signal once its source race is over: which source saw it first, the others' delays, who missed it
  | 'warning'
  | 'stopped';

export interface MirrorEvent {
  type: MirrorEventType;
  /** ISO time of the event. */
  at: string;
  wallet: string | null;
  token: string | null;
  market: string | null;
  /** The market's name for people (the fill's, else the venue's, else Gamma's); null when none is known yet. */
  title: string | null;
  /** The outcome the fill traded, as the venue names it ("Yes", "Trump"); null when the source gave none. */
  outcome: string | null;
  side: Side | null;
  /** The whale's fill: shares and price. */
  whaleSize: number | null;
  whalePrice: number | null;
  /** Our copy: shares and worst price (the order's cap). */
  copySize: number | null;
  copyPrice: number | null;
  orderId: string | null;
  /** decision: copy | skip; order: filled | partially_filled | cancelled | open | pending | unknown | failed | dry_run. */
  status: string | null;
  reason: string | null;
  /** Executed shares and USD (order events). */
  filledSize: number | null;
  filledValue: number | null;
  /** Which source saw the fill, the fill's tx hash, and ms from fill-visible to order-result. */
  source: string | null;
  txHash: string | null;
  /** book: what our books said and what the venue holds (USD for cash, shares for a token). */
  bookAmount: number | null;
  venueAmount: number | null;
  /** cashout: amount, destination, transfer hash. */
  amount: number | null;
  destination: string | null;
  detail: string | null;
  /** detection: the race between the sources for this fill. */
  detection: DetectionRace | null;
}

export interface DetectionRace {
  first: SourceName;
  /** Every source that reported the fill, in order, with ms after the first (the first has 0). */
  reports: Array<{ source: SourceName; afterMs: number }>;
  /** Sources that did not report it within the race window. */
  missed: SourceName[];
}

const EMPTY: Omit<MirrorEvent, 'type' | 'at'> = {
  wallet: null,
  token: null,
  market: null,
  title: null,
  outcome: null,
  side: null,
  whaleSize: null,
  whalePrice: null,
  copySize: null,
  copyPrice: null,
  orderId: null,
  status: null,
  reason: null,
  filledSize: null,
  filledValue: null,
  source: null,
  txHash: null,
  bookAmount: null,
  venueAmount: null,
  amount: null,
  destination: null,
  detail: null,
  detection: null,
};

export function makeEvent(type: MirrorEventType, now: number, fields: Partial<Omit<MirrorEvent, 'type' | 'at'>> = {}): MirrorEvent {
  return { type, at: new Date(now).toISOString(), ...EMPTY, ...fields };
}

export const usd = (value: Micros | undefined): number | null => (value === undefined ? null : microsToNumber(value));

/** The live status: what a TTY shows and what the summary prints at the end. */
export interface MirrorStatus {
  wallets: string[];
  sources: string[];
  startedAt: string;
  dryRun: boolean;
  signals: { seen: number; copied: number; skipped: number; failed: number; duplicates: number; beforeStart: number };
  skipReasons: Record<string, number>;
  orders: { sent: number; filled: number; partiallyFilled: number; missed: number; unknown: number };
  positions: Array<{ token: string; market: string; title: string | null; size: number; cost: number; mark: number }>;
  cash: number;
  reserved: number;
  realizedPnl: number;
  unrealizedPnl: number;
  /** Fees paid (USD). */
  fees: number;
  cashedOut: number;
  /** Per source: fills seen first, confirmed, missed, lead over the next source. */
  detection: DetectionSummary;
}
