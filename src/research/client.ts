/**
 * Reads a wallet's public record for discover / vet / backtest: Data API (leaderboard, activity,
 * trades, positions, closed positions, value), CLOB /prices-history and Gamma /markets. `fetch` is
 * injected; nothing else is read. Numbers become micro-units here, at the edge.
 */
import { ExchangeUnavailableError, NetworkError, RateLimitedError } from '../core/errors.js';
import { toMicros, type Micros } from '../core/money.js';
import type { ClosedPosition, HistoryFill, LeaderboardRow, MarketInfo, OpenPosition, PricePoint, WalletHistory } from './types.js';

export interface ResearchEndpoints {
  dataApiUrl: string;
  clobUrl: string;
  gammaUrl: string;
}

export type Period = 'day' | 'week' | 'month' | 'all';
export type LeaderboardOrder = 'pnl' | 'volume';

/** The reads the research commands need; the HTTP client below, or a stand-in in tests. */
export interface ResearchSource {
  leaderboard(period: Period, order: LeaderboardOrder, limit: number): Promise<LeaderboardRow[]>;
  /** Oldest first, from `start` (seconds) on; `truncated` when the venue's paging limit was reached. */
  fills(wallet: string, start?: number): Promise<{ fills: HistoryFill[]; truncated: boolean }>;
  history(wallet: string): Promise<WalletHistory & { truncated: boolean }>;
  priceHistory(token: string, startTs: number, endTs: number): Promise<PricePoint[]>;
  market(token: string): Promise<MarketInfo>;
}

/** Data API v1 offset paging stops at 10,000 rows (VENUES 1.5b); /activity pages hold 500 (VENUES 1.5). */
const PAGE = 500;
const MAX_OFFSET = 10_000;
/** /closed-positions pages hold at most 50 rows (docs.polymarket.com, get-closed-positions-for-a-user). */
const CLOSED_PAGE = 50;
/** Leaderboard pages: limit 1-50 (polyoxide-data, src/api/leaderboard.rs). */
const BOARD_PAGE = 50;

const micros = (value: unknown): Micros => toMicros(Number(value ?? 0).toFixed(6));

export class HttpResearchSource implements ResearchSource {
  requests = 0;

  constructor(
    private readonly endpoints: ResearchEndpoints,
    private readonly fetchFn: typeof fetch,
  ) {}

  async leaderboard(period: Period, order: LeaderboardOrder, limit: number): Promise<LeaderboardRow[]> {
    const rows: LeaderboardRow[] = [];
    for (let offset = 0; rows.length < limit; offset += BOARD_PAGE) {
      const query = new URLSearchParams({
        timePeriod: period.toUpperCase(),
        orderBy: order === 'pnl' ? 'PNL' : 'VOL',
        limit: String(Math.min(BOARD_PAGE, limit - rows.length)),
        offset: String(offset),
      });
      const page = (await this.get(this.endpoints.dataApiUrl, `/v1/leaderboard?${query}`)) as Array<Record<string, unknown>>;
      if (!Array.isArray(page)) throw new NetworkError('Data API /v1/leaderboard did not return an array', { info: page });
      rows.push(
        ...page.map((r) => ({
          rank: Number(r.rank),
          wallet: String(r.proxyWallet).toLowerCase(),
          name: String(r.userName ?? ''),
          pnl: micros(r.pnl),
          volume: micros(r.vol),
        })),
      );
      if (page.length < BOARD_PAGE) break;
    }
    return rows.slice(0, limit);
  }

  async fills(wallet: string, start?: number): Promise<{ fills: HistoryFill[]; truncated: boolean }> {
    const rows: Array<Record<string, unknown>> = [];
    let truncated = false;
    for (let offset = 0; ; offset += PAGE) {
      if (offset >= MAX_OFFSET) {
        truncated = true;
        break;
      }
      const query = new URLSearchParams({ user: wallet, type: 'TRADE', limit: String(PAGE), offset: String(offset), sortBy: 'TIMESTAMP', sortDirection: 'DESC' });
      if (start !== undefined) query.set('start', String(start));
      const page = (await this.get(this.endpoints.dataApiUrl, `/activity?${query}`)) as Array<Record<string, unknown>>;
      if (!Array.isArray(page)) throw new NetworkError('Data API /activity did not return an array', { info: page });
      rows.push(...page);
      if (page.length < PAGE) break;
    }
    const fills = rows.map((r) => toFill(wallet, r)).sort((a, b) => a.timestamp - b.timestamp);
    return { fills, truncated };
  }

  async history(wallet: string): Promise<WalletHistory & { truncated: boolean }> {
    const w = encodeURIComponent(wallet);
    const [{ fills, truncated }, takerRows, positions, closed, value] = await Promise.all([
      this.fills(wallet),
      this.pages(this.endpoints.dataApiUrl, `/trades?user=${w}&takerOnly=true`, PAGE),
      this.pages(this.endpoints.dataApiUrl, `/positions?user=${w}&sizeThreshold=0`, PAGE),
      this.pages(this.endpoints.dataApiUrl, `/closed-positions?user=${w}`, CLOSED_PAGE),
      this.get(this.endpoints.dataApiUrl, `/value?user=${w}`) as Promise<Array<{ value?: unknown }>>,
    ]);
    // /activity does not say who was the maker; /trades?takerOnly=true lists the taker fills (VENUES 1.5).
    const taker = new Set(takerRows.map((r) => fillKey(toFill(wallet, r))));
    for (const fill of fills) fill.maker = !taker.has(fillKey(fill));
    return {
      wallet: wallet.toLowerCase(),
      fills,
      truncated,
      positions: positions.map(toOpen),
      closed: closed.map(toClosed),
      value: micros(Array.isArray(value) ? value[0]?.value : 0),
    };
  }

  async priceHistory(token: string, startTs: number, endTs: number): Promise<PricePoint[]> {
    const query = new URLSearchParams({ market: token, startTs: String(startTs), endTs: String(endTs), fidelity: '1' });
    const body = (await this.get(this.endpoints.clobUrl, `/prices-history?${query}`)) as { history?: Array<{ t: number; p: number }> };
    return (body.history ?? []).map((point) => ({ t: Number(point.t), p: micros(point.p) })).sort((a, b) => a.t - b.t);
  }

  /** Gamma /markets?clob_token_ids=: rules, fees and, once closed, the payout of `token` (outcomePrices). */
  async market(token: string): Promise<MarketInfo> {
    const body = (await this.get(this.endpoints.gammaUrl, `/markets?clob_token_ids=${encodeURIComponent(token)}`)) as Array<Record<string, unknown>>;
    const m = Array.isArray(body) ? body[0] : undefined;
    if (!m) throw new NetworkError(`Gamma knows no market for token ${token}`);
    const tokens = JSON.parse(String(m.clobTokenIds ?? '[]')) as string[];
    const prices = JSON.parse(String(m.outcomePrices ?? '[]')) as string[];
    const schedule = m.feeSchedule as { rate?: number; exponent?: number } | undefined;
    const closedTime = typeof m.closedTime === 'string' ? Math.floor(Date.parse(m.closedTime) / 1000) : undefined;
    const resolved = m.closed === true && closedTime !== undefined && Number.isFinite(closedTime);
    const index = tokens.indexOf(token);
    return {
      token,
      market: String(m.conditionId ?? token),
      slug: typeof m.slug === 'string' ? m.slug : undefined,
      title: typeof m.question === 'string' ? m.question : undefined,
      tickSize: micros(m.orderPriceMinTickSize ?? 0.01),
      minSize: micros(m.orderMinSize ?? 5),
      ...(m.feesEnabled === true && schedule?.rate ? { fee: { rate: Number(schedule.rate), exponent: Number(schedule.exponent ?? 1) } } : {}),
      ...(resolved && index >= 0 && prices[index] !== undefined ? { resolvedAt: closedTime, payout: micros(prices[index]) } : {}),
    };
  }

  private async pages(base: string, path: string, size: number): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    for (let offset = 0; offset < MAX_OFFSET; offset += size) {
      const page = (await this.get(base, `${path}&limit=${size}&offset=${offset}`)) as Array<Record<string, unknown>>;
      if (!Array.isArray(page)) throw new NetworkError(`${path.split('?')[0]} did not return an array`, { info: page });
      rows.push(...page);
      if (page.length < size) break;
    }
    return rows;
  }

  private async get(base: string, path: string): Promise<unknown> {
    this.requests++;
    const response = await this.fetchFn(`${base.replace(/\/$/, '')}${path}`);
    if (response.status === 429) throw new RateLimitedError(`${path.split('?')[0]}: rate limited`, undefined);
    if (!response.ok) throw new ExchangeUnavailableError(`${path.split('?')[0]} answered ${response.status}`);
    return response.json();
  }
}

/** A fill's identity (VENUES 1.5: one transaction can hold several fills of one wallet). */
function fillKey(f: HistoryFill): string {
  return [f.txHash, f.token, f.side, f.size, f.price].join('|');
}

function toFill(wallet: string, r: Record<string, unknown>): HistoryFill {
  const size = micros(r.size);
  const price = micros(r.price);
  return {
    wallet: wallet.toLowerCase(),
    timestamp: Number(r.timestamp),
    market: String(r.conditionId ?? ''),
    token: String(r.asset),
    side: String(r.side).toUpperCase() === 'SELL' ? 'sell' : 'buy',
    size,
    price,
    usd: r.usdcSize !== undefined ? micros(r.usdcSize) : (size * price) / 1_000_000n,
    txHash: String(r.transactionHash ?? ''),
    ...(typeof r.title === 'string' ? { title: r.title } : {}),
    ...(typeof r.slug === 'string' ? { slug: r.slug } : {}),
    ...(typeof r.outcome === 'string' ? { outcome: r.outcome } : {}),
  };
}

function toOpen(r: Record<string, unknown>): OpenPosition {
  return {
    market: String(r.conditionId ?? ''),
    token: String(r.asset),
    size: micros(r.size),
    avgPrice: micros(r.avgPrice),
    initialValue: micros(r.initialValue),
    currentValue: micros(r.currentValue),
    realizedPnl: micros(r.realizedPnl),
    redeemable: r.redeemable === true,
    ...(typeof r.title === 'string' ? { title: r.title } : {}),
  };
}

function toClosed(r: Record<string, unknown>): ClosedPosition {
  return {
    market: String(r.conditionId ?? ''),
    token: String(r.asset),
    avgPrice: micros(r.avgPrice),
    totalBought: micros(r.totalBought),
    realizedPnl: micros(r.realizedPnl),
    closedAt: Number(r.timestamp),
    ...(typeof r.title === 'string' ? { title: r.title } : {}),
  };
}
