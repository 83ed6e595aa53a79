/** `betmirror balance`: free collateral of the trading account. */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { microsToNumber } from '../core/money.js';
import { withVenue } from './venue.js';

export interface BalanceOptions {
  exchange?: string;
}

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

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('balance')
    .description('Show the cash (collateral) available to trade')
    .option('-e, --exchange <id>', 'venue (default: the profile\'s exchange)')
    .addHelpText('after', '\nExample:\n  $ betmirror balance --exchange polymarket --json\n')
    .action(async (options: BalanceOptions, command: Command) => {
      const ctx = context(command);
      ctx.output.result(await run(options, ctx), render);
    });
}

export async function run(options: BalanceOptions, ctx: CommandContext): Promise<BalanceResult> {
  return withVenue(ctx, options.exchange, async ({ adapter }) => {
    const [balance, custody] = await Promise.all([adapter.fetchBalance(), adapter.fetchCashoutBalance?.()]);
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
