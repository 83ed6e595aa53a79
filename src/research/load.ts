/** Gathers what a backtest replays: the wallets' fills since `from`, and every traded token's market and price history. */
import type { ResearchSource } from './client.js';
import { Tape } from './tape.js';
import type { BacktestData } from './backtest.js';
import type { HistoryFill, MarketInfo, PricePoint } from './types.js';

/** Prices start this long before the window so the first decisions have a price to fill at. */
const PRICE_LEAD_S = 86_400;

export interface LoadProgress {
  (done: number, total: number, what: string): void;
}

export async function loadBacktestData(source: ResearchSource, wallets: readonly string[], fromMs: number, toMs: number, progress?: LoadProgress): Promise<BacktestData & { truncated: string[] }> {
  const fromS = Math.floor(fromMs / 1000);
  const toS = Math.ceil(toMs / 1000);
  const fills: HistoryFill[] = [];
  const truncated: string[] = [];
  for (const [i, wallet] of wallets.entries()) {
    progress?.(i, wallets.length, `fills of ${wallet}`);
    const got = await source.fills(wallet.toLowerCase(), fromS);
    fills.push(...got.fills.filter((f) => f.timestamp <= toS));
    if (got.truncated) truncated.push(wallet);
  }
  fills.sort((a, b) => a.timestamp - b.timestamp);
  const tokens = [...new Set(fills.map((f) => f.token))];
  const markets = new Map<string, MarketInfo>();
  const prices = new Map<string, PricePoint[]>();
  for (const [i, token] of tokens.entries()) {
    progress?.(i, tokens.length, `market and prices of token ${token}`);
    const [info, history] = await Promise.all([source.market(token).catch(() => undefined), source.priceHistory(token, fromS - PRICE_LEAD_S, toS)]);
    if (info) markets.set(token, info);
    prices.set(token, history);
  }
  return { fills, tape: new Tape({ markets, prices }), truncated };
}
