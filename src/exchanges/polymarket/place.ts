/**
 * One order, from cached market rules to the venue's answer: checked locally, built and signed with the
 * official client, posted, and mapped. Stale caches are repaired once on the venue's word: a refused
 * tick refetches the market (and re-signs when the price is still on the new grid), a refused signature
 * re-signs when the market's neg-risk flag (hence its exchange) changed, and a version mismatch refetches
 * /version and re-signs for the new exchange, like the client's _retryOnVersionUpdate.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order
 */
import { orderToJsonV2, type ClobClient, type OrderResponse, type SignedOrder, type Trade } from '@polymarket/clob-client-v2';
import { InvalidOrderError } from '../../core/errors.js';
import { divMicros, formatMicros } from '../../core/money.js';
import type { OrderParams, OrderResult } from '../../core/types.js';
import { venueError } from './errors.js';
import { chargesFees, takerFee, takerFillsOf, totalShares, type TakerFill } from './fees.js';
import type { MarketMeta, MarketMetaCache } from './market.js';
import {
  assertFillWithinSigned,
  buildSignedOrder,
  checkOrderAgainstMarket,
  clobOrderType,
  filledAmounts,
  isMarketRuleRefusal,
  isMinSizeRefusal,
  isMissRefusal,
  isSignatureRefusal,
  isTickRefusal,
  isVersionMismatch,
  orderHash,
  orderStatus,
  type OrderVersion,
} from './orders.js';
import type { PostOutcome } from './post.js';

export interface PlacementDeps {
  exchangeName: string;
  chainId: 137 | 80002;
  client: () => ClobClient;
  meta: MarketMetaCache;
  /** The exchange's order version; `refresh` asks the venue again. */
  version: (refresh: boolean) => Promise<OrderVersion>;
  /** The L2 API key (the order's owner); '' for dry runs without credentials. */
  apiKey: () => string;
  post: (signed: SignedOrder, orderId: string) => Promise<PostOutcome>;
  /** GET /data/trades?id= for each id: the fills of a match, at each maker's price. */
  trades: (ids: readonly string[]) => Promise<Trade[]>;
  debug: (message: string) => void;
}

export async function placeOrder(deps: PlacementDeps, params: OrderParams): Promise<OrderResult> {
  let meta = await checkedMeta(deps.meta, params);
  let version = await deps.version(false);
  let tickRefreshed = false;
  let versionRefreshed = false;
  let negRiskChecked = false;
  const base = { exchange: deps.exchangeName, market: params.market, side: params.side, type: params.type, size: params.size, price: params.price };

  for (;;) {
    const signed = await buildSignedOrder(deps.client(), params, meta, version);
    const orderId = orderHash(signed as never, { chainId: deps.chainId, version, negRisk: meta.negRisk });
    const request = orderToJsonV2(signed as never, deps.apiKey(), clobOrderType(params));
    if (params.dryRun) return { ...base, orderId, status: 'dry_run', filledSize: 0n, filledValue: 0n, request };

    params.onSigned?.(orderId);
    const outcome = await deps.post(signed, orderId);
    if (outcome.accepted) return resultOf(deps, params, { signed, meta }, outcome.response, { ...base, orderId, request });

    const { reason } = outcome.failure;
    if (isVersionMismatch(reason) && !versionRefreshed) {
      versionRefreshed = true;
      const previous = version;
      version = await deps.version(true);
      // Like _retryOnVersionUpdate: post again only when the venue now names another version.
      if (version !== previous) continue;
    }
    if (isTickRefusal(reason) && !tickRefreshed) {
      tickRefreshed = true;
      meta = await deps.meta.refresh(params.market);
      if (params.price % meta.tick !== 0n) {
        throw new InvalidOrderError(
          `INVALID_ORDER_MIN_TICK_SIZE: the market's tick size is now ${meta.tickSize}; price ${formatMicros(params.price)} is not on it`,
          { info: { tickSize: meta.tickSize, venue: outcome.failure } },
        );
      }
      checkOrderAgainstMarket(params, meta);
      continue;
    }
    if (isMissRefusal(params, reason)) {
      // Nothing executed and nothing rests: an outcome, not a failure (as core/types documents).
      return { ...base, orderId, status: 'cancelled', filledSize: 0n, filledValue: 0n, request, info: outcome.failure };
    }
    if (isSignatureRefusal(reason) && !negRiskChecked) {
      // Signed for the wrong exchange when the market's neg-risk flag changed since it was cached.
      negRiskChecked = true;
      const fresh = await deps.meta.refresh(params.market);
      if (fresh.negRisk !== meta.negRisk) {
        meta = fresh;
        checkOrderAgainstMarket(params, meta);
        continue;
      }
    }
    if (isMinSizeRefusal(reason)) void deps.meta.refresh(params.market).catch(() => undefined);
    throw venueError('order refused', outcome.failure);
  }
}

/** Cached rules first; when they refuse the order, the venue may have changed them: look once more. */
async function checkedMeta(cache: MarketMetaCache, params: OrderParams): Promise<MarketMeta> {
  const cached = cache.has(params.market);
  const meta = await cache.get(params.market);
  try {
    checkOrderAgainstMarket(params, meta);
    return meta;
  } catch (error) {
    if (!cached || !isMarketRuleRefusal(error)) throw error;
    const fresh = await cache.refresh(params.market);
    checkOrderAgainstMarket(params, fresh);
    return fresh;
  }
}

async function resultOf(
  deps: PlacementDeps,
  params: OrderParams,
  sent: { signed: SignedOrder; meta: MarketMeta },
  response: OrderResponse,
  base: Omit<OrderResult, 'status' | 'filledSize' | 'filledValue'>,
): Promise<OrderResult> {
  // filledValue is the USD that changed hands (makingAmount / takingAmount), not size x limit price.
  const filled = filledAmounts(params, response);
  const orderId = response.orderID || base.orderId;
  assertFillWithinSigned(params, sent.signed, filled, { orderId, answer: response });
  const result: OrderResult = { ...base, orderId, status: orderStatus(params, response, filled), ...filled, info: response };
  const schedule = { rate: sent.meta.feeRate, exponent: sent.meta.feeExponent };
  if (filled.filledSize > 0n && chargesFees(schedule)) {
    result.fee = takerFee(params.side, await placementFills(deps, params.market, orderId, response, filled), schedule);
  }
  return result;
}

/**
 * The fills an order just made as the taker, from its trade records (each maker's price), so its fee is
 * the venue's per-fill fee. If the records cannot be read or do not add up to the answer, the answer's
 * average price stands in for every fill: exact for a match at one price, and for another an upper
 * bound of a SELL's fee (p(1-p) is concave), while a BUY's share fee differs by rounding only (its
 * (1-p) is linear at exponent 1).
 */
async function placementFills(
  deps: PlacementDeps,
  tokenId: string,
  orderId: string,
  response: OrderResponse,
  filled: { filledSize: bigint; filledValue: bigint },
): Promise<TakerFill[]> {
  const average: TakerFill[] = [{ shares: filled.filledSize, price: divMicros(filled.filledValue, filled.filledSize) }];
  const ids = response.tradeIDs ?? [];
  if (ids.length === 0) return average;
  try {
    const fills = takerFillsOf(await deps.trades(ids), orderId, tokenId);
    if (totalShares(fills) === filled.filledSize) return fills;
    deps.debug(`polymarket: the trades of order ${orderId} do not add up to its answer; fee from the average price`);
  } catch (error) {
    deps.debug(`polymarket: trades of order ${orderId} unreadable (${String((error as Error).message)}); fee from the average price`);
  }
  return average;
}
