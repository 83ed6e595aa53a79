/** `betmirror order`: one manual order, limit (GTC/GTD) or marketable with a worst-price cap (FOK/FAK). */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { required, toggle, value, valueWithDefault, type Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import { BadInputError } from '../core/errors.js';
import { formatMicros, microsToNumber, mulMicros } from '../core/money.js';
import { ORDER_TYPES, type OrderParams, type OrderResult } from '../core/types.js';
import type { VenueDefinition } from '../exchanges/adapter.js';
import { parseAmount, parseExpiry, parseOrderType, parseOutcome, parsePrice, parseSide } from './parse.js';
import { exchangeFlag, marketTitles, requireCapability, resolveVenue, withVenue } from './venue.js';

const text = (value: string) => value;

const flags = (info: ProgramInfo) => ({
  exchange: exchangeFlag(info.exchangeIds),
  token: value('--token <tokenId>', 'Polymarket outcome token id', text),
  market: value('--market <id>', 'market: a Kalshi ticker, a PredictBase market id (or a Polymarket token id)', text),
  // Checked in toOrderParams: yes or no, except on venues whose outcomes are options (PredictBase).
  outcome: value('--outcome <outcome>', 'yes or no for venues whose markets carry both (Kalshi); PredictBase: the option title or index', text),
  side: required('--side <side>', 'buy or sell', parseSide, { choices: ['buy', 'sell'] }),
  size: required('--size <shares>', 'number of shares / contracts', (v) => parseAmount('--size', v)),
  price: required('--price <0..1>', 'limit price per share in USD; for fok/fak the worst price accepted', (v) => parsePrice('--price', v)),
  type: valueWithDefault('--type <type>', 'order type', parseOrderType, 'GTC', { choices: ORDER_TYPES.map((t) => t.toLowerCase()), shown: 'gtc' }),
  expires: value('--expires <when>', 'gtd expiry: 30m, 2h, 1d, unix seconds or an ISO date', text),
  clientOrderId: value('--client-order-id <id>', 'idempotency key, where the venue supports one', text),
  dryRun: toggle('--dry-run', 'build and sign the order, print it, send nothing'),
});

export type OrderOptions = Options<ReturnType<typeof flags>>;

export interface OrderCommandResult {
  exchange: string;
  orderId: string;
  status: OrderResult['status'];
  market: string;
  outcome?: string;
  side: string;
  type: string;
  size: number;
  price: number;
  filledSize: number;
  filledValue: number;
  /** The idempotency key the order was sent with, where the venue has one: reuse it to retry safely. */
  clientOrderId?: string;
  dryRun: boolean;
  /** The signed payload, shown for --dry-run only. */
  request?: unknown;
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'order',
    summary: 'Place one order: limit (gtc, gtd) or marketable with a worst-price cap (fok, fak)',
    flags: flags(info),
    examples: [
      '$ betmirror order --exchange polymarket --token 7132...9041 --side buy --size 10 --price 0.56 --yes --json',
      '$ betmirror order --exchange kalshi --market KXBTCD-25DEC31-T100000 --outcome yes --side buy --size 5 --price 0.40 --type fak --yes',
      '$ betmirror order --exchange predictbase --market 10744 --outcome Yes --side buy --size 10 --price 0.42 --yes',
    ],
    venueEnvironment: true,
    environment: [PASSWORD_ENVIRONMENT],
    action: async (options, ctx) => {
      const result = await run(options, ctx);
      // Names the market for a person (after the order: a title never delays one); --json keeps ids only.
      const titles = ctx.output.json ? undefined : await marketTitles(ctx, result.exchange);
      if (titles) await ctx.output.busy('looking up the market title', () => titles.load([result.market]));
      ctx.output.result(result, (r) => render(r, titles?.known(r.market) ? titles.label(r.market, r.outcome?.toUpperCase()) : undefined));
    },
  });
}

export function toOrderParams(options: OrderOptions, nowMs: number, venue?: Pick<VenueDefinition, 'instrumentOf'>): OrderParams {
  let market = options.token ?? options.market;
  if (!market) throw new BadInputError('say what to trade: --token <tokenId> (Polymarket), --market <ticker> (Kalshi) or --market <id> --outcome <option> (PredictBase)');
  if (options.token && options.market && options.token !== options.market) {
    throw new BadInputError('give either --token or --market, not both');
  }
  const type = options.type;
  if (type === 'GTD' && !options.expires) throw new BadInputError('--type gtd needs --expires');
  if (type !== 'GTD' && options.expires) throw new BadInputError('--expires only applies to --type gtd');
  // A venue whose outcomes are not yes/no (PredictBase options) folds --outcome into its instrument id.
  const folded = Boolean(options.outcome && venue?.instrumentOf);
  if (folded) market = venue!.instrumentOf!(market, options.outcome!);
  return {
    market,
    ...(options.outcome && !folded ? { outcome: parseOutcome(options.outcome) } : {}),
    side: options.side,
    size: options.size,
    price: options.price,
    type,
    ...(options.expires ? { expiresAt: parseExpiry(options.expires, nowMs) } : {}),
    ...(options.clientOrderId ? { clientOrderId: options.clientOrderId } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
}

export async function run(options: OrderOptions, ctx: CommandContext): Promise<OrderCommandResult> {
  const venue = await resolveVenue(ctx, options.exchange);
  const params = toOrderParams(options, ctx.deps.clock.now(), venue);
  if (params.type === 'FOK' || params.type === 'FAK') requireCapability(venue, 'marketableOrders', `does not offer ${params.type} orders`);
  if (params.type === 'GTD') requireCapability(venue, 'expiringOrders', 'does not offer GTD orders', 'use --type gtc and cancel it');
  return withVenue(ctx, venue.id, async ({ adapter }) => {
    if (!params.dryRun) {
      const notional = formatMicros(mulMicros(params.size, params.price));
      const outcome = params.outcome ? ` ${params.outcome.toUpperCase()}` : '';
      await ctx.confirm(
        `${params.side.toUpperCase()} ${formatMicros(params.size)}${outcome} @ ${formatMicros(params.price)} ` +
          `(${params.type}, up to $${notional}) on ${adapter.exchangeName} ${params.market}?`,
      );
    }
    const spinner = ctx.output.spinner(params.dryRun ? 'signing order' : 'placing order');
    try {
      const result = await adapter.createOrder(params);
      spinner.stop();
      return toResult(result, Boolean(params.dryRun));
    } catch (error) {
      spinner.fail('order refused');
      throw error;
    }
  });
}

function toResult(result: OrderResult, dryRun: boolean): OrderCommandResult {
  return {
    exchange: result.exchange,
    orderId: result.orderId,
    status: result.status,
    market: result.market,
    ...(result.outcome ? { outcome: result.outcome } : {}),
    side: result.side,
    type: result.type,
    size: microsToNumber(result.size),
    price: microsToNumber(result.price),
    filledSize: microsToNumber(result.filledSize),
    filledValue: microsToNumber(result.filledValue),
    ...(result.clientOrderId ? { clientOrderId: result.clientOrderId } : {}),
    dryRun,
    ...(dryRun ? { request: result.request } : {}),
  };
}

function render(result: OrderCommandResult, market?: string): string {
  const head = result.dryRun ? 'dry run, nothing sent:' : `${result.status}:`;
  const lines = [
    `${head} ${result.side} ${result.size} ${result.outcome ?? ''} @ ${result.price} (${result.type}) on ${result.exchange}`.replace(/\s+/g, ' '),
    ...(market ? [`market: ${market}`] : []),
    `order id: ${result.orderId}`,
  ];
  if (result.clientOrderId) lines.push(`client order id: ${result.clientOrderId}`);
  if (result.filledSize > 0) lines.push(`filled: ${result.filledSize} shares for $${result.filledValue.toFixed(2)}`);
  if (result.dryRun) lines.push(JSON.stringify(result.request, null, 2));
  return lines.join('\n');
}
