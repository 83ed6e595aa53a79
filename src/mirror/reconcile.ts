/**
 * Settles every signal whose order outcome is unknown (after a crash, or a lost answer). Nothing is
 * ever re-sent. An order whose id is known is looked up (fetchOrder), and its report is booked only if
 * it fits what was signed; otherwise the venue's holding of the instrument, against our book, says
 * how many shares moved.
 */
import type { Micros } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import { OrderNotFoundError } from '../core/errors.js';
import type { OrderStatus } from '../core/types.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { venueHolding } from './books.js';
import { makeEvent, usd, type MirrorEvent } from './events.js';
import { fillOutOfBounds, statusOfFill, type SignedOrder } from './fill-bounds.js';
import type { Portfolio } from './portfolio.js';
import type { MirrorStore, SignalRecord } from './store.js';

export interface ReconcileDeps {
  adapter: IExchangeAdapter;
  store: MirrorStore;
  portfolio: Portfolio;
  clock: Clock;
  logger: Logger;
  emit: (event: MirrorEvent) => void;
}

/**
 * `token` limits it to one token's unknown outcomes (at run time, from inside that token's queue, so
 * no order of ours on the token is in flight); without it, everything a crash left (at start).
 */
export async function reconcileUnresolved(deps: ReconcileDeps, token?: string): Promise<number> {
  const { store, clock } = deps;
  const pending = store.unresolved().filter((r) => token === undefined || (r.token === token && r.status === 'unknown'));
  if (pending.length === 0) return 0;
  // Orders the venue can name are booked first; what the venue's holdings say is attributed after, so
  // a holding's change is never credited to one order when another order on the token made part of it.
  const byHolding: Array<{ record: SignalRecord; order: SignedOrder }> = [];
  for (const record of pending) {
    if (record.status === 'seen' || !record.copySide || !record.copySize || !record.copyPrice) {
      store.recordSkip(record.key, 'interrupted', clock.now());
      continue;
    }
    const order: SignedOrder = { side: record.copySide, size: BigInt(record.copySize), price: BigInt(record.copyPrice) };
    // At a restart, an intent that never reached the venue is forgotten: the resumed sources deliver
    // its fill again and it is decided afresh, as if the crash had come a moment earlier.
    if (token === undefined && record.status === 'intent' && (await neverSent(record, deps))) {
      store.forget(record.key);
      deps.emit(reconciledEvent(record, order, clock.now(), { status: 'not_sent', filledSize: 0n, filledValue: 0n, reason: 'the order never reached the venue: the fill is decided again when a source reports it' }));
      continue;
    }
    const known = await byOrder(record, order, deps);
    if (known) book(record, order, known, deps);
    else byHolding.push({ record, order });
  }
  for (const [i, { record, order }] of byHolding.entries()) {
    const last = !byHolding.slice(i + 1).some((later) => later.record.token === record.token);
    book(record, order, await fromHolding(record, order, last, deps), deps);
  }
  return pending.length;
}

function book(record: SignalRecord, order: SignedOrder, outcome: Settled, deps: ReconcileDeps): void {
  const { store, clock } = deps;
  store.transaction(() => {
    deps.portfolio.applyFill(record.clientId ?? undefined, {
      token: record.token,
      market: record.market ?? record.token,
      side: order.side,
      size: outcome.filledSize,
      value: outcome.filledValue,
      fee: outcome.fee,
      venue: record.venue ?? undefined,
    });
    store.recordOutcome(record.key, outcome, clock.now());
    store.saveBook(deps.portfolio, [record.token]);
  });
  deps.emit(reconciledEvent(record, order, clock.now(), outcome));
}

function reconciledEvent(record: SignalRecord, order: SignedOrder, now: number, outcome: Omit<Settled, 'status'> & { status: string }): MirrorEvent {
  return makeEvent('reconciled', now, {
    wallet: record.wallet,
    token: record.token,
    market: record.market,
    side: order.side,
    whaleSize: usd(BigInt(record.size)),
    whalePrice: usd(BigInt(record.price)),
    copySize: usd(order.size),
    copyPrice: usd(order.price),
    orderId: outcome.orderId ?? record.orderId,
    status: outcome.status,
    reason: outcome.reason,
    filledSize: usd(outcome.filledSize),
    filledValue: usd(outcome.filledValue),
  });
}

/**
 * Provably never sent: the adapter names an order before sending it and no name was recorded, or the
 * venue does not know the recorded one. Anything less certain is settled from the venue instead.
 */
async function neverSent(record: SignalRecord, deps: ReconcileDeps): Promise<boolean> {
  if (!deps.adapter.has.orderIdBeforeSend) return false;
  if (!record.orderId) return true;
  if (!deps.adapter.has.fetchOrder || !deps.adapter.fetchOrder) return false;
  try {
    await deps.adapter.fetchOrder(record.orderId);
    return false;
  } catch (error) {
    return error instanceof OrderNotFoundError;
  }
}

interface Settled {
  status: OrderStatus | 'failed';
  orderId?: string;
  filledSize: Micros;
  filledValue: Micros;
  fee?: { usd: Micros; shares: Micros };
  reason: string;
}

/** The venue's record of the order, when it has one that fits what was signed. */
async function byOrder(record: SignalRecord, order: SignedOrder, deps: ReconcileDeps): Promise<Settled | undefined> {
  if (!record.orderId || !deps.adapter.has.fetchOrder || !deps.adapter.fetchOrder) return undefined;
  try {
    const found = await deps.adapter.fetchOrder(record.orderId);
    const outOfBounds = fillOutOfBounds(order, found);
    if (!outOfBounds) {
      const status = found.status === 'open' || found.status === 'pending' ? found.status : statusOfFill(order, found.filledSize);
      return { status, orderId: found.orderId, filledSize: found.filledSize, filledValue: found.filledValue, fee: found.fee, reason: 'reconciled with the venue order' };
    }
    deps.logger.warn(`reconcile ${record.orderId}: ${outOfBounds}; judging by the venue's holding instead`);
  } catch (error) {
    deps.logger.warn(`reconcile ${record.orderId}: ${(error as Error).message}`);
  }
  return undefined;
}

/**
 * What the venue's holding says moved, against our book. `last`: no other order on the token is left
 * to settle, so the whole remaining change is this order's; otherwise it is bounded by its size.
 */
async function fromHolding(record: SignalRecord, order: SignedOrder, last: boolean, deps: ReconcileDeps): Promise<Settled> {
  // Judged where the copy was sent: the mapped market (Kalshi), else the Polymarket token.
  const venue = await venueHolding(deps.adapter, record.venue ?? { market: record.token }).catch((error: Error) => {
    deps.logger.warn(`reconcile holding of ${record.token}: ${error.message}`);
    return undefined;
  });
  if (venue === undefined) {
    return { status: 'failed', filledSize: 0n, filledValue: 0n, reason: 'outcome unknown and the venue cannot tell: not re-sent' };
  }
  const held = deps.portfolio.positionOf(record.token);
  const moved = order.side === 'buy' ? venue - held : held - venue;
  // A marketable buy signs dollars and may receive more shares than its size at a better price: when
  // it is the last order to settle on the token, what arrived is what it bought. A sell never parts
  // with more than it signed.
  const bound = order.side === 'buy' && last ? moved : order.size;
  const filled = moved <= 0n ? 0n : moved > bound ? bound : moved;
  // The exact fill price is not known here; the order's cap bounds it (and a buy never spends more
  // than it signed), so book at that bound. The cash side is then settled by the venue's balance at
  // the next sync (a 'book' event shows any gap).
  const atCap = (filled * order.price) / 1_000_000n;
  const signed = (order.size * order.price + 999_999n) / 1_000_000n;
  const value = order.side === 'buy' && atCap > signed ? signed : atCap;
  return { status: statusOfFill(order, filled), filledSize: filled, filledValue: value, reason: 'reconciled from the venue holding' };
}
