/**
 * Scripted whales: funded internal wallets that take liquidity on the sandbox markets every interval,
 * so the mirror has real fills to follow (in /activity, /positions, /value and the RTDS stream).
 */
import { BadInputError, InsufficientFundsError } from '../../core/errors.js';
import { MICRO, toMicros } from '../../core/money.js';
import { internalAddress, placeInternalOrder, type MarketMaker } from './liquidity.js';
import type { ActivityItem, WhaleTradeInput } from './types.js';
import type { Venue } from './venue.js';

const WHALE_FUNDS = 100_000n * MICRO;

/** Small deterministic PRNG (mulberry32): whale behaviour is repeatable for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Whales {
  readonly addresses: `0x${string}`[];
  private abort: AbortController | undefined;
  /** The last error a scripted trade threw (the loop keeps going). */
  lastError: unknown;
  private readonly random: () => number;

  constructor(
    private readonly venue: Venue,
    private readonly maker: MarketMaker | undefined,
    count: number,
    private readonly intervalMs: number,
    seed: number,
  ) {
    this.random = prng(seed);
    this.addresses = Array.from({ length: count }, (_, i) => internalAddress(`whale-${i + 1}`));
    this.addresses.forEach((a, i) => {
      venue.ledger.fund(a, WHALE_FUNDS);
      venue.names.set(a.toLowerCase(), `SandboxWhale${i + 1}`);
    });
  }

  /** One trade now, as a taker (FAK at a worst price); returns the wallet's own fills. */
  trade(input: WhaleTradeInput): ActivityItem[] {
    const found = this.venue.marketOfToken(input.tokenId);
    if (!found) throw new BadInputError(`unknown token id ${input.tokenId}`);
    const shares = toMicros(input.size);
    const price = toMicros(input.price);
    if (shares <= 0n || price <= 0n || price >= MICRO) throw new BadInputError('size must be > 0 and price in (0, 1)');
    const result = placeInternalOrder(this.venue, {
      wallet: input.wallet,
      owner: `internal:${input.wallet.toLowerCase()}`,
      tokenId: input.tokenId,
      side: input.side,
      shares,
      price,
      type: 'FAK',
    });
    if (!result) throw new InsufficientFundsError(`${input.wallet} cannot fund this ${input.side}`);
    return result.activity.filter((a) => a.proxyWallet === input.wallet.toLowerCase());
  }

  /** A random whale takes a random side of a random active market, sized 10-60 shares. */
  tick(): ActivityItem[] {
    const markets = this.venue.markets.filter((m) => m.active && !m.closed);
    if (markets.length === 0 || this.addresses.length === 0) return [];
    const wallet = this.addresses[Math.floor(this.random() * this.addresses.length)]!;
    const market = markets[Math.floor(this.random() * markets.length)]!;
    const token = market.tokens[this.random() < 0.5 ? 0 : 1];
    this.maker?.requote(market);
    const held = this.venue.availableShares(wallet, token.tokenId);
    const side = held >= 10n * MICRO && this.random() < 0.4 ? 'SELL' : 'BUY';
    let size = 10 + Math.floor(this.random() * 51);
    if (side === 'SELL') size = Math.min(size, Math.floor(Number(held / MICRO)));
    const q = this.venue.quote(token.tokenId);
    const tick = toMicros(market.tickSize);
    const best = side === 'BUY' ? q.ask : q.bid;
    if (best === undefined) return [];
    const limit = side === 'BUY' ? best + 2n * tick : best - 2n * tick;
    const price = limit < tick ? tick : limit > MICRO - tick ? MICRO - tick : limit;
    try {
      return this.trade({ wallet, tokenId: token.tokenId, side, size, price: Number(price) / 1e6 });
    } catch (error) {
      if (error instanceof InsufficientFundsError) return [];
      throw error;
    }
  }

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    const loop = async () => {
      while (!abort.signal.aborted) {
        try {
          await this.venue.clock.sleep(this.intervalMs, abort.signal);
        } catch {
          return;
        }
        if (abort.signal.aborted) return;
        try {
          this.tick();
        } catch (error) {
          // One failed scripted trade must not end a long-running sandbox; it is kept for inspection.
          this.lastError = error;
        }
      }
    };
    void loop();
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
  }
}
