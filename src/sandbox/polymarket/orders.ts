/**
 * POST /order: the venue's checks in the venue's order (payload, owner, market, signature, signer vs API
 * key, duplicate, expiration, tick, size, balance), then matching with FOK/FAK/GTC/GTD semantics.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order
 */
import { getAddress, isAddress, type Hex } from 'viem';
import { MICRO, formatMicros, toMicros } from '../../core/money.js';
import type { ApiKey } from './auth.js';
import type { BookOrder, TimeInForce } from './engine.js';
import { checkOrderSignature, exchangeDomain, orderHash, type SignedOrderStruct } from './signing.js';
import type { PlaceResult, Venue } from './venue.js';

/** A refusal: HTTP status and the venue's `{error}` text. */
export class OrderRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const ERR = {
  payload: 'Invalid order payload',
  owner: 'the order owner has to be the owner of the API KEY',
  signer: 'the order signer address has to be the address of the API KEY',
  signature: 'invalid signature',
  notReady: 'the market is not yet ready to process new orders',
  balance: 'not enough balance / allowance',
  expiration: 'invalid expiration',
  fok: "order couldn't be fully filled. FOK orders are fully filled or killed.",
  fak: 'no orders found to match with FAK order',
  postOnly: 'invalid post-only order: order crosses book',
  depositWalletFlow: 'maker address not allowed, please use the deposit wallet flow',
  tick: (hash: string, price: string, tick: string) =>
    `order ${hash} is invalid. Price (${price}) breaks minimum tick size rule: ${tick}`,
  size: (hash: string, size: string, min: string) => `order ${hash} is invalid. Size (${size}) lower than the minimum: ${min}`,
  marketableAmount: (side: string, usd: string) => `invalid amount for a marketable ${side} order ($${usd}), min size: $1`,
  duplicate: (hash: string) =>
    `order ${hash} is invalid. Duplicated. Same order has already been placed, can't be placed again`,
};

const TYPES: readonly TimeInForce[] = ['GTC', 'GTD', 'FOK', 'FAK'];
/** GTD orders must live at least this long: the venue keeps a one-minute security threshold. */
const GTD_MIN_LIFETIME_S = 60;

interface Wire {
  order: Record<string, unknown>;
  owner: string;
  orderType: TimeInForce;
  postOnly: boolean;
}

function parseWire(body: unknown): { wire: Wire; struct: SignedOrderStruct; signature: Hex; expiration: number } {
  const b = body as Partial<Wire> | null;
  const o = b?.order;
  if (!b || typeof b !== 'object' || !o || typeof o !== 'object') throw new OrderRefusal(400, ERR.payload);
  const orderType = (b.orderType ?? 'GTC') as TimeInForce;
  const uint = (v: unknown) => {
    const s = typeof v === 'number' ? BigInt(v) : typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : undefined;
    if (s === undefined) throw new OrderRefusal(400, ERR.payload);
    return s;
  };
  const addr = (v: unknown) => {
    if (typeof v !== 'string' || !isAddress(v, { strict: false })) throw new OrderRefusal(400, ERR.payload);
    return getAddress(v);
  };
  const b32 = (v: unknown) => {
    if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw new OrderRefusal(400, ERR.payload);
    return v as Hex;
  };
  if (!TYPES.includes(orderType) || (o.side !== 'BUY' && o.side !== 'SELL')) throw new OrderRefusal(400, ERR.payload);
  if (typeof o.signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(o.signature)) throw new OrderRefusal(400, ERR.payload);
  const struct: SignedOrderStruct = {
    salt: uint(o.salt),
    maker: addr(o.maker),
    signer: addr(o.signer),
    tokenId: uint(o.tokenId),
    makerAmount: uint(o.makerAmount),
    takerAmount: uint(o.takerAmount),
    side: o.side === 'BUY' ? 0 : 1,
    signatureType: Number(uint(o.signatureType)),
    timestamp: uint(o.timestamp),
    metadata: b32(o.metadata),
    builder: b32(o.builder),
  };
  if (struct.makerAmount === 0n || struct.takerAmount === 0n) throw new OrderRefusal(400, ERR.payload);
  const expiration = Number(uint(o.expiration ?? '0'));
  return {
    wire: { order: o, owner: String(b.owner ?? ''), orderType, postOnly: b.postOnly === true },
    struct,
    signature: o.signature as Hex,
    expiration,
  };
}

/** Validates, matches and records one order posted with `key`. Throws OrderRefusal. */
export async function placeOrder(venue: Venue, key: ApiKey, body: unknown): Promise<PlaceResult> {
  const { wire, struct, signature, expiration } = parseWire(body);
  if (wire.owner !== key.apiKey) throw new OrderRefusal(400, ERR.owner);
  const tokenId = struct.tokenId.toString();
  const found = venue.marketOfToken(tokenId);
  if (!found) throw new OrderRefusal(400, ERR.notReady);
  const { market } = found;
  if (!market.active || market.closed) throw new OrderRefusal(400, ERR.notReady);

  const domain = exchangeDomain(venue.chainId, venue.exchangeVersion, market.negRisk);
  const hash = orderHash(struct, domain);
  const check = await checkOrderSignature(struct, signature, domain, venue.depositWallets);
  if (!check.ok) throw new OrderRefusal(400, ERR.signature);
  if (check.signingEoa.toLowerCase() !== key.address.toLowerCase()) throw new OrderRefusal(400, ERR.signer);
  if (venue.depositWalletFlowOnly && struct.signatureType !== 3) throw new OrderRefusal(400, ERR.depositWalletFlow);
  if (venue.orders.has(hash)) throw new OrderRefusal(400, ERR.duplicate(hash));

  venue.expireOrders();
  const now = venue.nowSeconds();
  if (wire.orderType === 'GTD' && expiration < now + GTD_MIN_LIFETIME_S) throw new OrderRefusal(400, ERR.expiration);

  const side = struct.side === 0 ? 'BUY' : 'SELL';
  const [usd, shares] = side === 'BUY' ? [struct.makerAmount, struct.takerAmount] : [struct.takerAmount, struct.makerAmount];
  const tick = toMicros(market.tickSize);
  const resting = wire.orderType === 'GTC' || wire.orderType === 'GTD';
  const price = priceOnGrid(usd, shares, tick, resting);
  const rawPrice = formatDecimal(usd, shares);
  if (price === undefined || price < tick || price > MICRO - tick) {
    throw new OrderRefusal(400, ERR.tick(hash, rawPrice, market.tickSize));
  }
  if (resting && shares < BigInt(Math.round(market.minOrderSize * 1e6))) {
    throw new OrderRefusal(400, ERR.size(hash, formatMicros(shares), String(market.minOrderSize)));
  }
  // Marketable (FOK/FAK) orders need $1 of value on either side and no share minimum; limit orders
  // need min_order_size shares (nautilus_trader issue #3874, py-clob-client issue #301).
  if (!resting && usd < MICRO) throw new OrderRefusal(400, ERR.marketableAmount(side, formatMicros(usd)));

  const available = side === 'BUY' ? venue.availableCollateral(struct.maker) : venue.availableShares(struct.maker, tokenId);
  if (available < struct.makerAmount) throw new OrderRefusal(400, ERR.balance);

  const order: BookOrder = {
    id: hash,
    owner: key.apiKey,
    maker: struct.maker,
    tokenId,
    side,
    limitNum: usd,
    limitDen: shares,
    price,
    originalSize: shares,
    sizeMatched: 0n,
    budget: side === 'BUY' ? usd : 0n,
    spent: 0n,
    budgetDriven: side === 'BUY' && !resting,
    type: wire.orderType,
    expiration: wire.orderType === 'GTD' ? expiration : 0,
    createdAt: now,
    status: 'LIVE',
    tradeIds: [],
    seq: venue.engine.nextSeq(),
  };
  const plan = venue.engine.plan(order);
  if (wire.postOnly && plan.fills.length > 0) throw new OrderRefusal(400, ERR.postOnly);
  if (wire.orderType === 'FOK' && !plan.complete) throw new OrderRefusal(400, ERR.fok);
  if (wire.orderType === 'FAK' && plan.fills.length === 0) throw new OrderRefusal(400, ERR.fak);
  return venue.execute(order, plan);
}

/**
 * The order's price usd/shares in micro-units. Resting orders must sit exactly on the tick grid; market
 * orders (FOK/FAK) carry rounded amounts, so their implied price only has to be within a tenth of a tick
 * of a grid point (it is then the worst price accepted, not a book level).
 */
export function priceOnGrid(usd: bigint, shares: bigint, tick: bigint, exact: boolean): bigint | undefined {
  const scaled = usd * MICRO;
  if (exact) {
    if (scaled % shares !== 0n) return undefined;
    const p = scaled / shares;
    return p % tick === 0n ? p : undefined;
  }
  const p = scaled / shares;
  const nearest = ((p + tick / 2n) / tick) * tick;
  const diff = p > nearest ? p - nearest : nearest - p;
  return diff * 10n <= tick ? nearest : undefined;
}

/** usd / shares as a short decimal for error texts (the venue prints the float it computed). */
function formatDecimal(usd: bigint, shares: bigint): string {
  return String(Number((usd * 10n ** 12n) / shares) / 1e12);
}

/** The POST /order success body. makingAmount is what the taker gave, takingAmount what it got. */
export function orderResponse(result: PlaceResult): Record<string, unknown> {
  const { order, trades } = result;
  const shares = trades.reduce((s, t) => s + t.shares, 0n);
  const usd = trades.reduce((s, t) => s + t.usd, 0n);
  const [making, taking] = order.side === 'BUY' ? [usd, shares] : [shares, usd];
  const status = trades.length > 0 ? 'matched' : order.status === 'LIVE' ? 'live' : 'unmatched';
  return {
    success: true,
    errorMsg: '',
    orderID: order.id,
    status,
    takingAmount: trades.length > 0 ? formatMicros(taking) : '',
    makingAmount: trades.length > 0 ? formatMicros(making) : '',
    tradeIDs: trades.map((t) => t.id),
    transactionsHashes: trades.map((t) => t.transactionHash),
  };
}
