/**
 * Per-token market metadata (tick size, neg-risk, minimum size, fee) loaded once and cached, so the hot
 * path of an order costs one POST and nothing else. Loading also primes the official client's own caches
 * (getClobMarketInfo fills its tick-size / neg-risk / fee maps), so it does not refetch them either.
 * The venue changes tick sizes (near 0 and 1) and minimums: `refresh` drops an entry when an order
 * refusal shows it is stale.
 * https://docs.polymarket.com/developers/CLOB/prices-books/get-book
 */
import type { ClobClient, OrderBookSummary, TickSize } from '@polymarket/clob-client-v2';
import { InvalidOrderError } from '../../core/errors.js';
import { toMicros, type Micros } from '../../core/money.js';
import type { Logger } from '../../core/runtime.js';
import { failureOf, toBetmirrorError } from './errors.js';
import type { FeeSchedule } from './fees.js';

export const TICK_SIZES: readonly TickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];

export interface MarketMeta {
  tokenId: string;
  conditionId: string;
  tickSize: TickSize;
  tick: Micros;
  minOrderSize: Micros;
  negRisk: boolean;
  /** Taker fee parameters from /clob-markets (fd.r, fd.e); 0 when the venue reports none. */
  feeRate: number;
  feeExponent: number;
  /** False when the venue says the market no longer takes orders (closed / paused). */
  acceptingOrders: boolean;
}

export class MarketMetaCache {
  private readonly entries = new Map<string, Promise<MarketMeta>>();
  /** Books seen elsewhere: they save the /book request of a later load, not its /clob-markets one. */
  private readonly books = new Map<string, OrderBookSummary>();

  constructor(
    /** A getter: the adapter rebuilds its client when credentials change. */
    private readonly client: () => ClobClient,
    private readonly logger: Logger,
  ) {}

  get(tokenId: string): Promise<MarketMeta> {
    let entry = this.entries.get(tokenId);
    if (!entry) {
      entry = this.load(tokenId);
      // A failed load is not cached: the next call retries.
      entry.catch(() => this.entries.delete(tokenId));
      this.entries.set(tokenId, entry);
    }
    return entry;
  }

  has(tokenId: string): boolean {
    return this.entries.has(tokenId);
  }

  /** Forgets the token (ours and the official client's caches) and loads it again. */
  refresh(tokenId: string): Promise<MarketMeta> {
    this.entries.delete(tokenId);
    this.books.delete(tokenId);
    const client = this.client();
    delete client.tickSizes[tokenId];
    delete client.negRisk[tokenId];
    delete client.feeInfos[tokenId];
    return this.get(tokenId);
  }

  /**
   * Keeps a book seen elsewhere (e.g. a price read) for the token's first load. Not a whole entry: the
   * fee schedule and the neg-risk flag of record come from /clob-markets, which a book does not carry.
   */
  remember(book: OrderBookSummary): void {
    if (!this.entries.has(book.asset_id)) this.books.set(book.asset_id, book);
  }

  /**
   * The market's taker fee schedule: from the cached entry, else from /clob-markets of the order's
   * market (which also serves markets that no longer trade). https://docs.polymarket.com/trading/fees
   */
  async feeSchedule(tokenId: string, conditionId: string): Promise<FeeSchedule> {
    const cached = this.entries.has(tokenId) ? await this.get(tokenId).catch(() => undefined) : undefined;
    if (cached) return { rate: cached.feeRate, exponent: cached.feeExponent };
    const details = await this.client().getClobMarketInfo(conditionId);
    return { rate: details.fd?.r ?? 0, exponent: details.fd?.e ?? 0 };
  }

  private async load(tokenId: string): Promise<MarketMeta> {
    let book: OrderBookSummary;
    const seen = this.books.get(tokenId);
    this.books.delete(tokenId);
    try {
      book = seen ?? (await this.client().getOrderBook(tokenId));
    } catch (error) {
      const failure = failureOf(error);
      if (failure && (failure.status === 404 || failure.status === 400)) {
        throw new InvalidOrderError(`token ${tokenId} has no order book (unknown token or closed market): ${failure.reason}`, {
          info: failure,
        });
      }
      throw toBetmirrorError(`loading market of token ${tokenId}`, error);
    }
    const meta = metaFromBook(tokenId, book);
    try {
      const details = await this.client().getClobMarketInfo(meta.conditionId);
      meta.feeRate = details.fd?.r ?? 0;
      meta.feeExponent = details.fd?.e ?? 0;
      if (details.nr !== undefined) meta.negRisk = details.nr;
      if (details.ao === false) meta.acceptingOrders = false;
    } catch (error) {
      this.logger.debug(`polymarket: no /clob-markets details for ${meta.conditionId}: ${String((error as Error).message)}`);
    }
    return meta;
  }
}

function metaFromBook(tokenId: string, book: OrderBookSummary): MarketMeta {
  const tickSize = String(book.tick_size) as TickSize;
  if (!TICK_SIZES.includes(tickSize)) {
    throw new InvalidOrderError(`token ${tokenId}: the venue reports an unsupported tick size "${book.tick_size}"`, { info: book });
  }
  return {
    tokenId,
    conditionId: book.market,
    tickSize,
    tick: toMicros(tickSize),
    minOrderSize: book.min_order_size ? toMicros(String(book.min_order_size)) : 0n,
    negRisk: Boolean(book.neg_risk),
    feeRate: 0,
    feeExponent: 0,
    acceptingOrders: true,
  };
}
