/**
 * Data API /activity, v2 (cursor) and v1 (offset), and every assumption made about them, in one place.
 *
 * What is documented:
 * - v1 `GET /activity?user&type&limit&offset&start&end&sortBy&sortDirection` answers a bare array of
 *   camelCase rows (VENUES.md 1.5; https://docs.polymarket.com/developers/misc-endpoints/data-api-activity).
 *   Its offset stops at 10,000 rows: "limit (max 500) and offset (max 10,000)" (VENUES.md 1.5b; the
 *   same bound is documented by Data API mirrors, e.g. docs.forka.st/data-api/activity/get-user-activity),
 *   so a longer history cannot be read past row 10,000 with v1.
 * - v2 `GET /v2/activity` (https://docs.polymarket.com/api-reference/feeds/list-account-activity,
 *   openapi at https://data-api.polymarket.com/v2/openapi.json): "Keyset-paginated activity feed ... in
 *   the standard `{ data, pagination }` envelope"; "Pagination is cursor-only: follow
 *   `pagination.next_cursor` until `null`; `has_more` is exact"; ordering `(block_timestamp,
 *   sequence_id)`, DESC by default, `sort_direction=ASC` for oldest first; `limit` default 100, max
 *   1000, past-cap rejected with 400; `start`/`end` epoch seconds; `type` comma-separated (TRADE, ...).
 *   VENUES.md 1.5b: v2 uses snake_case fields.
 *
 * What is ASSUMED (not in the excerpts available; each is tolerant of being wrong):
 * - A1 the cursor goes in a `cursor` query parameter (as the tools built on the v2 feed pass it).
 * - A2 row fields are the v1 names in snake_case (proxy_wallet, transaction_hash, condition_id,
 *   usdc_size, outcome_index, event_slug; timestamp, size, price, asset, side, outcome, title, slug
 *   unchanged); a row still carrying camelCase names is read as well.
 * - A3 `timestamp` stays unix seconds (the v2 `start`/`end` are epoch seconds).
 * - A4 a Data API without v2 answers 404 on /v2/activity: the client then uses v1 from there on.
 * - A5 v1 past its offset bound answers a 4xx: reading stops at the bound instead of failing the poll
 *   (rows older than the bound are history to the mirror, never copied).
 */
import type { ActivityItem } from './data-api.js';

export const V2_ACTIVITY_PATH = '/v2/activity';
export const V1_ACTIVITY_PATH = '/activity';
/** v1: the deepest offset served (VENUES.md 1.5b). */
export const V1_MAX_OFFSET = 10_000;
/** v2: documented maximum page size. */
export const V2_MAX_LIMIT = 1000;

/** Where the next page starts: a v2 cursor or a v1 offset. */
export type ActivityPageRef = { cursor: string } | { offset: number };

export interface ActivityQuery {
  limit: number;
  /** Oldest row wanted (unix seconds). */
  start?: number;
  /** The page after a previous one; undefined = the newest page. */
  after?: ActivityPageRef;
}

export function v2ActivityUrl(wallet: string, query: ActivityQuery): string {
  const params = new URLSearchParams({ user: wallet, type: 'TRADE', limit: String(Math.min(query.limit, V2_MAX_LIMIT)), sort_direction: 'DESC' });
  if (query.start !== undefined) params.set('start', String(query.start));
  if (query.after && 'cursor' in query.after) params.set('cursor', query.after.cursor); // A1
  return `${V2_ACTIVITY_PATH}?${params}`;
}

export function v1ActivityUrl(wallet: string, query: ActivityQuery): string {
  const offset = query.after && 'offset' in query.after ? query.after.offset : 0;
  const params = new URLSearchParams({ user: wallet, type: 'TRADE', limit: String(query.limit), offset: String(offset), sortBy: 'TIMESTAMP', sortDirection: 'DESC' });
  if (query.start !== undefined) params.set('start', String(query.start));
  return `${V1_ACTIVITY_PATH}?${params}`;
}

/** A v2 page: rows (read as ActivityItem) and the next cursor, undefined at the end. */
export function parseV2Page(body: unknown): { items: ActivityItem[]; next?: ActivityPageRef } | undefined {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { data?: unknown }).data)) return undefined;
  const { data, pagination } = body as { data: Array<Record<string, unknown>>; pagination?: { next_cursor?: string | null; has_more?: boolean } };
  const cursor = pagination?.next_cursor;
  const more = pagination?.has_more ?? Boolean(cursor);
  return { items: data.map(fromV2Row), next: more && cursor ? { cursor } : undefined };
}

/** The next v1 page, or undefined: a short page is the last, and v1 serves nothing past its offset bound. */
export function nextV1Page(query: ActivityQuery, rows: number): ActivityPageRef | undefined {
  const offset = (query.after && 'offset' in query.after ? query.after.offset : 0) + query.limit;
  return rows < query.limit || offset > V1_MAX_OFFSET ? undefined : { offset };
}

/** A2: snake_case first, camelCase accepted. */
function fromV2Row(row: Record<string, unknown>): ActivityItem {
  const pick = <T>(snake: string, camel: string): T => (row[snake] ?? row[camel]) as T;
  return {
    proxyWallet: pick('proxy_wallet', 'proxyWallet'),
    timestamp: Number(row.timestamp), // A3
    conditionId: pick('condition_id', 'conditionId'),
    type: row.type as string | undefined,
    size: row.size as number | string,
    usdcSize: pick('usdc_size', 'usdcSize'),
    transactionHash: pick('transaction_hash', 'transactionHash'),
    price: row.price as number | string,
    asset: String(row.asset),
    side: row.side as 'BUY' | 'SELL',
    outcome: row.outcome as string | undefined,
    title: row.title as string | undefined,
    slug: row.slug as string | undefined,
  };
}
