/**
 * Gamma routes (/gamma/...): market names and metadata, as https://gamma-api.polymarket.com serves them.
 * - GET /markets/keyset: the documented listing (keyset pagination). Answer `{markets, next_cursor}`,
 *   `next_cursor` absent on the last page; at most 100 markets a page and no `offset` (nautilus_trader's
 *   Gamma client notes: "/markets/keyset accepts at most 100 items per page", "Keyset endpoints reject
 *   offset", "next_cursor is absent on the final page"; Polymarket/agents issue #227 shows the shape).
 * - GET /markets: the offset listing, still answering but deprecated: production sends (2026-05-27)
 *   `deprecation: true`, `sunset: Fri, 01 May 2026`, `warning: 299 - "use /markets/keyset"` and refuses
 *   deep offsets with 422 "offset too large" (VENUES 1.5b). The depth it refuses from is not published:
 *   10,000 here, the same bound as the Data API's v1 offsets.
 * - GET /markets/{id}.
 * The sandbox can make every Gamma route answer 404 or 500, or never answer, to prove that nothing but
 * names depends on Gamma.
 */
import { fail, ok, type Reply, type Request, type Router } from './http.js';
import type { SandboxMarket } from './types.js';
import { gammaMarketJson } from './views.js';
import type { Venue } from './venue.js';

/** How Gamma misbehaves: an HTTP status for every route, or 'hang' (accepts, never answers). */
export type GammaFailure = 404 | 500 | 'hang';

export class GammaControl {
  failure: GammaFailure | undefined;
}

export const DEPRECATION_HEADERS = {
  deprecation: 'true',
  sunset: 'Fri, 01 May 2026',
  warning: '299 - "use /markets/keyset"',
} as const;

const LEGACY_MAX_OFFSET = 10_000;
const KEYSET_MAX_LIMIT = 100;

const list = (v: string | null) => (v ? v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : []);

/** The filters both listings share: clob_token_ids, condition_ids, slug, id, closed. */
function matching(venue: Venue, req: Request): SandboxMarket[] {
  const all = (name: string) => req.query.getAll(name).flatMap((v) => list(v));
  const tokens = all('clob_token_ids');
  const conditions = all('condition_ids');
  const slugs = all('slug');
  const ids = all('id');
  const closed = req.query.get('closed');
  return venue.markets
    .filter((m) => tokens.length === 0 || m.tokens.some((t) => tokens.includes(t.tokenId)))
    .filter((m) => conditions.length === 0 || conditions.includes(m.conditionId.toLowerCase()))
    .filter((m) => slugs.length === 0 || slugs.includes(m.slug))
    .filter((m) => ids.length === 0 || ids.includes(String(venue.markets.indexOf(m) + 1)))
    .filter((m) => closed === null || String(m.closed) === closed);
}

const cursorOf = (index: number) => Buffer.from(`k:${index}`).toString('base64url');
function indexOf(cursor: string | null): number | undefined {
  if (cursor === null || cursor === '') return 0;
  const match = /^k:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : undefined;
}

export function registerGammaRoutes(router: Router, venue: Venue, prefix: string, control: GammaControl): void {
  const guarded = (handler: (req: Request) => Reply) => (req: Request): Reply | Promise<Reply> => {
    if (control.failure === 'hang') return new Promise<Reply>(() => undefined);
    if (control.failure === 404) return fail(404, 'not found');
    if (control.failure === 500) return fail(500, 'internal server error');
    return handler(req);
  };
  router
    .on('GET', `${prefix}/markets/keyset`, guarded((req) => {
      if (req.query.has('offset')) return fail(422, 'offset is not supported: use cursor');
      const start = indexOf(req.query.get('cursor'));
      if (start === undefined) return fail(400, 'invalid cursor');
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 20) || 20, 1), KEYSET_MAX_LIMIT);
      const rows = matching(venue, req);
      const markets = rows.slice(start, start + limit).map((m) => gammaMarketJson(venue, m));
      const next = start + limit < rows.length ? { next_cursor: cursorOf(start + limit) } : {};
      return ok({ markets, ...next });
    }))
    .on('GET', `${prefix}/markets`, guarded((req) => {
      const offset = Number(req.query.get('offset') ?? 0) || 0;
      if (offset > LEGACY_MAX_OFFSET) return { ...fail(422, 'offset too large'), headers: { ...DEPRECATION_HEADERS } };
      const limit = Math.min(Number(req.query.get('limit') ?? 20) || 20, 500);
      const rows = matching(venue, req).slice(offset, offset + limit).map((m) => gammaMarketJson(venue, m));
      return { ...ok(rows), headers: { ...DEPRECATION_HEADERS } };
    }))
    .on('GET', `${prefix}/markets/:id`, guarded((req) => {
      const m = venue.markets[Number(req.params.id) - 1] ?? venue.marketById(req.params.id!);
      return m ? ok(gammaMarketJson(venue, m)) : fail(404, 'market not found');
    }));
}
