/**
 * Balances and positions of every wallet the sandbox knows, in bigint micro-units (pUSD and outcome
 * shares both have 6 decimals). Keys are lower-cased addresses: the venue treats addresses case-insensitively.
 */
import { MICRO } from '../../core/money.js';

export interface PositionBook {
  /** Shares held, micro-units. */
  size: bigint;
  /** Cost basis of the shares held (USD micro-units), reduced pro rata on sells. */
  cost: bigint;
  totalBought: bigint;
  realizedPnl: bigint;
}

export class Ledger {
  private readonly collateral = new Map<string, bigint>();
  private readonly positions = new Map<string, PositionBook>();

  collateralOf(address: string): bigint {
    return this.collateral.get(address.toLowerCase()) ?? 0n;
  }

  setCollateral(address: string, amount: bigint): void {
    this.collateral.set(address.toLowerCase(), amount);
  }

  fund(address: string, amount: bigint): void {
    this.setCollateral(address, this.collateralOf(address) + amount);
  }

  sharesOf(address: string, tokenId: string): bigint {
    return this.positions.get(key(address, tokenId))?.size ?? 0n;
  }

  /** Sets shares outright (test seeding); the cost basis is left as is, or zero for a new position. */
  setShares(address: string, tokenId: string, shares: bigint): void {
    const p = this.position(address, tokenId);
    p.size = shares;
  }

  /**
   * Moves one fill's money and shares between buyer and seller and updates both cost bases. The taker's
   * fee (see fees.ts) is withheld from what it receives, shares for a buyer, pUSD for a seller, and paid
   * to `collector`.
   */
  settle(
    buyer: string,
    seller: string,
    tokenId: string,
    shares: bigint,
    usd: bigint,
    fee: { shares: bigint; usd: bigint } = { shares: 0n, usd: 0n },
    collector?: string,
  ): void {
    this.setCollateral(buyer, this.collateralOf(buyer) - usd);
    this.setCollateral(seller, this.collateralOf(seller) + usd - fee.usd);
    const bought = this.position(buyer, tokenId);
    bought.size += shares - fee.shares;
    bought.cost += usd;
    bought.totalBought += shares - fee.shares;
    const sold = this.position(seller, tokenId);
    const costOut = sold.size > 0n ? (sold.cost * shares) / sold.size : 0n;
    sold.size -= shares;
    sold.cost -= costOut;
    sold.realizedPnl += usd - fee.usd - costOut;
    if (collector && (fee.usd > 0n || fee.shares > 0n)) {
      this.fund(collector, fee.usd);
      this.position(collector, tokenId).size += fee.shares;
    }
  }

  /** Open positions (size > 0) of one wallet: tokenId -> book. */
  positionsOf(address: string): Array<[string, PositionBook]> {
    const prefix = `${address.toLowerCase()}|`;
    return [...this.positions.entries()]
      .filter(([k, p]) => k.startsWith(prefix) && p.size > 0n)
      .map(([k, p]) => [k.slice(prefix.length), p]);
  }

  private position(address: string, tokenId: string): PositionBook {
    const k = key(address, tokenId);
    let p = this.positions.get(k);
    if (!p) {
      p = { size: 0n, cost: 0n, totalBought: 0n, realizedPnl: 0n };
      this.positions.set(k, p);
    }
    return p;
  }
}

function key(address: string, tokenId: string): string {
  return `${address.toLowerCase()}|${tokenId}`;
}

/** ceil(shares * price) in micro-units: the USD a fill moves (buyer pays, seller receives, before fees). */
export function fillValue(shares: bigint, price: bigint): bigint {
  return (shares * price + MICRO - 1n) / MICRO;
}
