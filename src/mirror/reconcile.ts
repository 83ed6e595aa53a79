/**
 * After a crash: settle every signal the previous run left half-way. Nothing is ever re-sent. An order
 * whose id is known is looked up (fetchOrder); one that may have reached the venue without an answer
 * is judged by the venue's position in the token against our book.
 */
import type { Micros } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { OrderStatus } from '../core/types.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { makeEvent, usd, type MirrorEvent } from './events.js';
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
  let venuePositions: Map<string, Micros> | undefined;
  for (const record of pending) {
    if (record.status === 'seen' || !record.copySide || !record.copySize || !record.copyPrice) {
      store.recordSkip(record.key, 'interrupted', clock.now());
      continue;
    }
    const outcome = await settle(record, deps, async () => {
      if (!venuePositions && deps.adapter.has.positions && deps.adapter.fetchPositions) {
        venuePositions = new Map((await deps.adapter.fetchPositions()).map((p) => [p.market, p.size]));
      }
      return venuePositions;
    });
    store.transaction(() => {
      deps.portfolio.applyFill(record.clientId ?? undefined, {
        token: record.token,
        market: record.market ?? record.token,
        side: record.copySide!,
        size: outcome.filledSize,
        value: outcome.filledValue,
      });
      store.recordOutcome(record.key, { ...outcome, status: outcome.status }, clock.now());
      store.saveHolding(record.token, deps.portfolio.holdings.get(record.token));
    });
    if (venuePositions && outcome.filledSize > 0n) {
      venuePositions.set(record.token, deps.portfolio.positionOf(record.token));
    }
    deps.emit(
      makeEvent('reconciled', clock.now(), {
        wallet: record.wallet,
        token: record.token,
        market: record.market,
        side: record.copySide,
        whaleSize: usd(BigInt(record.size)),
        whalePrice: usd(BigInt(record.price)),
        copySize: usd(BigInt(record.copySize)),
        copyPrice: usd(BigInt(record.copyPrice)),
        orderId: outcome.orderId ?? record.orderId,
        status: outcome.status,
        reason: outcome.reason,
        filledSize: usd(outcome.filledSize),
        filledValue: usd(outcome.filledValue),
      }),
    );
  }
  return pending.length;
}

interface Settled {
  status: OrderStatus | 'failed';
  orderId?: string;
  filledSize: Micros;
  filledValue: Micros;
  reason: string;
}

async function settle(record: SignalRecord, deps: ReconcileDeps, positions: () => Promise<Map<string, Micros> | undefined>): Promise<Settled> {
  const size = BigInt(record.copySize!);
  const price = BigInt(record.copyPrice!);
  if (record.orderId && deps.adapter.has.fetchOrder && deps.adapter.fetchOrder) {
    try {
      const order = await deps.adapter.fetchOrder(record.orderId);
      return { status: order.status, orderId: order.orderId, filledSize: order.filledSize, filledValue: order.filledValue, reason: 'reconciled with the venue order' };
    } catch (error) {
      deps.logger.warn(`reconcile ${record.orderId}: ${(error as Error).message}`);
    }
  }
  const venue = await positions().catch((error: Error) => {
    deps.logger.warn(`reconcile positions: ${error.message}`);
    return undefined;
  });
  if (venue) {
    const held = deps.portfolio.positionOf(record.token);
    const now = venue.get(record.token) ?? 0n;
    const moved = record.copySide === 'buy' ? now - held : held - now;
    const filled = moved <= 0n ? 0n : moved > size ? size : moved;
    // The exact fill price is not known here; the order's cap bounds it, so book at the cap.
    const value = (filled * price) / 1_000_000n;
    const status: OrderStatus = filled === 0n ? 'cancelled' : filled < size ? 'partially_filled' : 'filled';
    return { status, filledSize: filled, filledValue: value, reason: 'reconciled from the venue position' };
  }
  return { status: 'failed', filledSize: 0n, filledValue: 0n, reason: 'outcome unknown after a restart and the venue cannot tell: not re-sent' };
}
