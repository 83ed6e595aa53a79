/** `betmirror balance`: free collateral of the trading account. */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import type { Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import { microsToNumber } from '../core/money.js';
import { exchangeFlag, withVenue } from './venue.js';

const flags = (info: ProgramInfo) => ({ exchange: exchangeFlag(info.exchangeIds) });

export type BalanceOptions = Options<ReturnType<typeof flags>>;

export interface BalanceResult {
  exchange: string;
  account?: string;
  currency: string;
  /** USD that can be spent now. */
  cash: number;
  reserved?: number;
  positionsValue?: number;
  /** Under smart-account custody: the account cash-outs leave from, and what it holds. */
  cashoutAccount?: { account?: string; cash: number };
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'balance',
    summary: 'Show the cash (collateral) available to trade',
    flags: flags(info),
    examples: ['$ betmirror balance --exchange polymarket --json'],
    venueEnvironment: true,
    environment: [PASSWORD_ENVIRONMENT],
    action: async (options, ctx) => ctx.output.result(await run(options, ctx), render),
  });
}

export async function run(options: BalanceOptions, ctx: CommandContext): Promise<BalanceResult> {
  return withVenue(ctx, options.exchange, async ({ adapter }) => {
    const [balance, custody] = await ctx.output.busy(`reading the ${adapter.exchangeName} balance`, () =>
      Promise.all([adapter.fetchBalance(), adapter.fetchCashoutBalance?.()]),
    );
    return {
      exchange: adapter.exchangeName,
      ...(balance.account ? { account: balance.account } : {}),
      currency: balance.currency,
      cash: microsToNumber(balance.cash),
      ...(balance.reserved !== undefined ? { reserved: microsToNumber(balance.reserved) } : {}),
      ...(balance.positionsValue !== undefined ? { positionsValue: microsToNumber(balance.positionsValue) } : {}),
      ...(custody ? { cashoutAccount: { ...(custody.account ? { account: custody.account } : {}), cash: microsToNumber(custody.cash) } } : {}),
    };
  });
}

function render(result: BalanceResult): string {
  const lines = [`${result.exchange}: ${result.cash.toFixed(2)} ${result.currency} available`];
  if (result.reserved !== undefined) lines.push(`reserved by open orders: ${result.reserved.toFixed(2)}`);
  if (result.positionsValue !== undefined) lines.push(`positions value: ${result.positionsValue.toFixed(2)}`);
  if (result.account) lines.push(`account: ${result.account}`);
  if (result.cashoutAccount) lines.push(`smart account ${result.cashoutAccount.account ?? ''}: ${result.cashoutAccount.cash.toFixed(2)} (cash-outs leave from here)`);
  return lines.join('\n');
}
