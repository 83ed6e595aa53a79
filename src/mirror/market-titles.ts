/**
 * Market names for people, from Gamma, cached per token. Gamma is used for names only (VENUES 1.5b:
 * trading rules come from the venue): a lookup runs in the background and is never awaited on the way
 * to an order, and a Gamma that fails (404, 500, a timeout, a malformed answer) leaves the name unknown
 * for a while, nothing more.
 *
 * Assumed request and answer, not checked against a published reference page: VENUES 1.5b names
 * /markets/keyset the documented listing; the Polymarket/agents issue #227 reproducer reads `markets`
 * and `next_cursor` from it (and reports the cursor ignored, 2026-04: harmless for a one-token lookup);
 * nautilus_trader's GetGammaMarketsParams for /markets/keyset carries `clob_token_ids`:
 *   GET {gamma}/markets/keyset?clob_token_ids=<token>&limit=1
 *   -> {"markets": [{"question": "...", "slug": "...", "conditionId": "0x...", ...}], "next_cursor"?: "..."}
 * The offset listing GET /markets answers with a sunset header and refuses deep offsets: not used.
 */
import type { Clock, Logger } from '../core/runtime.js';

/** Gamma usually answers in well under a second; a name is not worth holding a socket longer. */
const LOOKUP_TIMEOUT_MS = 3_000;
/** After a failed lookup the token is not asked about again for this long. */
const RETRY_AFTER_MS = 60_000;

interface KeysetMarket {
  question?: unknown;
  title?: unknown;
}

export class MarketTitles {
  private readonly titles = new Map<string, string>();
  private readonly pending = new Set<string>();
  private readonly failedAt = new Map<string, number>();

  constructor(
    /** Undefined: no Gamma configured, names only from fills and venues. */
    private readonly gammaUrl: string | undefined,
    private readonly fetchFn: typeof fetch,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The name if known now; otherwise starts a background lookup and answers undefined. Never waits. */
  titleOf(token: string): string | undefined {
    const known = this.titles.get(token);
    if (known !== undefined || !this.gammaUrl || this.pending.has(token)) return known;
    const failed = this.failedAt.get(token);
    if (failed !== undefined && this.clock.now() - failed < RETRY_AFTER_MS) return undefined;
    this.pending.add(token);
    void this.lookup(token).finally(() => this.pending.delete(token));
    return undefined;
  }

  /** The name if known now; never starts a lookup (the final summary, written as the mirror stops). */
  known(token: string): string | undefined {
    return this.titles.get(token);
  }

  /** A name the venue's own market data carries (Kalshi's title), kept unless a better one is known. */
  remember(token: string, title: string | undefined): void {
    if (title && !this.titles.has(token)) this.titles.set(token, title);
  }

  /** True when no lookup is running (tests). */
  get idle(): boolean {
    return this.pending.size === 0;
  }

  private async lookup(token: string): Promise<void> {
    try {
      const url = `${this.gammaUrl!.replace(/\/$/, '')}/markets/keyset?clob_token_ids=${encodeURIComponent(token)}&limit=1`;
      const response = await this.fetchFn(url, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`Gamma /markets/keyset answered ${response.status}`);
      const body = (await response.json()) as { markets?: KeysetMarket[] };
      const market = Array.isArray(body?.markets) ? body.markets[0] : undefined;
      const title = typeof market?.question === 'string' ? market.question : typeof market?.title === 'string' ? market.title : undefined;
      if (!title) throw new Error(`Gamma knows no market for token ${token}`);
      this.titles.set(token, title);
      this.failedAt.delete(token);
    } catch (error) {
      this.failedAt.set(token, this.clock.now());
      this.logger.debug(`market name of ${token}: ${(error as Error).message}`);
    }
  }
}
