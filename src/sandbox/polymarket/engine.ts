/**
 * The matching engine: one price-time book per outcome token, takers fill against resting makers at the
 * makers' prices, with partial fills and GTC/GTD/FOK/FAK semantics. Balances are checked at fill time;
 * a maker that can no longer pay is cancelled, as the venue does.
 */
import { MICRO } from '../../core/money.js';
import type { TakerFee } from './fees.js';
import { fillValue, type Ledger } from './ledger.js';

export type BookSide = 'BUY' | 'SELL';
export type TimeInForce = 'GTC' | 'GTD' | 'FOK' | 'FAK';

export interface BookOrder {
  id: string;
  /** API key of the owner, or an internal label (market maker, whales). */
  owner: string;
  /** Funder address (maker of the signed order). */
  maker: string;
  tokenId: string;
  side: BookSide;
  /** Limit price as the rational `num / den` (USD per share); resting orders have den = 1e6. */
  limitNum: bigint;
  limitDen: bigint;
  /** Display / resting price in micro-units (exact for resting orders). */
  price: bigint;
  /** Shares wanted (BUY) or offered (SELL); for budget-driven market BUYs, the minimum shares signed. */
  originalSize: bigint;
  sizeMatched: bigint;
  /** BUY: USD the order may spend (its makerAmount); SELL: unused. */
  budget: bigint;
  spent: bigint;
  /** Market BUYs (FOK/FAK) spend their budget; everything else fills a share count. */
  budgetDriven: boolean;
  type: TimeInForce;
  /** Unix seconds, 0 = none (GTD only). */
  expiration: number;
  createdAt: number;
  status: 'LIVE' | 'MATCHED' | 'CANCELED' | 'UNMATCHED';
  tradeIds: string[];
  seq: number;
}

export interface Fill {
  maker: BookOrder;
  shares: bigint;
  usd: bigint;
  price: bigint;
  /** The taker's fee for this fill (fees.ts), set by the venue before the plan is applied. */
  fee?: TakerFee;
}

export interface MatchPlan {
  fills: Fill[];
  /** True when the taker got everything it asked for. */
  complete: boolean;
}

const remaining = (o: BookOrder) => o.originalSize - o.sizeMatched;

export class MatchingEngine {
  private readonly books = new Map<string, BookOrder[]>();
  private seq = 0;

  constructor(private readonly ledger: Ledger) {}

  nextSeq(): number {
    return ++this.seq;
  }

  /** Resting orders of a token, best first on each side. */
  levels(tokenId: string): { bids: BookOrder[]; asks: BookOrder[] } {
    const book = this.books.get(tokenId) ?? [];
    const bids = book.filter((o) => o.side === 'BUY').sort((a, b) => cmp(b.price, a.price) || a.seq - b.seq);
    const asks = book.filter((o) => o.side === 'SELL').sort((a, b) => cmp(a.price, b.price) || a.seq - b.seq);
    return { bids, asks };
  }

  resting(): BookOrder[] {
    return [...this.books.values()].flat();
  }

  rest(order: BookOrder): void {
    const book = this.books.get(order.tokenId) ?? [];
    book.push(order);
    this.books.set(order.tokenId, book);
  }

  remove(order: BookOrder): void {
    const book = this.books.get(order.tokenId);
    if (book) this.books.set(order.tokenId, book.filter((o) => o !== order));
  }

  /** Collateral (BUY) and shares (SELL) held back by an address's resting orders. */
  reservedCollateral(address: string): bigint {
    const a = address.toLowerCase();
    return this.resting()
      .filter((o) => o.side === 'BUY' && o.maker.toLowerCase() === a)
      .reduce((sum, o) => sum + buyReservation(o), 0n);
  }

  reservedShares(address: string, tokenId: string): bigint {
    const a = address.toLowerCase();
    return (this.books.get(tokenId) ?? [])
      .filter((o) => o.side === 'SELL' && o.maker.toLowerCase() === a)
      .reduce((sum, o) => sum + remaining(o), 0n);
  }

  /** Works out the taker's fills without changing anything (FOK needs the answer before acting). */
  plan(taker: BookOrder): MatchPlan {
    const { bids, asks } = this.levels(taker.tokenId);
    const makers = taker.side === 'BUY' ? asks : bids;
    const fills: Fill[] = [];
    const spentBy = new Map<string, bigint>(); // simulated collateral use per buyer address
    const soldBy = new Map<string, bigint>(); // simulated share use per seller address
    let takerShares = taker.budgetDriven ? -1n : remaining(taker);
    let takerBudget = taker.budget - taker.spent;
    for (const maker of makers) {
      if (!crosses(taker, maker.price)) break;
      const p = maker.price;
      let shares = remaining(maker);
      if (takerShares >= 0n && takerShares < shares) shares = takerShares;
      const buyer = taker.side === 'BUY' ? taker : maker;
      const seller = taker.side === 'BUY' ? maker : taker;
      const buyerBudget = buyer === taker ? takerBudget : maker.budget - maker.spent;
      shares = minB(shares, (buyerBudget * MICRO) / p);
      if (shares <= 0n) {
        if (buyer === taker) break;
        continue;
      }
      const usd = minB(fillValue(shares, p), buyerBudget);
      const takerOk = buyer === taker ? this.canPay(buyer, usd, spentBy) : this.canDeliver(seller, shares, soldBy);
      if (!takerOk) break;
      const makerOk = buyer === taker ? this.canDeliver(seller, shares, soldBy) : this.canPay(buyer, usd, spentBy);
      if (!makerOk) continue; // an unfunded maker is skipped here and cancelled when the plan is applied
      spentBy.set(buyer.maker.toLowerCase(), (spentBy.get(buyer.maker.toLowerCase()) ?? 0n) + usd);
      soldBy.set(sellerKey(seller), (soldBy.get(sellerKey(seller)) ?? 0n) + shares);
      fills.push({ maker, shares, usd, price: p });
      if (takerShares >= 0n) takerShares -= shares;
      if (taker.side === 'BUY') takerBudget -= usd;
      if (takerShares === 0n) break;
    }
    // A market BUY is complete when what is left of its budget buys at most dust (one micro-share).
    const complete = taker.budgetDriven
      ? fills.length > 0 && (takerBudget * MICRO) / lastPrice(fills) <= 1n
      : takerShares === 0n;
    return { fills, complete };
  }

  /** Makers the plan skipped for lack of funds: the venue cancels those. */
  unfundedMakers(taker: BookOrder, plan: MatchPlan): BookOrder[] {
    const used = new Set(plan.fills.map((f) => f.maker));
    const { bids, asks } = this.levels(taker.tokenId);
    return (taker.side === 'BUY' ? asks : bids).filter(
      (m) => !used.has(m) && crosses(taker, m.price) && !this.makerFunded(m),
    );
  }

  /** Applies a plan: moves money and shares (fees to `feeCollector`), updates both orders, removes filled makers. */
  apply(taker: BookOrder, plan: MatchPlan, feeCollector?: string): void {
    for (const fill of plan.fills) {
      const buyer = taker.side === 'BUY' ? taker : fill.maker;
      const seller = taker.side === 'BUY' ? fill.maker : taker;
      this.ledger.settle(buyer.maker, seller.maker, taker.tokenId, fill.shares, fill.usd, fill.fee, feeCollector);
      for (const o of [taker, fill.maker]) {
        o.sizeMatched += fill.shares;
        if (o.side === 'BUY') o.spent += fill.usd;
      }
      if (isDone(fill.maker)) {
        fill.maker.status = 'MATCHED';
        this.remove(fill.maker);
      }
    }
  }

  private makerFunded(m: BookOrder): boolean {
    return m.side === 'BUY'
      ? this.ledger.collateralOf(m.maker) >= minB(fillValue(1n, m.price), buyReservation(m))
      : this.ledger.sharesOf(m.maker, m.tokenId) > 0n;
  }

  private canPay(buyer: BookOrder, usd: bigint, spentBy: Map<string, bigint>): boolean {
    const used = spentBy.get(buyer.maker.toLowerCase()) ?? 0n;
    return this.ledger.collateralOf(buyer.maker) - used >= usd;
  }

  private canDeliver(seller: BookOrder, shares: bigint, soldBy: Map<string, bigint>): boolean {
    const used = soldBy.get(sellerKey(seller)) ?? 0n;
    return this.ledger.sharesOf(seller.maker, seller.tokenId) - used >= shares;
  }
}

/** What a resting BUY holds back: the cost of its remaining shares at its limit, capped by its unspent budget. */
export function buyReservation(o: BookOrder): bigint {
  return minB(o.budget - o.spent, fillValue(remaining(o), o.price));
}

export function isDone(o: BookOrder): boolean {
  if (o.side === 'BUY' && ((o.budget - o.spent) * MICRO) / o.price === 0n) return true;
  return !o.budgetDriven && remaining(o) <= 0n;
}

/** Does a maker at `price` satisfy the taker's limit? BUY: price <= limit; SELL: price >= limit. */
function crosses(taker: BookOrder, price: bigint): boolean {
  const lhs = price * taker.limitDen;
  const rhs = taker.limitNum * MICRO;
  return taker.side === 'BUY' ? lhs <= rhs : lhs >= rhs;
}

const sellerKey = (o: BookOrder) => `${o.maker.toLowerCase()}|${o.tokenId}`;
const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const lastPrice = (fills: Fill[]) => fills[fills.length - 1]!.price;
