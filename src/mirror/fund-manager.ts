/**
 * FundManager: auto-cashout. Free collateral above a retention level is swept to the configured
 * destination through the adapter's `cashout`. Checked at most once per interval (default 1 h) and
 * on trigger events (after a sell or a redemption), never for less than a minimum amount.
 */
import type { Micros } from '../core/money.js';
import type { Clock, Logger } from '../core/runtime.js';
import type { CashoutResult } from '../core/types.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';

export interface FundManagerConfig {
  destination: string;
  /** Collateral kept for trading. */
  retain: Micros;
  /** Smallest sweep worth a transfer. */
  minimum: Micros;
  /** Periodic check period (ms). */
  intervalMs: number;
  dryRun?: boolean;
}

export const DEFAULT_CASHOUT_INTERVAL_MS = 60 * 60_000;

export type SweepTrigger = 'interval' | 'sell' | 'redemption' | 'start';

export interface Sweep {
  trigger: SweepTrigger;
  amount: Micros;
  result: CashoutResult;
}

/** The amount to sweep, or undefined when the surplus is under the minimum. Pure. */
export function planSweep(free: Micros, retain: Micros, minimum: Micros): Micros | undefined {
  const surplus = free - retain;
  if (surplus <= 0n || surplus < minimum) return undefined;
  return surplus;
}

export interface FundManagerDeps {
  adapter: Pick<IExchangeAdapter, 'fetchBalance' | 'fetchCashoutBalance' | 'cashout'>;
  clock: Clock;
  logger: Logger;
  /** Cash held by orders in flight: never swept. */
  reserved: () => Micros;
  /** Called after each sweep (report it, update the book). */
  onSweep: (sweep: Sweep) => void;
}

export class FundManager {
  private lastCheck: number | undefined;
  private running: Promise<Sweep | undefined> | undefined;
  checks = 0;

  constructor(
    private readonly config: FundManagerConfig,
    private readonly deps: FundManagerDeps,
  ) {}

  /** A sweep is on the wire: balances read now may or may not include it. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Periodic check: does nothing if the last check was less than one interval ago. */
  tick(): Promise<Sweep | undefined> {
    const now = this.deps.clock.now();
    if (this.lastCheck !== undefined && now - this.lastCheck < this.config.intervalMs) return Promise.resolve(undefined);
    return this.check('interval');
  }

  /** Event check (after a sell or redemption): runs now, but never two at once. */
  trigger(reason: Exclude<SweepTrigger, 'interval'>): Promise<Sweep | undefined> {
    return this.check(reason);
  }

  private check(trigger: SweepTrigger): Promise<Sweep | undefined> {
    if (this.running) return this.running;
    this.lastCheck = this.deps.clock.now();
    this.checks++;
    this.running = this.sweep(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweep(trigger: SweepTrigger): Promise<Sweep | undefined> {
    // Under smart-account custody, cash-outs leave another account than the one orders reserve from.
    const { adapter } = this.deps;
    const free = adapter.fetchCashoutBalance
      ? (await adapter.fetchCashoutBalance()).cash
      : (await adapter.fetchBalance()).cash - this.deps.reserved();
    const amount = planSweep(free, this.config.retain, this.config.minimum);
    if (amount === undefined) return undefined;
    const result = await this.deps.adapter.cashout({
      amount,
      destination: this.config.destination,
      dryRun: this.config.dryRun,
    });
    const sweep = { trigger, amount: result.amount, result };
    this.deps.onSweep(sweep);
    return sweep;
  }
}
