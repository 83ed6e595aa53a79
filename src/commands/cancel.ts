/** `betmirror cancel`: cancel resting orders by id, or all of them. */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { toggle, type Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import { BadInputError, OrderNotFoundError } from '../core/errors.js';
import type { CancelResult } from '../core/types.js';
import { exchangeFlag, resolveVenue, withVenue } from './venue.js';

const flags = (info: ProgramInfo) => ({
  exchange: exchangeFlag(info.exchangeIds),
  all: toggle('--all', 'cancel every resting order on the venue'),
});

export type CancelOptions = Options<ReturnType<typeof flags>>;

export interface CancelCommandResult {
  exchange: string;
  cancelled: string[];
  notCancelled: Record<string, string>;
}

/**
 * What an order id looks like on each venue, checked before anything is sent: Polymarket's is the
 * order's EIP-712 hash, Kalshi's a UUID. Other venues get a conservative character set, so an id can
 * never smuggle a path, a query or a shell fragment into a request.
 */
const ORDER_IDS: Record<string, { pattern: RegExp; shape: string }> = {
  polymarket: { pattern: /^0x[0-9a-fA-F]{64}$/, shape: '0x followed by 64 hex digits' },
  kalshi: { pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, shape: 'a UUID like 3f2b5c1e-8a4d-4e7b-9c21-5d0e6f7a8b9c' },
};
const ANY_VENUE = { pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, shape: "letters, digits, '_', '.', ':' or '-'" };

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'cancel',
    summary: 'Cancel resting orders by id, or all with --all',
    arguments: [['[orderIds...]', 'ids of the orders to cancel']],
    flags: flags(info),
    examples: ['$ betmirror cancel --exchange polymarket 0x5f2c...a1 --yes', '$ betmirror cancel --exchange kalshi --all --yes --json'],
    venueEnvironment: true,
    environment: [PASSWORD_ENVIRONMENT],
    action: async (options, ctx, orderIds) => ctx.output.result(await run(orderIds, options, ctx), render),
  });
}

export async function run(orderIds: string[], options: CancelOptions, ctx: CommandContext): Promise<CancelCommandResult> {
  if (options.all && orderIds.length > 0) throw new BadInputError('give order ids or --all, not both');
  if (!options.all && orderIds.length === 0) {
    throw new BadInputError('say which orders to cancel', { hint: 'give one or more order ids (as `betmirror order` printed them), or --all' });
  }
  const venue = await resolveVenue(ctx, options.exchange);
  checkOrderIds(venue.id, venue.title, orderIds);
  const ids = [...new Set(orderIds)];
  return withVenue(ctx, venue.id, async ({ adapter }) => {
    await ctx.confirm(options.all ? `Cancel ALL resting orders on ${adapter.exchangeName}?` : `Cancel ${ids.length} order(s) on ${adapter.exchangeName}?`);
    const result: CancelResult = await ctx.output.busy(`cancelling on ${adapter.exchangeName}`, () => adapter.cancelOrder({ orderIds: ids, all: Boolean(options.all) }));
    const failures = Object.entries(result.notCancelled);
    // Nothing cancelled is a failure (exit 5, as for an unknown order) unless --all found nothing resting.
    if (result.cancelled.length === 0 && (ids.length > 0 || failures.length > 0)) {
      throw new OrderNotFoundError(
        `nothing was cancelled on ${adapter.exchangeName}: ${failures.map(([id, reason]) => `${id}: ${reason}`).join('; ') || 'the venue cancelled none of the orders'}`,
        { hint: 'the order may be filled or cancelled already, or belong to another account or profile', info: result.info },
      );
    }
    return { exchange: adapter.exchangeName, cancelled: result.cancelled, notCancelled: result.notCancelled };
  });
}

function checkOrderIds(venueId: string, title: string, orderIds: readonly string[]): void {
  const { pattern, shape } = ORDER_IDS[venueId] ?? ANY_VENUE;
  const bad = orderIds.filter((id) => !pattern.test(id));
  if (bad.length === 0) return;
  const quote = (id: string) => JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}...` : id);
  const shown = bad.slice(0, 3).map(quote).join(', ') + (bad.length > 3 ? ` and ${bad.length - 3} more` : '');
  const what = bad.length === 1 ? `not a ${title} order id` : `not ${title} order ids`;
  throw new BadInputError(`${what} (${shape}): ${shown}`, {
    hint: 'give the ids as `betmirror order` printed them ("order id: ..."); nothing was sent',
  });
}

function render(result: CancelCommandResult): string {
  const lines = [`${result.exchange}: cancelled ${result.cancelled.length} order(s)`, ...result.cancelled.map((id) => `  ${id}`)];
  for (const [id, reason] of Object.entries(result.notCancelled)) lines.push(`not cancelled ${id}: ${reason}`);
  return lines.join('\n');
}
