/**
 * Market titles for human output ("Will BTC close above $100k? (Yes)" instead of "636312…1028"), from a
 * cache kept in the config directory and filled by a lookup that is bounded in time and never fails
 * a command: a title is a nicety, so a slow or failed lookup leaves the id, and the mirror never waits
 * for one (it labels with what is known now and fills the cache for the next line).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../config/files.js';

export interface MarketTitle {
  title: string;
  /** The outcome the id stands for (Polymarket tokens are one outcome each), e.g. "Yes". */
  outcome?: string;
}

/** Finds titles for ids; may answer for some ids only. */
export type TitleLookup = (ids: readonly string[], signal: AbortSignal) => Promise<Map<string, MarketTitle>>;

/** How long a command waits for titles before printing ids. */
export const TITLE_LOOKUP_TIMEOUT_MS = 1500;
const CACHE_LIMIT = 2000;

export class MarketTitles {
  private readonly cache = new Map<string, MarketTitle>();
  private readonly pending = new Set<string>();
  private readonly file: string;

  constructor(
    configDir: string,
    private readonly lookup: TitleLookup | undefined,
    private readonly timeoutMs = TITLE_LOOKUP_TIMEOUT_MS,
  ) {
    this.file = join(configDir, 'cache', 'market-titles.json');
    for (const [id, title] of Object.entries(readCache(this.file))) this.cache.set(id, title);
  }

  /** What is known now, without waiting. */
  known(id: string): MarketTitle | undefined {
    return this.cache.get(id);
  }

  /** Teaches a title learnt elsewhere (a whale fill carries its market's title). */
  remember(id: string, title: MarketTitle): void {
    const known = this.cache.get(id);
    if (known?.title === title.title && known.outcome === title.outcome) return;
    this.cache.set(id, title);
    this.save();
  }

  /** Looks up the ids not known yet, waiting at most the timeout; never throws. */
  async load(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id) && !this.pending.has(id));
    if (!this.lookup || missing.length === 0) return;
    missing.forEach((id) => this.pending.add(id));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error('title lookup timed out')), this.timeoutMs);
    try {
      const found = await this.lookup(missing, abort.signal);
      for (const [id, title] of found) this.cache.set(id, title);
      if (found.size > 0) this.save();
    } catch {
      // A title is a nicety: the id is printed instead.
    } finally {
      clearTimeout(timer);
      missing.forEach((id) => this.pending.delete(id));
    }
  }

  /** `"Title" (Outcome)`, or the shortened id while no title is known. */
  label(id: string | null, outcome?: string | null): string {
    const known = id ? this.cache.get(id) : undefined;
    if (!known) return shortId(id);
    const side = outcome ?? known.outcome;
    return `"${known.title}"${side ? ` (${side})` : ''}`;
  }

  private save(): void {
    const entries = [...this.cache].slice(-CACHE_LIMIT);
    try {
      writePrivateFile(this.file, JSON.stringify({ version: 1, titles: Object.fromEntries(entries) }));
    } catch {
      // An unwritable cache only costs a lookup next time.
    }
  }
}

function readCache(file: string): Record<string, MarketTitle> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: number; titles?: Record<string, MarketTitle> };
    if (parsed.version !== 1 || typeof parsed.titles !== 'object' || parsed.titles === null) return {};
    return Object.fromEntries(Object.entries(parsed.titles).filter(([, t]) => typeof t?.title === 'string'));
  } catch {
    return {};
  }
}

export function shortId(id: string | null): string {
  return id && id.length > 14 ? `${id.slice(0, 6)}…${id.slice(-4)}` : (id ?? '?');
}

/**
 * Polymarket: Gamma's market listing filtered by token ids, used for names only (VENUES.md 1.5b:
 * trading rules come from the CLOB; Gamma's offset listing is deprecated, so a failure here must cost
 * nothing but the title). `outcomes` and `clobTokenIds` are JSON-encoded strings, index-aligned.
 * https://docs.polymarket.com/developers/gamma-markets-api/get-markets
 */
export function gammaTitleLookup(gammaUrl: string, fetchFn: typeof fetch): TitleLookup {
  return async (ids, signal) => {
    const query = ids.map((id) => `clob_token_ids=${encodeURIComponent(id)}`).join('&');
    const response = await fetchFn(`${gammaUrl.replace(/\/+$/, '')}/markets?${query}`, { signal });
    if (!response.ok) return new Map();
    const body = (await response.json()) as unknown;
    const rows = Array.isArray(body) ? body : Array.isArray((body as { data?: unknown }).data) ? (body as { data: unknown[] }).data : [];
    const found = new Map<string, MarketTitle>();
    for (const row of rows as Array<{ question?: unknown; outcomes?: unknown; clobTokenIds?: unknown }>) {
      if (typeof row.question !== 'string') continue;
      const tokens = jsonList(row.clobTokenIds);
      const outcomes = jsonList(row.outcomes);
      tokens.forEach((token, index) => {
        if (ids.includes(token)) found.set(token, { title: row.question as string, ...(outcomes[index] ? { outcome: outcomes[index] } : {}) });
      });
    }
    return found;
  };
}

/**
 * Kalshi: `GET /markets/{ticker}` answers `{market: {title, ...}}` (VENUES.md section 3). A ticker
 * carries both outcomes, so the outcome comes from the order, not from here.
 * https://docs.kalshi.com/api-reference/market/get-market
 */
export function kalshiTitleLookup(apiUrl: string, fetchFn: typeof fetch): TitleLookup {
  return async (tickers, signal) => {
    const found = new Map<string, MarketTitle>();
    await Promise.all(
      tickers.map(async (ticker) => {
        const response = await fetchFn(`${apiUrl.replace(/\/+$/, '')}/markets/${encodeURIComponent(ticker)}`, { signal });
        if (!response.ok) return;
        const title = ((await response.json()) as { market?: { title?: unknown } }).market?.title;
        if (typeof title === 'string' && title !== '') found.set(ticker, { title });
      }),
    );
    return found;
  };
}

function jsonList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
