/**
 * Internal wallets that need no signatures: the market maker that rests a ladder of bids and asks on
 * every active market, and the orders whales send. Both go through the same engine as signed orders,
 * so whales' trades hit the maker's liquidity and produce real fills (and our own orders fill likewise).
 */
import { keccak256, toHex, getAddress } from 'viem';
import { MICRO, toMicros } from '../../core/money.js';
import { fillValue } from './ledger.js';
import type { BookOrder, TimeInForce } from './engine.js';
import { MARKET_MAKER_OWNER, type PlaceResult, type Venue } from './venue.js';
import type { SandboxMarket } from './types.js';

/** A stable address for an internal wallet label. */
export function internalAddress(label: string): `0x${string}` {
  return getAddress(`0x${keccak256(toHex(`betmirror-sandbox-wallet:${label}`)).slice(-40)}`);
}

export const MARKET_MAKER = internalAddress('market-maker');
const LEVELS = 5;
const BASE_SIZE = 100n * MICRO;

export interface InternalOrderInput {
  wallet: string;
  owner: string;
  tokenId: string;
  side: 'BUY' | 'SELL';
  shares: bigint;
  price: bigint;
  type: TimeInForce;
}

/** Places an order for an internal wallet (no signature, no API key) after the same balance check. */
export function placeInternalOrder(venue: Venue, input: InternalOrderInput): PlaceResult | undefined {
  const budget = input.side === 'BUY' ? fillValue(input.shares, input.price) : 0n;
  const available =
    input.side === 'BUY' ? venue.availableCollateral(input.wallet) : venue.availableShares(input.wallet, input.tokenId);
  if (available < (input.side === 'BUY' ? budget : input.shares)) return undefined;
  const order: BookOrder = {
    id: venue.newHash('internal-order'),
    owner: input.owner,
    maker: input.wallet,
    tokenId: input.tokenId,
    side: input.side,
    limitNum: input.price,
    limitDen: MICRO,
    price: input.price,
    originalSize: input.shares,
    sizeMatched: 0n,
    budget,
    spent: 0n,
    budgetDriven: false,
    type: input.type,
    expiration: 0,
    createdAt: venue.nowSeconds(),
    status: 'LIVE',
    tradeIds: [],
    seq: venue.engine.nextSeq(),
  };
  const plan = venue.engine.plan(order);
  if (input.type === 'FAK' && plan.fills.length === 0) return { order, trades: [], activity: [] };
  return venue.execute(order, plan);
}

/** Where the maker centres a market's YES book before any trade: a stable value in 0.30..0.70. */
function initialCenter(market: SandboxMarket): bigint {
  const h = parseInt(market.conditionId.slice(2, 6), 16);
  return 300_000n + BigInt(h % 41) * 10_000n;
}

export class MarketMaker {
  private readonly centers = new Map<string, bigint>();

  constructor(private readonly venue: Venue) {}

  /** Gives the maker deep pockets and quotes every active market. */
  start(): void {
    this.venue.ledger.fund(MARKET_MAKER, 10_000_000n * MICRO);
    for (const market of this.venue.markets) {
      if (!market.active || market.closed) continue;
      for (const t of market.tokens) this.venue.ledger.setShares(MARKET_MAKER, t.tokenId, 1_000_000n * MICRO);
      this.requote(market);
    }
  }

  /** Re-centres a market's ladders on its latest trade, in YES terms (what drifts prices over time). */
  requote(market: SandboxMarket): void {
    const [yes, no] = market.tokens;
    const tick = toMicros(market.tickSize);
    let center = this.centers.get(market.conditionId) ?? initialCenter(market);
    const last = findLast(this.venue.trades, (t) => t.market === market);
    if (last) {
      const price = last.makers[last.makers.length - 1]!.price;
      center = last.tokenId === yes.tokenId ? price : MICRO - price;
    }
    const step = tick < 10_000n ? tick * 5n : tick;
    center = clamp((center / step) * step, step * 6n, MICRO - step * 6n);
    this.centers.set(market.conditionId, center);
    this.quoteToken(yes.tokenId, center, step);
    this.quoteToken(no.tokenId, MICRO - center, step);
  }

  private quoteToken(tokenId: string, center: bigint, step: bigint): void {
    for (const o of this.venue.engine.resting()) {
      if (o.tokenId === tokenId && o.owner === MARKET_MAKER_OWNER) this.venue.cancel(o);
    }
    for (let k = 1n; k <= BigInt(LEVELS); k++) {
      const size = BASE_SIZE + (k - 1n) * 50n * MICRO;
      for (const [side, price] of [['BUY', center - k * step], ['SELL', center + k * step]] as const) {
        placeInternalOrder(this.venue, {
          wallet: MARKET_MAKER, owner: MARKET_MAKER_OWNER, tokenId, side, shares: size, price, type: 'GTC',
        });
      }
    }
  }
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}

function clamp(v: bigint, lo: bigint, hi: bigint): bigint {
  return v < lo ? lo : v > hi ? hi : v;
}
