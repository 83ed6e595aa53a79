/**
 * The campaign's verdict, from the venue's side: every whale fill the stand-in recorded, how many of
 * the mirror's orders the stand-in executed for it, and whether the mirror's books (its last summary
 * and its store's holdings) equal the stand-in's ledger for the mirror's account.
 *
 * Tracing an order back to a whale fill: the stand-in records every POST /order body; its order hash
 * (the venue's order id) is matched to the signal whose client id signed it (the child's trace of
 * every signed order id, which survives a signal being sent twice, and the store's client id while a
 * signal is unresolved). A signal is matched to the whale fill by the fingerprint of the mirror's own
 * fill key (src/mirror/dedup.ts fillKey), computed here from the stand-in's /activity row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrderNotFoundError } from '../../src/core/errors.js';
import { formatMicros, toMicros, type Micros } from '../../src/core/money.js';
import type { IExchangeAdapter } from '../../src/exchanges/adapter.js';
import { systemClock } from '../../src/core/runtime.js';
import { fillKey } from '../../src/mirror/dedup.js';
import type { MirrorSummary } from '../../src/mirror/engine.js';
import { activityToFill, type ActivityItem } from '../../src/mirror/sources/data-api.js';
import { MirrorStore } from '../../src/mirror/store.js';
import { fingerprint, fingerprintKey } from '../../src/mirror/store-schema.js';
import type { PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { exchangeDomain, orderHash, type SignedOrderStruct } from '../../src/sandbox/polymarket/signing.js';

export interface WhaleFillRecord {
  wallet: string;
  txHash: string;
  token: string;
  side: 'BUY' | 'SELL';
  size: number;
  price: number;
  /** Unix seconds (the Data API's precision). */
  timestamp: number;
  /** The mirror's key for this fill, as the store keeps it once settled (`fp:<fingerprint>`). */
  fp: string;
}

export interface VenueOrder {
  orderId: string;
  token: string;
  side: 'BUY' | 'SELL';
  /** Shares the stand-in executed for it; undefined when it refused the order (it kept no record). */
  executed: Micros | undefined;
  clientId: string | undefined;
}

export type Uptime = 'running' | 'down' | 'edge';

export interface FillVerdict {
  fill: WhaleFillRecord;
  /** Executed orders of the mirror for this fill. */
  copies: number;
  orders: VenueOrder[];
  category: 'once' | 'twice' | 'skipped' | 'never';
  /** Why it was not copied (skipped only). */
  reason?: string;
  /** Whether a mirror was running (started, not yet killed) during the fill's second. */
  uptime: Uptime;
}

export interface FillMismatch {
  key: string;
  status: string;
  mirrorSize: Micros;
  venueSize: Micros;
}

export interface BookDiff {
  what: string;
  mirror: string;
  venue: string;
}

export interface AuditResult {
  verdicts: FillVerdict[];
  copiedOnce: number;
  copiedTwice: number;
  never: number;
  skipped: Record<string, number>;
  neverByUptime: Record<Uptime, number>;
  orders: { posted: number; executed: number; refused: number; orphans: VenueOrder[] };
  fillMismatches: FillMismatch[];
  books: { equal: boolean; diffs: BookDiff[]; venueCash: Micros; venueShares: Array<[string, Micros]> };
}

export interface AuditInput {
  sandbox: PolymarketSandbox;
  /** An adapter on the mirror's account, to read each order's record at the stand-in. */
  adapter: IExchangeAdapter;
  address: string;
  stateDir: string;
  tracePath: string;
  summary: MirrorSummary | undefined;
  /** [started, ended) of every mirror life that started, ms. */
  uptime: Array<[number, number]>;
}

interface SignalRow {
  key: string;
  wallet: string;
  status: string;
  reason: string | null;
  client_id: string | null;
  order_id: string | null;
  filled_size: string | null;
}

const MAX_ACTIVITY_PAGES = 400;
const PAGE = 500;

export async function audit(input: AuditInput): Promise<AuditResult> {
  const fills = (await Promise.all(input.sandbox.whales.map((w) => whaleFills(input.sandbox.dataApiUrl, w))))
    .flat()
    .sort((a, b) => a.timestamp - b.timestamp);
  const signed = readTrace(input.tracePath);
  const { signals, holdings } = readStore(input.stateDir, signed);
  const orders = await venueOrders(input, signed, signals);

  const signalsByFill = new Map<string, SignalRow[]>();
  for (const row of signals) {
    signalsByFill.set(row.key, [...(signalsByFill.get(row.key) ?? []), row]);
  }
  const ordersByClient = new Map<string, VenueOrder[]>();
  for (const order of orders) {
    if (order.clientId) ordersByClient.set(order.clientId, [...(ordersByClient.get(order.clientId) ?? []), order]);
  }

  const verdicts: FillVerdict[] = [];
  const skipped: Record<string, number> = {};
  const neverByUptime: Record<Uptime, number> = { running: 0, down: 0, edge: 0 };
  const fillMismatches: FillMismatch[] = [];
  const attributed = new Set<VenueOrder>();
  for (const fill of fills) {
    const rows = signalsByFill.get(fill.fp) ?? [];
    const mine = rows.flatMap((r) => (r.client_id ? (ordersByClient.get(r.client_id) ?? []) : []));
    mine.forEach((o) => attributed.add(o));
    for (const row of rows) {
      const mirrorSize = row.filled_size ? BigInt(row.filled_size) : 0n;
      const venueSize = (row.client_id ? (ordersByClient.get(row.client_id) ?? []) : []).reduce((s, o) => s + (o.executed ?? 0n), 0n);
      if (mirrorSize !== venueSize) fillMismatches.push({ key: row.key, status: row.status, mirrorSize, venueSize });
    }
    const copies = mine.filter((o) => (o.executed ?? 0n) > 0n).length;
    const uptime = uptimeOf(fill.timestamp, input.uptime);
    const decided = rows.filter((r) => r.status !== 'seen');
    let verdict: FillVerdict;
    if (copies >= 2) verdict = { fill, copies, orders: mine, category: 'twice', uptime };
    else if (copies === 1) verdict = { fill, copies, orders: mine, category: 'once', uptime };
    else if (decided.length > 0) verdict = { fill, copies, orders: mine, category: 'skipped', reason: reasonOf(decided[0]!), uptime };
    else verdict = { fill, copies, orders: mine, category: 'never', uptime };
    if (verdict.category === 'skipped') skipped[verdict.reason!] = (skipped[verdict.reason!] ?? 0) + 1;
    if (verdict.category === 'never') neverByUptime[uptime]++;
    verdicts.push(verdict);
  }

  const count = (c: FillVerdict['category']) => verdicts.filter((v) => v.category === c).length;
  return {
    verdicts,
    copiedOnce: count('once'),
    copiedTwice: count('twice'),
    never: count('never'),
    skipped,
    neverByUptime,
    orders: {
      posted: orders.length,
      executed: orders.filter((o) => (o.executed ?? 0n) > 0n).length,
      refused: orders.filter((o) => o.executed === undefined).length,
      orphans: orders.filter((o) => !attributed.has(o) && (o.executed ?? 0n) > 0n),
    },
    fillMismatches,
    books: compareBooks(input, holdings),
  };
}

/** The stand-in's own record of a whale's fills (Data API /activity, oldest first). */
async function whaleFills(dataApiUrl: string, wallet: string): Promise<WhaleFillRecord[]> {
  const out: WhaleFillRecord[] = [];
  for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
    const query = new URLSearchParams({ user: wallet, type: 'TRADE', limit: String(PAGE), offset: String(page * PAGE), sortDirection: 'ASC' });
    const response = await fetch(`${dataApiUrl}/activity?${query}`);
    if (!response.ok) throw new Error(`stand-in /activity answered ${response.status}`);
    const rows = (await response.json()) as Array<Record<string, unknown>>;
    for (const r of rows) {
      const fill = activityToFill(r as unknown as ActivityItem, 'data-api', systemClock);
      out.push({
        fp: fingerprintKey(fingerprint(fillKey(fill))),
        wallet: String(r.proxyWallet).toLowerCase(),
        txHash: String(r.transactionHash).toLowerCase(),
        token: String(r.asset),
        side: r.side === 'SELL' ? 'SELL' : 'BUY',
        size: Number(r.size),
        price: Number(r.price),
        timestamp: Number(r.timestamp),
      });
    }
    if (rows.length < PAGE) break;
  }
  return out;
}

/**
 * The store as the mirror reads it (the mirror is dead by now). A settled signal keeps only its key's
 * fingerprint and its order id, not its client id: the child's trace of signed orders names the
 * client id of every order id.
 */
function readStore(stateDir: string, signed: Map<string, string>): { signals: SignalRow[]; holdings: Map<string, Micros> } {
  if (!existsSync(join(stateDir, 'mirror.sqlite'))) return { signals: [], holdings: new Map() };
  const store = MirrorStore.open(stateDir);
  try {
    const signals = store.all().map((r) => ({
      key: fingerprintKey(fingerprint(r.key)),
      wallet: r.wallet.toLowerCase(),
      status: r.status,
      reason: r.reason,
      client_id: r.clientId ?? (r.orderId ? (signed.get(r.orderId.toLowerCase()) ?? null) : null),
      order_id: r.orderId,
      filled_size: r.filledSize,
    }));
    return { signals, holdings: new Map(store.holdings().map((h) => [h.token, h.size])) };
  } finally {
    store.close();
  }
}

/** orderId -> clientId from the child's trace of signed orders. */
function readTrace(path: string): Map<string, string> {
  const map = new Map<string, string>();
  if (!existsSync(path)) return map;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const { clientId, orderId } = JSON.parse(line) as { clientId: string | null; orderId: string };
      if (clientId) map.set(orderId.toLowerCase(), clientId);
    } catch {
      // a line cut by SIGKILL: the order it names was not sent (the trace is written before sending)
    }
  }
  return map;
}

/** Every POST /order of the mirror's account the stand-in received, with what it executed. */
async function venueOrders(input: AuditInput, signed: Map<string, string>, signals: SignalRow[]): Promise<VenueOrder[]> {
  const byOrderId = new Map(signals.filter((s) => s.order_id && s.client_id).map((s) => [s.order_id!.toLowerCase(), s.client_id!]));
  const me = input.address.toLowerCase();
  const seen = new Set<string>();
  const out: VenueOrder[] = [];
  for (const request of input.sandbox.requests) {
    if (request.method !== 'POST' || request.path.split('?')[0] !== '/order') continue;
    const parsed = parseOrder(request.body);
    if (!parsed || parsed.struct.maker.toLowerCase() !== me) continue;
    const market = input.sandbox.markets.find((m) => m.tokens.some((t) => t.tokenId === parsed.struct.tokenId.toString()));
    if (!market) continue;
    const orderId = orderHash(parsed.struct, exchangeDomain(input.sandbox.chainId as 137, 2, market.negRisk)).toLowerCase();
    if (seen.has(orderId)) continue; // the same signed order posted again: the venue refuses duplicates
    seen.add(orderId);
    let executed: Micros | undefined;
    try {
      executed = (await input.adapter.fetchOrder!(orderId)).filledSize;
    } catch (error) {
      if (!(error instanceof OrderNotFoundError)) throw error;
    }
    out.push({
      orderId,
      token: parsed.struct.tokenId.toString(),
      side: parsed.struct.side === 0 ? 'BUY' : 'SELL',
      executed,
      clientId: signed.get(orderId) ?? byOrderId.get(orderId),
    });
  }
  return out;
}

function parseOrder(body: string): { struct: SignedOrderStruct } | undefined {
  try {
    const o = (JSON.parse(body) as { order: Record<string, string | number> }).order;
    return {
      struct: {
        salt: BigInt(o.salt!),
        maker: String(o.maker) as `0x${string}`,
        signer: String(o.signer) as `0x${string}`,
        tokenId: BigInt(o.tokenId!),
        makerAmount: BigInt(o.makerAmount!),
        takerAmount: BigInt(o.takerAmount!),
        side: o.side === 'BUY' ? 0 : 1,
        signatureType: Number(o.signatureType),
        timestamp: BigInt(o.timestamp!),
        metadata: String(o.metadata) as `0x${string}`,
        builder: String(o.builder) as `0x${string}`,
      },
    };
  } catch {
    return undefined;
  }
}

function compareBooks(input: AuditInput, holdings: Map<string, Micros>): AuditResult['books'] {
  const { sandbox, address, summary } = input;
  const diffs: BookDiff[] = [];
  const venueCash = sandbox.collateralOf(address);
  const tokens = sandbox.markets.flatMap((m) => m.tokens.map((t) => t.tokenId));
  const venueShares = tokens.map((t) => [t, sandbox.sharesOf(address, t)] as [string, Micros]).filter(([, s]) => s !== 0n);
  if (!summary) {
    diffs.push({ what: 'summary', mirror: 'none (the last mirror did not stop cleanly)', venue: '-' });
  } else {
    const cash = toMicros(summary.cash);
    if (cash !== venueCash) diffs.push({ what: 'cash (pUSD)', mirror: formatMicros(cash), venue: formatMicros(venueCash) });
    const reserved = toMicros(summary.reserved);
    const venueReserved = sandbox.reservedOf(address);
    if (reserved !== venueReserved) diffs.push({ what: 'reserved (pUSD)', mirror: formatMicros(reserved), venue: formatMicros(venueReserved) });
  }
  const fromSummary = new Map((summary?.positions ?? []).map((p) => [p.token, toMicros(p.size)]));
  for (const token of tokens) {
    const venue = sandbox.sharesOf(address, token);
    const label = `shares of token ${short(token)}`;
    if (summary && (fromSummary.get(token) ?? 0n) !== venue) {
      diffs.push({ what: `${label} (summary)`, mirror: formatMicros(fromSummary.get(token) ?? 0n), venue: formatMicros(venue) });
    }
    if ((holdings.get(token) ?? 0n) !== venue) {
      diffs.push({ what: `${label} (store holdings)`, mirror: formatMicros(holdings.get(token) ?? 0n), venue: formatMicros(venue) });
    }
  }
  return { equal: diffs.length === 0, diffs, venueCash, venueShares };
}

function reasonOf(row: SignalRow): string {
  switch (row.status) {
    case 'skipped':
      return row.reason ?? 'skipped';
    case 'failed':
    case 'cancelled':
      return `${row.status}: ${generic(row.reason ?? (row.status === 'cancelled' ? 'nothing executed inside the price cap' : 'no reason'))}`;
    case 'intent':
    case 'unknown':
      return `unresolved (${row.status})`;
    default:
      // The store says the order executed but the stand-in executed nothing for it.
      return `booked ${row.status} without a venue fill`;
  }
}

/** A reason text without its ids and amounts, so equal causes count together. */
function generic(reason: string): string {
  return reason.replace(/0x[0-9a-f]+/gi, '0x…').replace(/\d+(\.\d+)?/g, 'N').slice(0, 90);
}

function uptimeOf(second: number, intervals: Array<[number, number]>): Uptime {
  const from = second * 1000;
  const to = from + 999;
  if (intervals.some(([a, b]) => a <= from && to < b)) return 'running';
  if (intervals.some(([a, b]) => a <= to && from < b)) return 'edge';
  return 'down';
}


export const short = (id: string) => (id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id);
