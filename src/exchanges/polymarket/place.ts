/**
 * One order, from cached market rules to the venue's answer: checked locally, built and signed with the
 * official client, posted, and mapped. Stale caches are repaired once on the venue's word: a refused
 * tick refetches the market (and re-signs when the price is still on the new grid), a refused signature
 * re-signs when the market's neg-risk flag (hence its exchange) changed, and a version mismatch refetches
 * /version and re-signs for the new exchange, like the client's _retryOnVersionUpdate.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order
 */
import { orderToJsonV2, type ClobClient, type OrderResponse, type SignedOrder } from '@polymarket/clob-client-v2';
import { InvalidOrderError } from '../../core/errors.js';
import { formatMicros } from '../../core/money.js';
import type { OrderParams, OrderResult } from '../../core/types.js';
import { venueError } from './errors.js';
import type { MarketMeta, MarketMetaCache } from './market-meta.js';
import {
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
    if (outcome.accepted) return resultOf(params, outcome.response, { ...base, orderId, request });

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

function resultOf(
  params: OrderParams,
  response: OrderResponse,
  base: Omit<OrderResult, 'status' | 'filledSize' | 'filledValue'>,
): OrderResult {
  // filledValue is the USD that changed hands (makingAmount / takingAmount), not size x limit price.
  const filled = filledAmounts(params, response);
  return {
    ...base,
    orderId: response.orderID || base.orderId,
    status: orderStatus(params, response, filled),
    ...filled,
    info: response,
  };
}
