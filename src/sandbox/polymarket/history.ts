/**
 * Long, resolved trading histories for choosing whom to follow (`discover`, `vet`, `backtest`): the
 * scripted wallets of history-script.ts, served on the
 * same routes as production (Data API leaderboard / activity / trades / positions / closed-positions /
 * value, CLOB /prices-history, Gamma /markets). Deterministic: everything is a function of the anchor,
 * the start of the UTC day the sandbox started on, so a test with a fixed clock can assert exact figures.
 *
 * Requests about other wallets and tokens fall through to the live sandbox routes (data.ts).
 */
import { MICRO, microsToNumber, mulMicros, type Micros } from '../../core/money.js';
import type { Clock } from '../../core/runtime.js';
import { registerDataRoutes } from './data.js';
import { registerGammaRoutes, type GammaControl } from './gamma.js';
import { ok, Router, type Reply, type Request } from './http.js';
import type { ActivityItem } from './types.js';
import type { Venue } from './venue.js';

import { DAY, HISTORY_FEE_RATE, HISTORY_WALLETS, NAMES, priceAt, scriptedHistory, type History, type HistoryMarket, type HistoryTrade } from './history-script.js';

export { HISTORY_FEE_RATE, HISTORY_WALLETS, priceAt, scriptedHistory, type History, type HistoryMarket, type HistoryTrade } from './history-script.js';
interface Book {
  market: HistoryMarket;
  outcomeIndex: 0 | 1;
  size: Micros;
  cost: Micros;
  bought: Micros;
  realized: Micros;
}

/** A wallet's positions from its trades (average cost); resolved ones are settled at 1 or 0. */
function books(history: History, wallet: string): Book[] {
  const byToken = new Map<string, Book>();
  for (const t of history.trades.filter((x) => x.wallet === wallet)) {
    const token = t.market.tokens[t.outcomeIndex];
    const book = byToken.get(token) ?? { market: t.market, outcomeIndex: t.outcomeIndex, size: 0n, cost: 0n, bought: 0n, realized: 0n };
    if (t.side === 'BUY') {
      book.size += t.size;
      book.cost += mulMicros(t.size, t.price);
      book.bought += t.size;
    } else {
      const costSold = (book.cost * t.size) / book.size;
      book.realized += mulMicros(t.size, t.price) - costSold;
      book.cost -= costSold;
      book.size -= t.size;
    }
    byToken.set(token, book);
  }
  return [...byToken.values()];
}

function marketFields(m: HistoryMarket, outcomeIndex: 0 | 1) {
  return {
    conditionId: m.conditionId,
    asset: m.tokens[outcomeIndex],
    title: m.question,
    slug: m.slug,
    icon: '',
    eventSlug: m.slug,
    outcome: outcomeIndex === 0 ? 'Yes' : 'No',
    outcomeIndex,
    oppositeOutcome: outcomeIndex === 0 ? 'No' : 'Yes',
    oppositeAsset: m.tokens[1 - outcomeIndex],
  };
}

function activityJson(t: HistoryTrade): ActivityItem {
  const m = marketFields(t.market, t.outcomeIndex);
  return {
    proxyWallet: t.wallet,
    timestamp: t.timestamp,
    conditionId: m.conditionId,
    type: 'TRADE',
    size: microsToNumber(t.size),
    usdcSize: microsToNumber(mulMicros(t.size, t.price)),
    transactionHash: t.txHash,
    price: microsToNumber(t.price),
    asset: m.asset,
    side: t.side,
    outcomeIndex: t.outcomeIndex,
    outcome: m.outcome,
    title: m.title,
    slug: m.slug,
    icon: '',
    eventSlug: m.eventSlug,
    name: NAMES[t.wallet] ?? '',
    pseudonym: NAMES[t.wallet] ?? '',
    bio: '',
    profileImage: '',
    profileImageOptimized: '',
  };
}

function limitOffset(req: Request, defaultLimit: number, maxLimit: number): [number, number] {
  const limit = Math.min(Math.max(Number(req.query.get('limit') ?? defaultLimit) || defaultLimit, 1), maxLimit);
  return [limit, Math.max(Number(req.query.get('offset') ?? 0) || 0, 0)];
}

/**
 * Leaderboard windows. Assumption: the sandbox ranks a window by the PnL of markets resolved inside
 * it plus the change of open positions' marked value inside it, and by the USD traded inside it;
 * production serves "MARKED equity change net of flows" for day/week/month and the realized lifetime
 * ledger for all (so there `all` leaves out open positions, which the sandbox counts)
 * (docs.polymarket.com/api-reference/boards/get-the-trader-leaderboard).
 */
const WINDOWS: Record<string, number> = { DAY: DAY, WEEK: 7 * DAY, MONTH: 30 * DAY, ALL: Number.POSITIVE_INFINITY };

export function registerHistoryRoutes(
  router: Router,
  venue: Venue,
  clock: Clock,
  gamma: GammaControl,
  history = scriptedHistory(Math.floor(clock.now() / 1000 / DAY) * DAY),
): void {
  const live = new Router();
  registerDataRoutes(live, venue, '/data-api');
  registerGammaRoutes(live, venue, '/gamma', gamma);
  const wallets = new Set<string>(Object.values(HISTORY_WALLETS));
  const tokens = new Map(history.markets.flatMap((m) => m.tokens.map((t, i) => [t, { market: m, outcomeIndex: i as 0 | 1 }] as const)));
  const nowSec = () => Math.floor(clock.now() / 1000);
  const ours = (req: Request) => wallets.has((req.query.get('user') ?? '').toLowerCase());
  const or = (handler: (req: Request) => Reply) => (req: Request) => (ours(req) ? handler(req) : live.dispatch(req));
  const userBooks = (req: Request) => books(history, (req.query.get('user') ?? '').toLowerCase());
  const resolved = (b: Book) => b.market.resolvedAt !== undefined && b.market.resolvedAt <= nowSec();
  const closed = (b: Book) => resolved(b) && !b.market.unredeemed;

  router
    // https://docs.polymarket.com/developers/misc-endpoints/data-api-activity (VENUES 1.5): newest first by default.
    .on('GET', '/data-api/activity', or((req) => {
      const user = req.query.get('user')!.toLowerCase();
      const start = Number(req.query.get('start') ?? 0);
      const end = Number(req.query.get('end') ?? Number.MAX_SAFE_INTEGER);
      const types = (req.query.get('type') ?? '').toUpperCase();
      const asc = (req.query.get('sortDirection') ?? 'DESC').toUpperCase() === 'ASC';
      const rows = history.trades.filter((t) => t.wallet === user && t.timestamp >= start && t.timestamp <= end && t.timestamp <= nowSec());
      if (types && !types.split(',').includes('TRADE')) return ok([]);
      const [limit, offset] = limitOffset(req, 100, 500);
      return ok((asc ? rows : [...rows].reverse()).slice(offset, offset + limit).map(activityJson));
    }))
    // /trades?takerOnly=true (the default) leaves out the fills where the wallet was the maker (VENUES 1.5).
    .on('GET', '/data-api/trades', or((req) => {
      const user = req.query.get('user')!.toLowerCase();
      const takerOnly = (req.query.get('takerOnly') ?? 'true') !== 'false';
      const rows = history.trades.filter((t) => t.wallet === user && (!takerOnly || !t.maker) && t.timestamp <= nowSec()).reverse();
      const [limit, offset] = limitOffset(req, 100, 500);
      return ok(rows.slice(offset, offset + limit).map(({ ...t }) => {
        const { type: _type, usdcSize: _usdc, ...rest } = activityJson(t);
        return rest;
      }));
    }))
    .on('GET', '/data-api/positions', or((req) => {
      const rows = userBooks(req)
        .filter((b) => !closed(b) && b.size > 0n)
        .map((b) => {
          const cur = priceAt(b.market, b.outcomeIndex, nowSec()) ?? 0n;
          const current = mulMicros(b.size, cur);
          const n = microsToNumber;
          return {
            proxyWallet: (req.query.get('user') ?? '').toLowerCase(),
            ...marketFields(b.market, b.outcomeIndex),
            size: n(b.size),
            avgPrice: n((b.cost * MICRO) / b.size),
            initialValue: n(b.cost),
            currentValue: n(current),
            cashPnl: n(current - b.cost),
            percentPnl: Number(((current - b.cost) * 10_000n) / b.cost) / 100,
            totalBought: n(b.bought),
            realizedPnl: n(b.realized),
            curPrice: n(cur),
            redeemable: resolved(b),
            endDate: new Date((b.market.openedAt + 30 * DAY) * 1000).toISOString().slice(0, 10),
          };
        });
      const [limit, offset] = limitOffset(req, 100, 500);
      return ok(rows.slice(offset, offset + limit));
    }))
    // Closed positions: https://docs.polymarket.com/api-reference/core/get-closed-positions-for-a-user
    // (fields as in the public clients: avgPrice, totalBought (shares), realizedPnl, curPrice, timestamp).
    // Assumption: a position counts as closed once its market resolved; realizedPnl includes the payout.
    .on('GET', '/data-api/closed-positions', or((req) => {
      const rows = userBooks(req)
        .filter(closed)
        .map((b) => {
          const payout = b.market.winner === b.outcomeIndex ? b.size : 0n;
          const avg = (totalCost(history, b) * MICRO) / b.bought;
          return {
            proxyWallet: (req.query.get('user') ?? '').toLowerCase(),
            ...marketFields(b.market, b.outcomeIndex),
            avgPrice: microsToNumber(avg),
            totalBought: microsToNumber(b.bought),
            realizedPnl: microsToNumber(b.realized + payout - b.cost),
            curPrice: b.market.winner === b.outcomeIndex ? 1 : 0,
            timestamp: b.market.resolvedAt!,
            endDate: new Date(b.market.resolvedAt! * 1000).toISOString(),
          };
        })
        .sort((a, b) => b.timestamp - a.timestamp);
      const [limit, offset] = limitOffset(req, 10, 50);
      return ok(rows.slice(offset, offset + limit));
    }))
    .on('GET', '/data-api/value', or((req) => {
      const value = userBooks(req)
        .filter((b) => !closed(b))
        .reduce((sum, b) => sum + mulMicros(b.size, priceAt(b.market, b.outcomeIndex, nowSec()) ?? 0n), 0n);
      return ok([{ user: (req.query.get('user') ?? '').toLowerCase(), value: microsToNumber(value) }]);
    }))
    // GET /v1/leaderboard?timePeriod=DAY|WEEK|MONTH|ALL&orderBy=PNL|VOL&limit(1-50, default 25)&offset
    // -> [{rank, proxyWallet, userName, vol, pnl, profileImage, xUsername, verifiedBadge}] (rank a string).
    // Source: the polyoxide-data client (docs.rs polyoxide-data src/api/leaderboard.rs, "limit 1-50,
    // default 25"; "omitting timePeriod returns DAY", verified live 2026-07-25). Production also serves
    // /v2/leaderboard (time_period, sort_by, cursor), which this stand-in does not.
    .on('GET', '/data-api/v1/leaderboard', (req) => {
      const period = (req.query.get('timePeriod') ?? 'DAY').toUpperCase();
      const orderBy = (req.query.get('orderBy') ?? 'PNL').toUpperCase();
      if (!(period in WINDOWS)) return { status: 400, body: { error: `invalid timePeriod ${period}` } };
      if (orderBy !== 'PNL' && orderBy !== 'VOL') return { status: 400, body: { error: `invalid orderBy ${orderBy}` } };
      const since = nowSec() - WINDOWS[period]!;
      const rows = [...wallets]
        .map((wallet) => {
          let pnl = 0n;
          for (const b of books(history, wallet)) {
            const done = b.market.resolvedAt !== undefined && b.market.resolvedAt <= nowSec();
            if (done) {
              if (b.market.resolvedAt! >= since) pnl += b.realized + (b.market.winner === b.outcomeIndex ? b.size : 0n) - b.cost;
              continue;
            }
            // Open: the change of its marked value inside the window.
            const now = mulMicros(b.size, priceAt(b.market, b.outcomeIndex, nowSec()) ?? 0n);
            const held = history.trades.every((t) => t.market !== b.market || t.timestamp < since);
            pnl += held ? now - mulMicros(b.size, priceAt(b.market, b.outcomeIndex, since) ?? 0n) : b.realized + now - b.cost;
          }
          const vol = history.trades.filter((t) => t.wallet === wallet && t.timestamp >= since && t.timestamp <= nowSec()).reduce((s, t) => s + mulMicros(t.size, t.price), 0n);
          return { wallet, pnl, vol };
        })
        .filter((r) => r.vol > 0n || r.pnl !== 0n)
        .sort((a, b) => (orderBy === 'VOL' ? cmp(b.vol, a.vol) : cmp(b.pnl, a.pnl)) || a.wallet.localeCompare(b.wallet));
      const [limit, offset] = limitOffset(req, 25, 50);
      return ok(
        rows.slice(offset, offset + limit).map((r, i) => ({
          rank: String(offset + i + 1),
          proxyWallet: r.wallet,
          userName: NAMES[r.wallet] ?? '',
          vol: microsToNumber(r.vol),
          pnl: microsToNumber(r.pnl),
          profileImage: '',
          xUsername: '',
          verifiedBadge: false,
        })),
      );
    })
    // VENUES 1.5b: GET /prices-history?market=<token>&startTs&endTs&fidelity -> {history:[{t,p}]}.
    // The stand-in answers every price change in [startTs, endTs] (plus the price in force at startTs);
    // production samples every `fidelity` minutes, so there a latency shorter than that is not resolved.
    .on('GET', '/prices-history', (req) => {
      const found = tokens.get(req.query.get('market') ?? '');
      if (!found) return ok({ history: [] });
      const start = Number(req.query.get('startTs') ?? 0);
      const end = Math.min(Number(req.query.get('endTs') ?? Number.MAX_SAFE_INTEGER), nowSec());
      const points: Array<{ t: number; p: number }> = [];
      const before = priceAt(found.market, found.outcomeIndex, start);
      if (before !== undefined && !found.market.path.some(([at]) => at === start)) points.push({ t: start, p: microsToNumber(before) });
      for (const [at] of found.market.path) {
        if (at >= start && at <= end) points.push({ t: at, p: microsToNumber(priceAt(found.market, found.outcomeIndex, at)!) });
      }
      return ok({ history: points });
    })
    .on('GET', '/gamma/markets', (req) => {
      const asked = req.query.getAll('clob_token_ids').flatMap((v) => v.split(',')).map((s) => s.trim());
      const conditions = req.query.getAll('condition_ids').flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase());
      const hits = history.markets.filter((m) => m.tokens.some((t) => asked.includes(t)) || conditions.includes(m.conditionId));
      if (hits.length === 0) return live.dispatch(req);
      return ok(hits.map((m) => gammaJson(m, nowSec())));
    });
}

function totalCost(history: History, b: Book): Micros {
  const token = b.market.tokens[b.outcomeIndex];
  return history.trades
    .filter((t) => t.market === b.market && t.market.tokens[t.outcomeIndex] === token && t.side === 'BUY')
    .reduce((sum, t) => sum + mulMicros(t.size, t.price), 0n);
}

const cmp = (a: bigint, b: bigint) => (a > b ? 1 : a < b ? -1 : 0);

/**
 * Gamma market of a history market. `closedTime` (when it resolved) and `outcomePrices` ["1","0"] of a
 * resolved market are Gamma's fields (gamma-api /markets); fees as on the live sandbox (views.ts).
 */
function gammaJson(m: HistoryMarket, now: number): Record<string, unknown> {
  const closed = m.resolvedAt !== undefined && m.resolvedAt <= now;
  const yes = priceAt(m, 0, now) ?? 0n;
  const prices = closed ? (m.winner === 0 ? ['1', '0'] : ['0', '1']) : [microsToNumber(yes), microsToNumber(MICRO - yes)].map(String);
  return {
    question: m.question,
    conditionId: m.conditionId,
    slug: m.slug,
    outcomes: JSON.stringify(['Yes', 'No']),
    outcomePrices: JSON.stringify(prices),
    clobTokenIds: JSON.stringify(m.tokens),
    active: true,
    closed,
    acceptingOrders: !closed,
    ...(closed ? { closedTime: new Date(m.resolvedAt! * 1000).toISOString() } : {}),
    startDate: new Date(m.openedAt * 1000).toISOString(),
    orderPriceMinTickSize: 0.01,
    orderMinSize: 5,
    feesEnabled: true,
    feeSchedule: { rate: HISTORY_FEE_RATE, exponent: 1, takerOnly: true },
  };
}
