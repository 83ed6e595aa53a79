/** `betmirror cashout`: move free collateral out of the trading account (scriptable for cron). */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { BadInputError, NotSupportedError } from '../core/errors.js';
import { formatMicros, microsToNumber } from '../core/money.js';
import { parseAddress, parseAmount } from './parse.js';
import { withVenue } from './venue.js';

export interface CashoutOptions {
  exchange?: string;
  amount?: string;
  all?: boolean;
  to?: string;
  dryRun?: boolean;
}

export interface CashoutCommandResult {
  exchange: string;
  txHash: string;
  amount: number;
  destination: string;
  method: string;
  dryRun: boolean;
}

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('cashout')
    .description('Transfer free collateral to a destination address')
    .option('-e, --exchange <id>', "venue (default: the profile's exchange)")
    .option('--amount <usd>', 'amount in USD')
    .option('--all', 'the whole free balance')
    .option('--to <address>', 'destination address (default: BETMIRROR_CASHOUT_TO)')
    .option('--dry-run', 'build and sign the transfer, send nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  $ betmirror cashout --exchange polymarket --amount 250 --to 0x3f5c...e1 --yes --json\n  # cron: sweep everything nightly\n  0 3 * * * BETMIRROR_PASSWORD=... betmirror cashout --all --to 0x3f5c...e1 --yes --json\n',
    )
    .action(async (options: CashoutOptions, command: Command) => {
      const ctx = context(command);
      ctx.output.result(await run(options, ctx), render);
    });
}

export async function run(options: CashoutOptions, ctx: CommandContext): Promise<CashoutCommandResult> {
  if (options.all === Boolean(options.amount)) throw new BadInputError('give exactly one of --amount <usd> or --all');
  const amount = options.all ? ('all' as const) : parseAmount('--amount', options.amount!);
  const to = options.to ?? ctx.deps.env.BETMIRROR_CASHOUT_TO;
  if (!to) throw new BadInputError('no destination: pass --to <address> or set BETMIRROR_CASHOUT_TO');
  const destination = parseAddress('--to', to);
  return withVenue(ctx, options.exchange, async ({ adapter }) => {
    if (!adapter.has.cashout) {
      throw new NotSupportedError(`${adapter.exchangeName} cannot cash out through its API`, {
        hint: 'withdraw from the venue\'s own website',
      });
    }
    if (!options.dryRun) {
      await ctx.confirm(`Transfer ${amount === 'all' ? 'ALL free collateral' : `$${formatMicros(amount)}`} from ${adapter.exchangeName} to ${destination}?`);
    }
    const result = await adapter.cashout({ amount, destination, dryRun: Boolean(options.dryRun) });
    return {
      exchange: adapter.exchangeName,
      txHash: result.txHash,
      amount: microsToNumber(result.amount),
      destination: result.destination,
      method: result.method,
      dryRun: Boolean(options.dryRun),
    };
  });
}

function render(result: CashoutCommandResult): string {
  return `${result.dryRun ? 'dry run, nothing sent: ' : ''}$${result.amount.toFixed(2)} to ${result.destination} via ${result.method}\ntx: ${result.txHash}`;
}
