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
    const client = this.client();
    delete client.tickSizes[tokenId];
    delete client.negRisk[tokenId];
    delete client.feeInfos[tokenId];
    return this.get(tokenId);
  }

  /** Caches metadata seen elsewhere (e.g. in a fetched order book) without a request. */
  remember(book: OrderBookSummary): void {
    if (this.entries.has(book.asset_id)) return;
    try {
      this.entries.set(book.asset_id, Promise.resolve(metaFromBook(book.asset_id, book)));
    } catch {
      // An incomplete book is simply not cached.
    }
  }

  private async load(tokenId: string): Promise<MarketMeta> {
    let book: OrderBookSummary;
    try {
      book = await this.client().getOrderBook(tokenId);
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
