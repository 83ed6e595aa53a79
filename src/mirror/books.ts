/**
 * The venue is the source of truth; our books are a cache of it. `syncWithVenue` reads cash and the
 * shares of each token from the venue, reports every difference as a `book` event with both figures,
 * and (unless only reporting) sets the books to the venue's figures as transfers, never as PnL.
 */
import type { Micros } from '../core/money.js';
import type { Clock } from '../core/runtime.js';
import type { Outcome } from '../core/types.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { makeEvent, usd, type MirrorEvent } from './events.js';
import type { Portfolio } from './portfolio.js';
import type { MirrorStore } from './store.js';

/** Where a Polymarket token's copies are held on the venue we trade on (itself, or a mapped market). */
export interface Instrument {
  market: string;
  outcome?: Outcome;
}

export interface BooksDeps {
  adapter: IExchangeAdapter;
  portfolio: Portfolio;
  store: MirrorStore;
  /** Copies go to mapped markets (Kalshi): a holding without its instrument cannot be checked. */
  mapped: boolean;
  clock: Clock;
  emit: (event: MirrorEvent) => void;
}

export interface BookDifference {
  /** undefined: cash. */
  token?: string;
  market?: string;
  book: Micros;
  venue: Micros;
}

export interface SyncScope {
  cash?: boolean;
  /**
   * Checked after the balance read: false when an order or a transfer moved money while the read was
   * on the wire, so the figures are not comparable (the next sync compares again).
   */
  cashComparable?: () => boolean;
  tokens?: Iterable<string>;
  /** 'adopt' sets the books to the venue's figures; 'report' only tells (the final summary). */
  mode?: 'adopt' | 'report';
  /** Why the sync runs (start, restart, periodic, sell, stop), for the events. */
  reason: string;
}

/** The venue's shares of one instrument, or undefined when the adapter cannot tell. */
export async function venueHolding(adapter: IExchangeAdapter, instrument: Instrument | undefined): Promise<Micros | undefined> {
  if (!instrument || !adapter.fetchHolding) return undefined;
  return adapter.fetchHolding(instrument.market, instrument.outcome);
}

/** Where the book's shares of `token` are held on the venue. */
export function instrumentOf(portfolio: Portfolio, token: string, mapped: boolean): Instrument | undefined {
  return portfolio.holdings.get(token)?.venue ?? (mapped ? undefined : { market: token });
}

export interface VenueView {
  /** The venue's cash, when it was read and comparable. */
  cash?: Micros;
  /** The venue's shares per token read. */
  holdings: Map<string, Micros>;
  differences: BookDifference[];
}

export async function syncWithVenue(deps: BooksDeps, scope: SyncScope): Promise<VenueView> {
  const { portfolio } = deps;
  const adopt = (scope.mode ?? 'adopt') === 'adopt';
  const differences: BookDifference[] = [];
  const holdings = new Map<string, Micros>();
  let cash: Micros | undefined;
  if (scope.cash) {
    const venue = (await deps.adapter.fetchBalance()).cash;
    if (scope.cashComparable?.() !== false) cash = venue;
    if (cash !== undefined && venue !== portfolio.cash) {
      differences.push({ book: portfolio.cash, venue });
      if (adopt) portfolio.setCash(venue);
    }
  }
  const tokens = [...new Set(scope.tokens ?? [])];
  for (const token of tokens) {
    const market = portfolio.holdings.get(token)?.market ?? token;
    const venue = await venueHolding(deps.adapter, instrumentOf(portfolio, token, deps.mapped));
    if (venue === undefined) continue;
    holdings.set(token, venue);
    const book = portfolio.positionOf(token);
    if (venue !== book) {
      differences.push({ token, market, book, venue });
      if (adopt) portfolio.setHolding(token, market, venue);
    }
  }
  if (adopt && differences.length > 0) {
    deps.store.transaction(() => deps.store.saveBook(portfolio, tokens));
  }
  for (const d of differences) {
    const what = d.token === undefined ? 'cash (USD)' : `shares of ${d.token}`;
    deps.emit(
      makeEvent('book', deps.clock.now(), {
        token: d.token ?? null,
        market: d.market ?? null,
        reason: scope.reason,
        bookAmount: usd(d.book),
        venueAmount: usd(d.venue),
        status: adopt ? 'adopted' : 'differs',
        detail: `${what}: books ${usd(d.book)}, venue ${usd(d.venue)}${adopt ? ': the venue\'s figure is kept' : ''}`,
      }),
    );
  }
  return { cash, holdings, differences };
}
