/**
 * The scripted wallets behind the sandbox's long histories (history.ts serves them): four wallets of
 * known character (a steady winner, one lucky market, a loser, one whose edge is gone 10 s later) on
 * markets that opened and resolved in the past. Everything is a function of the anchor (the start of
 * the UTC day the sandbox started on), so a test with a fixed clock can assert exact figures.
 */
import { MICRO, toMicros, type Micros } from '../../core/money.js';

export const DAY = 86_400;
const HOUR = 3_600;

function address(prefix: string, n: number): string {
  return `0x${prefix.padEnd(39, '0')}${n}`;
}

/** The scripted wallets; addresses are fixed, their histories move with the anchor. */
export const HISTORY_WALLETS = {
  /** Wins 9 of 12 resolved markets bought around 0.39; the price drifts up a tick at a time, minutes after its trades. */
  steady: address('57ead1e', 1),
  /** Loses 5 small bets and wins one 2,000-share long shot: all its profit is one market. */
  lucky: address('1dc4', 2),
  /** Buys favourites at 0.70 and wins 4 of 10: loses money. */
  loser: address('105e', 3),
  /** Wins 7 of 10 bought at 0.50, but each price jumps to 0.70 five seconds after its trade. */
  fast: address('fa57', 4),
} as const;

export const NAMES: Record<string, string> = {
  [HISTORY_WALLETS.steady]: 'SteadyWinner',
  [HISTORY_WALLETS.lucky]: 'OneLuckyShot',
  [HISTORY_WALLETS.loser]: 'FavouriteBuyer',
  [HISTORY_WALLETS.fast]: 'FastMover',
};

/** Taker fee schedule of every history market (VENUES 1.5b: fee = C x rate x p x (1-p)). */
export const HISTORY_FEE_RATE = 0.02;

export interface HistoryMarket {
  conditionId: string;
  question: string;
  slug: string;
  /** [YES, NO] token ids. */
  tokens: [string, string];
  openedAt: number;
  /** Seconds; undefined while open. */
  resolvedAt?: number;
  /** Index of the winning outcome. */
  winner?: 0 | 1;
  /**
   * Resolved, but the holder never redeemed: the position stays in /positions (redeemable, priced at
   * its payout) and never reaches /closed-positions, as worthless losers do on the venue.
   */
  unredeemed?: boolean;
  /** YES price changes (seconds, price); NO is 1 - YES. */
  path: Array<[number, Micros]>;
}

export interface HistoryTrade {
  wallet: string;
  market: HistoryMarket;
  outcomeIndex: 0 | 1;
  side: 'BUY' | 'SELL';
  size: Micros;
  price: Micros;
  timestamp: number;
  maker: boolean;
  txHash: string;
}

export interface History {
  markets: HistoryMarket[];
  trades: HistoryTrade[];
}

const p = (text: string) => toMicros(text);
/** Prices move on a 0.01 grid; a taker pays a tick above the last price (mid) it crossed. */
const TICK = p('0.01');

/** The scripted history for an anchor (seconds, start of a UTC day). */
export function scriptedHistory(anchor: number): History {
  const markets: HistoryMarket[] = [];
  const trades: HistoryTrade[] = [];
  const market = (label: string, openedAt: number, path: Array<[number, Micros]>, resolvedAt?: number, winner?: 0 | 1, unredeemed = false): HistoryMarket => {
    const n = markets.length + 1;
    const m: HistoryMarket = {
      conditionId: `0x${'b1'.padEnd(62, '0')}${n.toString(16).padStart(2, '0')}`,
      question: `History market ${label}?`,
      slug: `history-${label.toLowerCase()}`,
      tokens: [`77${String(2 * n).padStart(4, '0')}`, `77${String(2 * n + 1).padStart(4, '0')}`],
      openedAt,
      resolvedAt,
      winner,
      ...(unredeemed ? { unredeemed } : {}),
      path,
    };
    markets.push(m);
    return m;
  };
  const trade = (wallet: string, m: HistoryMarket, side: 'BUY' | 'SELL', size: string, price: Micros, timestamp: number, maker = false) => {
    const txHash = `0x${(trades.length + 1).toString(16).padStart(64, 'e')}`;
    trades.push({ wallet, market: m, outcomeIndex: 0, side, size: p(size), price, timestamp, maker, txHash });
  };
  const settle = (win: boolean) => (win ? MICRO : 0n);

  // Steady winner: 12 resolved markets every 4 days from day -60, 200 YES each; loses k = 2, 6, 9.
  const steadyPrices = ['0.35', '0.40', '0.42', '0.38', '0.33', '0.45', '0.40', '0.36', '0.44', '0.39', '0.37', '0.41'];
  steadyPrices.forEach((text, k) => {
    const at = anchor - (60 - 4 * k) * DAY + 14 * HOUR;
    const entry = p(text);
    const win = ![2, 6, 9].includes(k);
    const resolvedAt = at + 3 * DAY;
    const m = market(`S${k + 1}`, at - DAY, [[at - HOUR, entry - TICK], [at + 600, entry + 2n * TICK], [resolvedAt - 60, win ? p('0.97') : p('0.03')], [resolvedAt, settle(win)]], resolvedAt, win ? 0 : 1);
    trade(HISTORY_WALLETS.steady, m, 'BUY', '200', entry, at, k % 3 === 1);
    if (k === 0) trade(HISTORY_WALLETS.steady, m, 'SELL', '100', entry + TICK, at + DAY, true);
    if (k === 4) trade(HISTORY_WALLETS.steady, m, 'BUY', '100', entry + 3n * TICK, at + HOUR);
  });
  const openAt = anchor - 2 * DAY + 10 * HOUR;
  const open = market('S13', openAt - DAY, [[openAt - HOUR, p('0.59')], [openAt + 600, p('0.66')]]);
  trade(HISTORY_WALLETS.steady, open, 'BUY', '150', p('0.60'), openAt);

  // Lucky: five 60-share bets at 0.50 that lose, one 2,000-share bet at 0.05 that wins (L4).
  for (let k = 0; k < 6; k++) {
    const at = anchor - (40 - 5 * k) * DAY + 9 * HOUR;
    const big = k === 3;
    const entry = big ? p('0.05') : p('0.50');
    const resolvedAt = at + 2 * DAY;
    const m = market(`L${k + 1}`, at - DAY, [[at - HOUR, entry - TICK], [resolvedAt, settle(big)]], resolvedAt, big ? 0 : 1);
    trade(HISTORY_WALLETS.lucky, m, 'BUY', big ? '2000' : '60', entry, at);
  }

  // Loser: 100 YES at 0.70 in 10 markets; wins k = 0, 3, 5, 8; never redeems the losers k = 1, 2.
  for (let k = 0; k < 10; k++) {
    const at = anchor - (50 - 4 * k) * DAY + 16 * HOUR;
    const win = [0, 3, 5, 8].includes(k);
    const resolvedAt = at + 2 * DAY;
    const m = market(`X${k + 1}`, at - DAY, [[at - HOUR, p('0.69')], [at + 300, p('0.68')], [resolvedAt, settle(win)]], resolvedAt, win ? 0 : 1, k === 1 || k === 2);
    trade(HISTORY_WALLETS.loser, m, 'BUY', '100', p('0.70'), at);
  }

  // Fast: 100 YES at 0.50, the price is 0.70 five seconds later; loses k = 1, 4, 7.
  for (let k = 0; k < 10; k++) {
    const at = anchor - (30 - 2 * k) * DAY + 11 * HOUR;
    const win = ![1, 4, 7].includes(k);
    const resolvedAt = at + DAY;
    const m = market(`F${k + 1}`, at - DAY, [[at - HOUR, p('0.49')], [at + 5, p('0.70')], [resolvedAt, settle(win)]], resolvedAt, win ? 0 : 1);
    trade(HISTORY_WALLETS.fast, m, 'BUY', '100', p('0.50'), at);
  }
  trades.sort((a, b) => a.timestamp - b.timestamp);
  return { markets, trades };
}

/** The YES price at `t` (the last change at or before it); NO is 1 - YES. */
export function priceAt(m: HistoryMarket, outcomeIndex: 0 | 1, t: number): Micros | undefined {
  let yes: Micros | undefined;
  for (const [at, price] of m.path) if (at <= t) yes = price;
  if (yes === undefined) return undefined;
  return outcomeIndex === 0 ? yes : MICRO - yes;
}
