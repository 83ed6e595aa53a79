/** `betmirror cancel`: cancel resting orders by id, or all of them. */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { BadInputError } from '../core/errors.js';
import type { CancelResult } from '../core/types.js';
import { withVenue } from './venue.js';

export interface CancelOptions {
  exchange?: string;
  all?: boolean;
}

export interface CancelCommandResult {
  exchange: string;
  cancelled: string[];
  notCancelled: Record<string, string>;
}

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('cancel')
    .description('Cancel resting orders by id, or all with --all')
    .argument('[orderIds...]', 'ids of the orders to cancel')
    .option('-e, --exchange <id>', "venue (default: the profile's exchange)")
    .option('--all', 'cancel every resting order on the venue')
    .addHelpText('after', '\nExamples:\n  $ betmirror cancel --exchange polymarket 0x5f2c...a1 --yes\n  $ betmirror cancel --exchange kalshi --all --yes --json\n')
    .action(async (orderIds: string[], options: CancelOptions, command: Command) => {
      const ctx = context(command);
      ctx.output.result(await run(orderIds, options, ctx), render);
    });
}

export async function run(orderIds: string[], options: CancelOptions, ctx: CommandContext): Promise<CancelCommandResult> {
  if (options.all && orderIds.length > 0) throw new BadInputError('give order ids or --all, not both');
  if (!options.all && orderIds.length === 0) throw new BadInputError('say which orders: one or more order ids, or --all');
  return withVenue(ctx, options.exchange, async ({ adapter }) => {
    await ctx.confirm(options.all ? `Cancel ALL resting orders on ${adapter.exchangeName}?` : `Cancel ${orderIds.length} order(s) on ${adapter.exchangeName}?`);
    const result: CancelResult = await adapter.cancelOrder({ orderIds, all: Boolean(options.all) });
    return { exchange: adapter.exchangeName, cancelled: result.cancelled, notCancelled: result.notCancelled };
  });
}

function render(result: CancelCommandResult): string {
  const lines = [`${result.exchange}: cancelled ${result.cancelled.length} order(s)`, ...result.cancelled.map((id) => `  ${id}`)];
  for (const [id, reason] of Object.entries(result.notCancelled)) lines.push(`not cancelled ${id}: ${reason}`);
  return lines.join('\n');
}
