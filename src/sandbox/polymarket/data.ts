/**
 * Data API (/data-api/...) routes, fed by the sandbox's own fills (Gamma's are in gamma.ts).
 * https://docs.polymarket.com/developers/misc-endpoints/data-api-activity
 */
import { MICRO, microsToNumber } from '../../core/money.js';
import { fail, ok, type Reply, type Request, type Router } from './http.js';
import type { ActivityItem } from './types.js';
import type { Venue } from './venue.js';

const MAX_LIMIT = 500;
/** v1 /activity serves offsets up to 10,000 (VENUES.md 1.5b; docs.forka.st/data-api/activity/get-user-activity: "offset (max 10,000)"). */
const V1_MAX_OFFSET = 10_000;
/** v2: "limit ... default 100, max 1000, past-cap rejected" (docs.polymarket.com/api-reference/feeds/list-account-activity). */
const V2_MAX_LIMIT = 1000;

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
      // Assumption (status and body undocumented): a deep offset is refused like other bad parameters.
      if (Number(req.query.get('offset') ?? 0) > V1_MAX_OFFSET) return fail(400, `offset must be at most ${V1_MAX_OFFSET}: use /v2/activity (cursor pagination)`);
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
    .on('GET', `${prefix}/v2/activity`, (req) => v2Activity(req, venue.indexedActivity(), venue.activity))
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

/**
 * GET /v2/activity (docs.polymarket.com/api-reference/feeds/list-account-activity): `{ data, pagination:
 * { next_cursor, has_more } }`, keyset order (timestamp, sequence) DESC by default or `sort_direction=ASC`,
 * the cursor binds the direction; limit default 100, max 1000 (above: 400); rows in snake_case (VENUES.md
 * 1.5b). The cursor is opaque to clients: here base64url of [timestamp, sequence, direction].
 */
function v2Activity(req: Request, indexed: ActivityItem[], all: ActivityItem[]): Reply {
  const user = req.query.get('user')?.toLowerCase();
  if (!user) return fail(400, 'user is required');
  const limit = Number(req.query.get('limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > V2_MAX_LIMIT) return fail(400, `limit must be an integer from 1 to ${V2_MAX_LIMIT}`);
  let asc = (req.query.get('sort_direction') ?? 'DESC').toUpperCase() === 'ASC';
  let after: [number, number] | undefined;
  const cursor = req.query.get('cursor');
  if (cursor) {
    try {
      const [ts, seq, dir] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number, string];
      if (!Number.isFinite(ts) || !Number.isInteger(seq)) throw new Error('bad cursor');
      after = [ts, seq];
      asc = dir === 'ASC'; // the cursor binds the direction it was minted under
    } catch {
      return fail(400, `malformed cursor: ${cursor}`);
    }
  }
  const types = list(req.query.get('type')).map((t) => t.toUpperCase());
  const start = Number(req.query.get('start') ?? 0);
  const end = Number(req.query.get('end') ?? 0) || Number.MAX_SAFE_INTEGER;
  const order = (x: [number, number], y: [number, number]) => (asc ? 1 : -1) * (x[0] - y[0] || x[1] - y[1]);
  const sequence = new Map(all.map((a, i) => [a, i]));
  const rows = indexed
    .map((a) => ({ a, key: [a.timestamp, sequence.get(a)!] as [number, number] }))
    .filter(({ a }) => a.proxyWallet === user && (types.length === 0 || types.includes(a.type)) && a.timestamp >= start && a.timestamp <= end)
    .filter(({ key }) => !after || order(key, after) > 0)
    .sort((x, y) => order(x.key, y.key));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const more = rows.length > limit;
  return ok({
    data: page.map(({ a }) => snakeCase(a)),
    pagination: { next_cursor: more && last ? Buffer.from(JSON.stringify([...last.key, asc ? 'ASC' : 'DESC'])).toString('base64url') : null, has_more: more },
  });
}

function snakeCase(row: ActivityItem): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
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
