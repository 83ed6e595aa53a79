/**
 * Orders: the checks made before anything is sent, the translation of a unified order into the official
 * client's order builders, the order hash (the CLOB's order id), and the mapping of the venue's answer.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order
 */
import {
  getContractConfig,
  OrderType as ClobOrderType,
  Side as ClobSide,
  type ClobClient,
  type OrderResponse,
  type SignedOrder,
} from '@polymarket/clob-client-v2';
import { keccak256, toHex } from 'viem';
import { BadInputError, InvalidOrderError, OutcomeUnknownError } from '../../core/errors.js';
import { formatMicros, MICRO, mulMicros, toMicros, type Micros } from '../../core/money.js';
import type { OrderParams, OrderStatus } from '../../core/types.js';
import type { MarketMeta } from './market.js';

/** Shares are rounded down to 2 decimals by the builder: refuse more precision rather than trade less. */
const SIZE_STEP = 10_000n;
/**
 * The official client computes the signed amounts (size x price, rounded at 4-6 decimals, VENUES 1.4)
 * in floating point. Sampled over every tick size (a million random orders per bound), they matched the
 * exact micro-unit amounts up to 300,000 shares and drifted by a micro-unit from about 400,000: an
 * amount off the price the order names. 100,000 shares (at most $100,000 at stake) keeps a wide margin.
 */
export const MAX_SHARES: Micros = 100_000n * MICRO;
const CENT = 10_000n;
/**
 * Marketable (FOK/FAK) orders must be worth at least $1, BUY or SELL, and need no share minimum; limit
 * orders need the market's min_order_size shares. The venue's refusal reads "invalid amount for a
 * marketable BUY order ($0.84), min size: $1" (VENUES 1.4 Minimums; nautilus_trader issue #3874,
 * py-clob-client issue #301). So a small position can always be exited with a FAK sell worth $1.
 */
const MIN_MARKETABLE_NOTIONAL = MICRO;
/**
 * The CLOB refuses GTD orders expiring within its one-minute security threshold (Polymarket's order
 * docs: an order meant to live 90 s needs now + 1 min + 30 s). The docs name no maximum; a year is
 * longer than almost every market lives, and beyond it GTC says the same.
 */
const GTD_MIN_LEAD_SECONDS = 60;
const GTD_MAX_LEAD_SECONDS = 365 * 86_400;
/** An order id is the order's EIP-712 hash. */
const ORDER_ID = /^0x[0-9a-fA-F]{64}$/;

export type OrderVersion = 1 | 2 | 3;

/**
 * Checks that need no market data: run first, so a malformed order costs no request at all. A value out
 * of shape or bounds is a BadInputError (exit 2) naming the field and the fix; a price outside (0, 1)
 * stays InvalidOrderError, the CLOB's own price rule.
 */
export function checkOrderShape(params: OrderParams, nowMs: number): void {
  const bad = (message: string, hint: string): never => {
    throw new BadInputError(message, { hint });
  };
  if (!/^\d{1,78}$/.test(params.market)) {
    bad(`unknown token "${params.market}": a Polymarket token id is a decimal uint256`, 'give --token as the outcome token id (digits only)');
  }
  if (params.price <= 0n || params.price >= MICRO) {
    bad(`price ${formatMicros(params.price)} is outside (0, 1)`, 'a price is USD per share, between 0 and 1 (e.g. --price 0.56)');
  }
  if (params.size <= 0n) bad(`size ${formatMicros(params.size)} must be positive`, 'give --size as a number of shares, e.g. 10');
  if (params.size > MAX_SHARES) {
    bad(
      `size ${formatMicros(params.size)} shares is above the ${formatMicros(MAX_SHARES)} one Polymarket order may carry`,
      `lower --size to at most ${formatMicros(MAX_SHARES)} shares (split a bigger order)`,
    );
  }
  if (params.size % SIZE_STEP !== 0n) {
    bad(`size ${formatMicros(params.size)} has more than 2 decimals (Polymarket trades shares in 0.01 steps)`, 'round --size to 2 decimals');
  }
  if (params.type === 'GTD') checkExpiry(params.expiresAt, nowMs);
}

/** GTD `expiration`: whole unix seconds, more than the CLOB's minute ahead, at most a year ahead. */
function checkExpiry(expiresAt: number | undefined, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  const hint = 'give --expires as a duration between 2m and 365d (e.g. 2h, 7d), unix seconds or an ISO date; for no expiry use --type gtc';
  const refuse = (why: string): never => {
    throw new BadInputError(`GTD orders need an expiry ${why} (INVALID_ORDER_EXPIRATION)`, { hint });
  };
  if (expiresAt === undefined) refuse(`more than ${GTD_MIN_LEAD_SECONDS} s ahead; none was given`);
  const at = expiresAt as number;
  if (!Number.isInteger(at)) refuse(`in whole unix seconds; got ${String(at)}`);
  if (at <= now + GTD_MIN_LEAD_SECONDS) refuse(`more than ${GTD_MIN_LEAD_SECONDS} s ahead; ${at} is ${at - now} s from now`);
  if (at - now > GTD_MAX_LEAD_SECONDS) refuse(`at most 365 days ahead; this one is ${Math.floor((at - now) / 86_400)} days from now`);
}

/** Polymarket order ids (cancel, look-up) are checked before any request: 0x and 64 hex digits. */
export function assertOrderId(orderId: unknown): void {
  if (typeof orderId === 'string' && ORDER_ID.test(orderId)) return;
  const shown = typeof orderId === 'string' && orderId.length > 80 ? `${orderId.slice(0, 80)}...` : String(orderId);
  throw new BadInputError(`order id "${shown}" is not a Polymarket order id (0x followed by 64 hex digits, the order's hash)`, {
    hint: 'use the orderId an order command printed, or `betmirror cancel --exchange polymarket --all`',
  });
}

/** Checks against the market's rules (tick, price range, minimum size): the venue's own refusals, made locally. */
export function checkOrderAgainstMarket(params: OrderParams, meta: MarketMeta): void {
  if (!meta.acceptingOrders) throw new InvalidOrderError(`MARKET_NOT_READY: the market of token ${params.market} does not accept orders`);
  const tick = formatMicros(meta.tick);
  if (params.price % meta.tick !== 0n) {
    throw new InvalidOrderError(
      `INVALID_ORDER_MIN_TICK_SIZE: price ${formatMicros(params.price)} is not a multiple of the market's tick size ${tick}`,
      { info: { tickSize: tick, marketRule: 'tick' } },
    );
  }
  if (params.price < meta.tick || params.price > MICRO - meta.tick) {
    throw new InvalidOrderError(
      `price ${formatMicros(params.price)} is outside the market's range [${tick}, ${formatMicros(MICRO - meta.tick)}]`,
      { info: { tickSize: tick, marketRule: 'range' } },
    );
  }
  if (isMarketable(params)) {
    const notional = marketableNotional(params);
    if (notional < MIN_MARKETABLE_NOTIONAL) {
      const side = params.side.toUpperCase();
      throw new InvalidOrderError(
        `INVALID_ORDER_MIN_SIZE: a marketable ${side} order must be worth at least $1 (this one: $${formatMicros(notional)}); ` +
          `limit orders need ${formatMicros(meta.minOrderSize)} shares instead`,
        { info: { minNotional: '1', notional: formatMicros(notional) } },
      );
    }
  } else if (params.size < meta.minOrderSize) {
    throw new InvalidOrderError(
      `INVALID_ORDER_MIN_SIZE: size ${formatMicros(params.size)} is below the market's minimum of ${formatMicros(meta.minOrderSize)} shares`,
      { info: { minOrderSize: formatMicros(meta.minOrderSize), marketRule: 'minOrderSize' } },
    );
  }
}

/** A local refusal that rests on cached market rules (tick, range, minimum size), which the venue may have changed. */
export function isMarketRuleRefusal(error: unknown): boolean {
  return error instanceof InvalidOrderError && typeof (error.info as { marketRule?: unknown } | undefined)?.marketRule === 'string';
}

export function isMarketable(params: OrderParams): boolean {
  return params.type === 'FOK' || params.type === 'FAK';
}

/** USD a marketable BUY spends: size x cap, rounded down to the cent (the builder keeps 2 decimals). */
export function marketBuyAmount(params: OrderParams): Micros {
  const value = mulMicros(params.size, params.price);
  return value - (value % CENT);
}

/**
 * The value the venue measures against the $1 minimum: a BUY's signed USD amount; a SELL's signed
 * proceeds at the cap, size x price (exact: 2-decimal sizes times tick-grid prices fit in 6 decimals).
 */
export function marketableNotional(params: OrderParams): Micros {
  return params.side === 'buy' ? marketBuyAmount(params) : mulMicros(params.size, params.price);
}

const asNumber = (value: Micros) => Number(formatMicros(value));

/**
 * Builds and signs the order with the official client. Limit orders (GTC/GTD) go through createOrder;
 * FOK/FAK through createMarketOrder with the price as worst-price cap: a BUY spends at most size x cap
 * USD and receives at least that / cap shares; a SELL sells `size` shares for at least size x cap.
 */
export async function buildSignedOrder(
  client: ClobClient,
  params: OrderParams,
  meta: MarketMeta,
  version: OrderVersion,
): Promise<SignedOrder> {
  primeClientCaches(client, meta);
  const side = params.side === 'buy' ? ClobSide.BUY : ClobSide.SELL;
  const options = { tickSize: meta.tickSize, negRisk: meta.negRisk, version };
  if (isMarketable(params)) {
    return client.createMarketOrder(
      {
        tokenID: params.market,
        side,
        price: asNumber(params.price),
        amount: asNumber(params.side === 'buy' ? marketBuyAmount(params) : params.size),
        orderType: params.type === 'FOK' ? ClobOrderType.FOK : ClobOrderType.FAK,
      },
      options,
    );
  }
  return client.createOrder(
    {
      tokenID: params.market,
      side,
      price: asNumber(params.price),
      size: asNumber(params.size),
      ...(params.type === 'GTD' ? { expiration: params.expiresAt } : {}),
    },
    options,
  );
}

/**
 * The official client re-reads tick size (and, for market orders, fee info) through its own caches even
 * when they are passed in; filling those caches from ours keeps the hot path at zero extra requests.
 */
function primeClientCaches(client: ClobClient, meta: MarketMeta): void {
  client.tickSizes[meta.tokenId] = meta.tickSize;
  client.negRisk[meta.tokenId] = meta.negRisk;
  client.feeInfos[meta.tokenId] = { rate: meta.feeRate, exponent: meta.feeExponent };
}

export function clobOrderType(params: OrderParams): ClobOrderType {
  return ClobOrderType[params.type];
}

const ORDER_FIELDS = [
  { name: 'salt', type: 'uint256' },
  { name: 'maker', type: 'address' },
  { name: 'signer', type: 'address' },
  { name: 'tokenId', type: 'uint256' },
  { name: 'makerAmount', type: 'uint256' },
  { name: 'takerAmount', type: 'uint256' },
  { name: 'side', type: 'uint8' },
  { name: 'signatureType', type: 'uint8' },
  { name: 'timestamp', type: 'uint256' },
  { name: 'metadata', type: 'bytes32' },
  { name: 'builder', type: 'bytes32' },
] as const;

interface SignedOrderV2Fields {
  salt: string;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: string | number;
  signatureType: number;
  timestamp: string;
  metadata: string;
  builder: string;
}

/** The exchange contract a V2/V3 order is signed for (VENUES 1.4). */
export function exchangeFor(chainId: 137 | 80002, version: OrderVersion, negRisk: boolean): `0x${string}` {
  const contracts = getContractConfig(chainId);
  if (version === 3) return contracts.exchangeV3 as `0x${string}`;
  return (negRisk ? contracts.negRiskExchangeV2 : contracts.exchangeV2) as `0x${string}`;
}

/**
 * EIP-712 hash of a V2/V3 order: what the CLOB returns as orderID, computed locally before sending (the
 * restart's handle on it) and for dry runs. Spelled out for this one struct rather than through viem's
 * generic hashTypedData: the same bytes (test/exchanges/polymarket/order-hash.test.ts compares them),
 * 53 us instead of 213 us on every order's critical path (measured on the bench machine, README).
 * https://eips.ethereum.org/EIPS/eip-712
 */
export function orderHash(order: SignedOrderV2Fields, market: { chainId: 137 | 80002; version: OrderVersion; negRisk: boolean }): `0x${string}` {
  const struct = keccak256(
    `0x${ORDER_TYPE_HASH.slice(2)}${word(order.salt)}${word(order.maker)}${word(order.signer)}${word(order.tokenId)}${word(order.makerAmount)}${word(order.takerAmount)}${word(order.side === 'BUY' || order.side === 0 ? 0 : 1)}${word(order.signatureType)}${word(order.timestamp)}${order.metadata.slice(2).padEnd(64, '0')}${order.builder.slice(2).padEnd(64, '0')}`,
  );
  return keccak256(`0x1901${orderDomain(market).slice(2)}${struct.slice(2)}`);
}

const word = (value: bigint | string | number) => BigInt(value).toString(16).padStart(64, '0');
const ORDER_TYPE_HASH = keccak256(toHex(`Order(${ORDER_FIELDS.map((f) => `${f.type} ${f.name}`).join(',')})`));
const DOMAIN_TYPE_HASH = keccak256(toHex('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'));
const domains = new Map<string, `0x${string}`>();

/** The order's EIP-712 domain separator, one per exchange contract. */
function orderDomain(market: { chainId: 137 | 80002; version: OrderVersion; negRisk: boolean }): `0x${string}` {
  const id = `${market.chainId}/${market.version}/${market.negRisk}`;
  let separator = domains.get(id);
  if (!separator) {
    const name = keccak256(toHex('Polymarket CTF Exchange')).slice(2);
    const version = keccak256(toHex(String(market.version))).slice(2);
    const contract = word(exchangeFor(market.chainId, market.version, market.negRisk));
    separator = keccak256(`${DOMAIN_TYPE_HASH}${name}${version}${word(market.chainId)}${contract}`);
    domains.set(id, separator);
  }
  return separator;
}

/** Decimal strings of the venue ("5.6", "10") to micro-units; tolerates more than 6 decimals by truncating. */
export function venueMicros(value: unknown): Micros {
  if (value === undefined || value === null || value === '') return 0n;
  const text = String(value).trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return 0n;
  return toMicros(`${match[1]}.${(match[2] ?? '0').slice(0, 6)}`);
}

/** Executed shares and USD from the POST /order answer (BUY: taking = shares; SELL: making = shares). */
export function filledAmounts(params: OrderParams, response: OrderResponse): { filledSize: Micros; filledValue: Micros } {
  const making = venueMicros(response.makingAmount);
  const taking = venueMicros(response.takingAmount);
  return params.side === 'buy' ? { filledSize: taking, filledValue: making } : { filledSize: making, filledValue: taking };
}

/**
 * A venue answer reporting more than the signed order allows (a BUY spending more than its makerAmount,
 * a limit BUY receiving more than its takerAmount, a SELL selling more than its makerAmount) is not
 * passed on as a fill: what happened is unknown, so the caller must look at the order and the balances.
 * Reported in production: a FAK limit BUY of 5 "filled at 5.051019" (py-clob-client-v2 issue #89).
 * A marketable BUY may receive more shares than `size` (it spends USD at better prices): not bounded.
 */
export function assertFillWithinSigned(
  params: OrderParams,
  signed: { makerAmount: string; takerAmount: string },
  filled: { filledSize: Micros; filledValue: Micros },
  raw: { orderId: string; answer: unknown },
): void {
  const maker = BigInt(signed.makerAmount);
  const taker = BigInt(signed.takerAmount);
  let excess: string | undefined;
  if (params.side === 'buy' && filled.filledValue > maker) {
    excess = `$${formatMicros(filled.filledValue)} spent where at most $${formatMicros(maker)} was signed`;
  } else if (params.side === 'buy' && !isMarketable(params) && filled.filledSize > taker) {
    excess = `${formatMicros(filled.filledSize)} shares bought where ${formatMicros(taker)} were signed`;
  } else if (params.side === 'sell' && filled.filledSize > maker) {
    excess = `${formatMicros(filled.filledSize)} shares sold where ${formatMicros(maker)} were signed`;
  }
  if (excess === undefined) return;
  throw new OutcomeUnknownError(`placing a Polymarket order: the CLOB reports more than the order allows (${excess})`, {
    hint: `look up order ${raw.orderId} and the funder's pUSD and share balances before trading this market again`,
    info: { orderId: raw.orderId, signed: { makerAmount: signed.makerAmount, takerAmount: signed.takerAmount }, answer: raw.answer },
  });
}

/**
 * Whether the whole requested amount executed. A marketable BUY is sized in USD (size x cap, rounded
 * down to the cent) and may receive more shares than `size` at better prices, so it is complete when
 * that USD was spent, give or take the cent the builder's rounding can cost; a FOK is complete by
 * definition once matched. Everything else is complete when `size` shares executed.
 */
function isComplete(params: OrderParams, filled: { filledSize: Micros; filledValue: Micros }): boolean {
  if (filled.filledSize <= 0n) return false;
  if (params.type === 'FOK') return true;
  if (isMarketable(params) && params.side === 'buy') return filled.filledValue >= marketBuyAmount(params) - CENT;
  return filled.filledSize >= params.size;
}

export function orderStatus(params: OrderParams, response: OrderResponse, filled: { filledSize: Micros; filledValue: Micros }): OrderStatus {
  const status = String(response.status ?? '').toLowerCase();
  switch (status) {
    case 'matched':
      return isComplete(params, filled) ? 'filled' : 'partially_filled';
    case 'live':
      return filled.filledSize > 0n ? 'partially_filled' : 'open';
    case 'delayed':
      return 'pending';
    case 'unmatched':
      return isMarketable(params) ? (filled.filledSize > 0n ? 'partially_filled' : 'cancelled') : 'open';
    default:
      return 'pending';
  }
}

/** The venue's answer when a FOK could not fill entirely or a FAK found nothing to match: nothing executed. */
export function isMissRefusal(params: OrderParams, reason: string): boolean {
  if (params.type === 'FOK') return /FOK_ORDER_NOT_FILLED_ERROR|fully filled or killed/i.test(reason);
  if (params.type === 'FAK') return /no orders found to match|FAK_ORDER_NOT_FILLED/i.test(reason);
  return false;
}

/** The venue refused the price for the market's tick size: our cached tick is stale. */
export function isTickRefusal(reason: string): boolean {
  return /INVALID_ORDER_MIN_TICK_SIZE|minimum tick size/i.test(reason);
}

/** The venue refused the size for the market's minimum: our cached minimum is stale. */
export function isMinSizeRefusal(reason: string): boolean {
  return /INVALID_ORDER_MIN_SIZE|lower than the minimum/i.test(reason);
}

/** The venue could not verify the signature: possibly signed for the other (neg-risk or not) exchange. */
export function isSignatureRefusal(reason: string): boolean {
  return /invalid signature/i.test(reason);
}

/** The exchange moved to another order version (ORDER_VERSION_MISMATCH_ERROR of the official client). */
export function isVersionMismatch(reason: string): boolean {
  return reason.includes('order_version_mismatch');
}
