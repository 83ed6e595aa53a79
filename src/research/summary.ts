/** The backtest's report: the replay at the chosen latency, the same at other latencies, and the whale's own result. */
import type { Micros } from '../core/money.js';
import { Portfolio } from '../mirror/portfolio.js';
import { replay, type BacktestConfig, type BacktestData, type ReplayResult } from './backtest.js';

/** Latencies every report compares (ms): the cost of being slow. */
export const SWEEP_LATENCIES_MS = [1_000, 10_000, 60_000];

export interface WhalePerformance {
  fills: number;
  /** USD the whale spent on buys inside the window. */
  invested: Micros;
  pnl: Micros;
}

export interface LatencyRow {
  latencyMs: number;
  pnl: Micros;
  copied: number;
  skipped: number;
  maxDrawdown: Micros;
}

export interface BacktestReport {
  main: ReplayResult;
  whale: WhalePerformance;
  latencies: LatencyRow[];
}

export function runBacktest(data: BacktestData, config: BacktestConfig, sweep: readonly number[] = SWEEP_LATENCIES_MS): BacktestReport {
  const main = replay(data, config);
  const latencies = [...new Set([config.latencyMs, ...sweep])].sort((a, b) => a - b).map((latencyMs) => {
    const r = latencyMs === config.latencyMs ? main : replay(data, { ...config, latencyMs });
    return { latencyMs, pnl: r.pnl, copied: r.copied, skipped: r.skipped, maxDrawdown: r.maxDrawdown };
  });
  return { main, whale: whalePerformance(data, config.from, config.to), latencies };
}

/**
 * The followed wallets' own result over the same window, from the same record: their fills at their
 * prices (fees unknown, so none), settled at resolution, marked at the window's end. Sales of shares
 * bought before the window count for nothing (the book cannot sell what it never saw bought).
 */
export function whalePerformance(data: BacktestData, from: number, to: number): WhalePerformance {
  const book = new Portfolio(0n, from);
  const inWindow = data.fills.filter((f) => f.timestamp * 1000 >= from && f.timestamp * 1000 <= to);
  const settlements = data.tape.resolutions().filter((r) => r.at >= from && r.at <= to);
  const steps = [
    ...inWindow.map((fill) => ({ at: fill.timestamp * 1000, order: 0, run: () => book.applyFill(undefined, { token: fill.token, market: fill.market, side: fill.side, size: fill.size, value: fill.usd }) })),
    ...settlements.map(({ token, at }) => ({
      at,
      order: 1,
      run: () => {
        const holding = book.holdings.get(token);
        const payout = data.tape.asOf(at).market(token)?.payout;
        if (holding && payout !== undefined) book.applyFill(undefined, { token, market: holding.market, side: 'sell', size: holding.size, value: (holding.size * payout) / 1_000_000n });
      },
    })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  for (const step of steps) step.run();
  const end = data.tape.asOf(to);
  for (const token of book.holdings.keys()) {
    const price = end.price(token);
    if (price !== undefined) book.mark(token, price);
  }
  return { fills: inWindow.length, invested: inWindow.filter((f) => f.side === 'buy').reduce((s, f) => s + f.usd, 0n), pnl: book.equity() };
}
