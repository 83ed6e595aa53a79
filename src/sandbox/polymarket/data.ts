/**
 * Data API (/data-api/...) routes, fed by the sandbox's own fills (Gamma's are in gamma.ts).
 * https://docs.polymarket.com/developers/misc-endpoints/data-api-activity
 */
import { MICRO, microsToNumber } from '../../core/money.js';
import { fail, ok, type Request, type Router } from './http.js';
import type { ActivityItem } from './types.js';
import type { Venue } from './venue.js';

const MAX_LIMIT = 500;

function page<T>(req: Request, rows: T[], defaultLimit = 100): T[] {
  const limit = Math.min(Number(req.query.get('limit') ?? defaultLimit) || defaultLimit, MAX_LIMIT);
  const offset = Number(req.query.get('offset') ?? 0) || 0;
  return rows.slice(offset, offset + limit);
}

const list = (v: string | null) => (v ? v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : []);

export function registerDataRoutes(router: Router, venue: Venue, prefix: string): void {
  const byUser = (req: Request, rows: ActivityItem[]) => {
    const user = req.query.get('user')?.toLowerCase();
    const markets = list(req.query.get('market'));
    const side = req.query.get('side')?.toUpperCase();
    return rows
      .filter((a) => !user || a.proxyWallet === user)
      .filter((a) => markets.length === 0 || markets.includes(a.conditionId.toLowerCase()))
      .filter((a) => !side || a.side === side);
  };

  router
    .on('GET', `${prefix}/activity`, (req) => {
      if (!req.query.get('user')) return fail(400, 'user is required');
      const types = list(req.query.get('type')).map((t) => t.toUpperCase());
      const start = Number(req.query.get('start') ?? 0);
      const end = Number(req.query.get('end') ?? Number.MAX_SAFE_INTEGER);
      const sortBy = (req.query.get('sortBy') ?? 'TIMESTAMP').toUpperCase();
      const asc = (req.query.get('sortDirection') ?? 'DESC').toUpperCase() === 'ASC';
      const key = (a: ActivityItem) => (sortBy === 'TOKENS' ? a.size : sortBy === 'CASH' ? a.usdcSize : a.timestamp);
      const rows = byUser(req, venue.indexedActivity())
        .filter((a) => types.length === 0 || types.includes(a.type))
        .filter((a) => a.timestamp >= start && a.timestamp <= end)
        .map((a, i) => ({ a, i }))
        // Stable on insertion order, newest first by default, like the venue.
        .sort((x, y) => (asc ? 1 : -1) * (key(x.a) - key(y.a) || x.i - y.i))
        .map(({ a }) => a);
      return ok(page(req, rows));
    })
    .on('GET', `${prefix}/trades`, (req) => {
      const takerOnly = (req.query.get('takerOnly') ?? 'true') !== 'false';
      const rows = byUser(req, venue.indexedActivity())
        .filter((a) => !takerOnly || venue.takerRows.has(a))
        .reverse()
        .map(({ type: _type, usdcSize: _usdc, ...rest }) => rest);
      return ok(page(req, rows));
    })
    .on('GET', `${prefix}/positions`, (req) => {
      const user = req.query.get('user');
      if (!user) return fail(400, 'user is required');
      const threshold = BigInt(Math.round(Number(req.query.get('sizeThreshold') ?? '1') * 1e6));
      const markets = list(req.query.get('market'));
      const rows = venue.ledger
        .positionsOf(user)
        .filter(([, p]) => p.size >= threshold)
        .map(([tokenId, p]) => positionJson(venue, user, tokenId, p))
        .filter((r) => r !== undefined)
        .filter((r) => markets.length === 0 || markets.includes(String(r.conditionId).toLowerCase()));
      return ok(page(req, rows));
    })
    .on('GET', `${prefix}/value`, (req) => {
      const user = req.query.get('user');
      if (!user) return fail(400, 'user is required');
      const value = venue.ledger
        .positionsOf(user)
        .reduce((sum, [tokenId, p]) => sum + (p.size * venue.markPrice(tokenId)) / MICRO, 0n);
      return ok([{ user: user.toLowerCase(), value: microsToNumber(value) }]);
    });
}

function positionJson(
  venue: Venue,
  user: string,
  tokenId: string,
  p: { size: bigint; cost: bigint; totalBought: bigint; realizedPnl: bigint },
): Record<string, unknown> | undefined {
  const found = venue.marketOfToken(tokenId);
  if (!found) return undefined;
  const { market, outcomeIndex } = found;
  const cur = venue.markPrice(tokenId);
  const current = (p.size * cur) / MICRO;
  const avg = p.size > 0n ? (p.cost * MICRO) / p.size : 0n;
  const opposite = market.tokens[1 - outcomeIndex]!;
  const n = microsToNumber;
  return {
    proxyWallet: user.toLowerCase(),
    asset: tokenId,
    conditionId: market.conditionId,
    size: n(p.size),
    avgPrice: n(avg),
    initialValue: n(p.cost),
    currentValue: n(current),
    cashPnl: n(current - p.cost),
    percentPnl: p.cost > 0n ? Number(((current - p.cost) * 10_000n) / p.cost) / 100 : 0,
    totalBought: n(p.totalBought),
    realizedPnl: n(p.realizedPnl),
    percentRealizedPnl: 0,
    curPrice: n(cur),
    redeemable: false,
    mergeable: false,
    title: market.question,
    slug: market.slug,
    icon: '',
    eventSlug: market.eventSlug,
    outcome: market.tokens[outcomeIndex]!.outcome,
    outcomeIndex,
    oppositeOutcome: opposite.outcome,
    oppositeAsset: opposite.tokenId,
    endDate: '2030-12-31',
    negativeRisk: market.negRisk,
  };
}
