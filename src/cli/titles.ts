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
 * Polymarket: Gamma, for names only, through its documented keyset listing filtered by token (the
 * request and answer src/mirror/market-titles.ts relies on, with their sources; VENUES.md 1.5b: the
 * offset listing GET /markets is deprecated). A market's `outcomes` and `clobTokenIds` are JSON-encoded
 * lists in the same order, which names the token's outcome.
 *   GET {gamma}/markets/keyset?clob_token_ids=<token>&limit=1 -> {"markets": [{question, outcomes, clobTokenIds, ...}]}
 */
export function gammaTitleLookup(gammaUrl: string, fetchFn: typeof fetch): TitleLookup {
  const base = gammaUrl.replace(/\/+$/, '');
  return async (ids, signal) => {
    const found = new Map<string, MarketTitle>();
    // One token's failure costs that token's title only.
    await Promise.allSettled(
      ids.map(async (id) => {
        const response = await fetchFn(`${base}/markets/keyset?clob_token_ids=${encodeURIComponent(id)}&limit=1`, { signal });
        if (!response.ok) return;
        const body = (await response.json()) as { markets?: unknown };
        const [market] = Array.isArray(body.markets) ? (body.markets as Array<{ question?: unknown; outcomes?: unknown; clobTokenIds?: unknown }>) : [];
        if (typeof market?.question !== 'string') return;
        const outcome = jsonList(market.outcomes)[jsonList(market.clobTokenIds).indexOf(id)];
        found.set(id, { title: market.question, ...(outcome ? { outcome } : {}) });
      }),
    );
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
    await Promise.allSettled(
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
