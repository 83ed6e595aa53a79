/**
 * `betmirror mirror`: follow wallets and copy their trades until Ctrl-C. `--sandbox` runs the whole
 * thing against a local Polymarket with scripted whales: no account, no network.
 */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { BadInputError } from '../core/errors.js';
import { MAX_TIMER_MS } from '../core/runtime.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import type { MirrorOptions, MirrorSummary } from '../mirror/engine.js';
import { formatEvent, formatStatus, formatSummary } from '../mirror/render.js';
import { resolveFollow } from '../mirror/follow.js';
import { parseMirrorSettings, type RawMirrorSettings } from '../mirror/settings.js';
import { DEFAULT_SOURCES_HELP } from '../mirror/sources/source.js';
import type { MarketMapper } from '../mirror/types.js';
import { mapFill, parseMarketMap } from '../mirror/market-map.js';
import { cashoutLists, parseDestination, refuseNeverDestination, refuseOutsideAllowList } from './destination.js';
import { openVenue, resolveSettings } from './venue.js';

export interface MirrorCommandOptions {
  exchange?: string;
  follow?: string[];
  sandbox?: boolean;
  marketMap?: string;
  /** Every other mirror flag, by its flag name (also the keys of a profile's mirror defaults). */
  [flag: string]: string | string[] | boolean | undefined;
}

export type MirrorResult = MirrorSummary & { exchange: string; stateDir?: string };

const FLAGS: Array<[string, string]> = [
  ['--source <name...>', `data-api, rtds, onchain, raced: the first to see a fill is acted on (repeat or comma-separate; default ${DEFAULT_SOURCES_HELP})`],
  ['--poll-interval <ms>', 'Data API / chain polling period in milliseconds (default 2000)'],
  ['--sizing <mode>', 'proportional (default), fixed or percent'],
  ['--multiplier <x>', 'proportional: scale our share of the whale\'s bet (default 1)'],
  ['--fixed-usd <usd>', 'fixed: USD per copied buy'],
  ['--percent <pct>', 'percent: percent of our free cash per copied buy'],
  ['--max-per-trade <usd>', 'cap per copied order'],
  ['--max-per-market <usd>', 'cap on what we hold in one market'],
  ['--max-exposure <usd>', 'cap on everything we hold'],
  ['--max-daily-volume <usd>', 'cap on USD bought per UTC day'],
  ['--daily-loss-limit <usd>', 'kill switch: no new buys once today\'s loss reaches this'],
  ['--max-copy-fraction <pct>', 'ceiling on one copied buy, in percent of our equity (cash + positions) (default 10)'],
  ['--max-signal-age <ms>', 'skip (and report) whale fills older than this, e.g. after a restart (default 120000)'],
  ['--max-slippage <pct>', 'worst price vs the whale\'s, in percent (default 2)'],
  ['--order-type <type>', 'fak (default: sweep what fills inside the cap) or fok'],
  ['--allow <market...>', 'only these markets (token id, condition id or slug)'],
  ['--deny <market...>', 'never these markets'],
  ['--cashout-to <address>', 'sweep surplus collateral to this address'],
  ['--retain <usd>', 'collateral kept for trading when sweeping (default 0)'],
  ['--cashout-min <usd>', 'smallest sweep (default 10)'],
  ['--cashout-interval <ms>', 'how often to check for a surplus (default 3600000)'],
];

export function register(program: Command, context: (command: Command) => CommandContext): void {
  const command = program
    .command('mirror')
    .description('Follow wallets and copy their trades (foreground, Ctrl-C to stop)')
    .option('-e, --exchange <id>', 'venue to trade on (default: the profile\'s exchange)')
    .option('-f, --follow <wallet...>', 'Polymarket wallet(s) to follow')
    .option('--follow-file <path>', 'a file of wallets to follow: one address per line, # comments (adds to --follow)')
    .option('--dry-run', 'decide and sign everything, send nothing')
    .option('--market-map <file>', 'Kalshi, PredictBase: JSON map from Polymarket outcomes to their markets (see README)')
    .option('--sandbox', 'run against a local Polymarket with scripted whales (no account, no network)')
    .option('--whale-interval <ms>', 'with --sandbox: how often the scripted whales trade (default 2000)');
  for (const [flags, description] of FLAGS) command.addOption(new Option(flags, description));
  command
    .addHelpText(
      'after',
      '\nExamples:\n  $ betmirror mirror --sandbox\n  $ betmirror mirror --exchange polymarket --follow 0x1f2e...9a --max-per-trade 25 --daily-loss-limit 100\n  $ betmirror mirror --follow 0x1f2e...9a --sizing fixed --fixed-usd 10 --cashout-to 0x3f5c...e1 --retain 200 --json\n',
    )
    .action(async (options: MirrorCommandOptions, cmd: Command) => {
      const ctx = context(cmd);
      const result = await run(options, ctx);
      if (ctx.output.json) ctx.output.event({ type: 'summary', ...result }, () => '');
      else ctx.output.result(result, (r) => formatSummary(r));
    });
}

export async function run(options: MirrorCommandOptions, ctx: CommandContext): Promise<MirrorResult> {
  // Read and checked before anything else: a bad list stops the command before any request. The
  // profile's list is for the real venue: the sandbox follows its own whales unless flags say otherwise.
  const followed = await resolveFollow(
    { follow: options.follow, followFile: options.followFile as string | undefined, profile: options.sandbox ? undefined : ctx.profile.mirror },
    ctx.deps.readTextFile,
  );
  if (options.sandbox) {
    const { withSandboxDemo } = await import('../mirror/sandbox-demo.js');
    const whaleIntervalMs = options.whaleInterval ? Number(options.whaleInterval) : undefined;
    if (whaleIntervalMs !== undefined && !(Number.isInteger(whaleIntervalMs) && whaleIntervalMs > 0 && whaleIntervalMs <= MAX_TIMER_MS)) {
      throw new BadInputError(`--whale-interval must be a whole number of ms between 1 and ${MAX_TIMER_MS} (got ${options.whaleInterval})`);
    }
    return withSandboxDemo({ clock: ctx.deps.clock, fetch: ctx.deps.fetch, logger: ctx.logger, whaleIntervalMs }, (demo) => {
      ctx.redactor.add(demo.privateKey);
      ctx.output.info(`sandbox: a local Polymarket at ${demo.url}; trading as ${demo.address} with 1000 sandbox dollars`);
      ctx.output.info('sandbox: the scripted whales trade every ~2 s; Ctrl-C stops and prints the summary');
      const follow = followed.length ? followed : demo.whales;
      return mirror(options, ctx, {
        adapter: demo.adapter,
        exchange: 'polymarket',
        wallets: follow,
        endpoints: demo.endpoints,
        defaults: demo.defaults,
        onReady: demo.startWhales,
      });
    });
  }
  const follow = followed;
  if (follow.length === 0) throw new BadInputError('nothing to follow: pass --follow <wallet> or --follow-file <path>', { hint: 'or try `betmirror mirror --sandbox`' });
  const session = await openVenue(ctx, options.exchange);
  const polymarket = resolveSettings(ctx, await ctx.deps.exchanges.get('polymarket'));
  if (!options.dryRun) {
    await ctx.confirm(`Mirror ${follow.length} wallet(s) on ${session.venue.title} with real orders?`);
  }
  return mirror(options, ctx, {
    adapter: session.adapter,
    exchange: session.venue.id,
    wallets: follow,
    endpoints: { dataApiUrl: polymarket.dataApiUrl!, gammaUrl: polymarket.gammaUrl, rtdsUrl: polymarket.rtdsUrl, rpcUrl: polymarket.rpcUrl },
    stateDir: ctx.config.stateDir(ctx.profileName),
  });
}

export interface MirrorSetup {
  adapter: IExchangeAdapter;
  exchange: string;
  wallets: string[];
  endpoints: MirrorOptions['endpoints'];
  stateDir?: string;
  /** Defaults that apply before the profile's and the flags' (the sandbox's demo caps). */
  defaults?: RawMirrorSettings;
  /** Called once the mirror is running. */
  onReady?: () => void;
}

async function mirror(options: MirrorCommandOptions, ctx: CommandContext, setup: MirrorSetup): Promise<MirrorResult> {
  // Flags > profile mirror defaults > setup defaults. Commander gives camelCase keys; settings use flag names.
  const { whaleInterval: _w, sandbox: _s, follow: _f, followFile: _ff, exchange: _e, ...mirrorFlags } = options;
  const flags = Object.fromEntries(Object.entries(mirrorFlags).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value]));
  const { follow: _pf, 'follow-file': _pff, ...profileSettings } = ctx.profile.mirror ?? {};
  const settings = parseMirrorSettings({ ...setup.defaults, ...profileSettings, ...flags });
  if (settings.cashout) {
    // Auto-cashout sweeps are cash-outs: the same destination rules as `betmirror cashout`.
    const destination = parseDestination('--cashout-to', settings.cashout.destination);
    refuseNeverDestination('--cashout-to', destination);
    const where = `profile "${ctx.profileName}" (${setup.exchange})`;
    refuseOutsideAllowList('--cashout-to', destination, cashoutLists(ctx.profile.venues?.[setup.exchange] ?? {}, where), where);
    settings.cashout.destination = destination;
  }
  const mapMarket = options.marketMap ? await readMarketMap(ctx, options.marketMap, setup.exchange) : undefined;
  if (setup.exchange !== 'polymarket' && !mapMarket) {
    throw new BadInputError(`mirroring onto ${setup.exchange} needs --market-map <file>`, { hint: 'see "Mirroring onto Kalshi" (or PredictBase) in the README for the map format' });
  }
  const { runMirror } = await import('../mirror/engine.js'); // heavy (SQLite, chain clients): loaded only to mirror
  const spinner = ctx.output.spinner('starting the mirror');
  let engine: import('../mirror/engine.js').MirrorEngine | undefined;
  const timer = setInterval(() => engine && spinner.update(formatStatus(engine.status())), 1000);
  try {
    const summary = await runMirror(
      { wallets: setup.wallets, ...settings, stateDir: settings.dryRun ? undefined : setup.stateDir, mapMarket, endpoints: setup.endpoints },
      {
        adapter: setup.adapter,
        clock: ctx.deps.clock,
        fetch: ctx.deps.fetch,
        logger: ctx.logger,
        signal: ctx.deps.signal,
        onEvent: (event) => {
          if (!ctx.output.json && event.type === 'stopped') return;
          ctx.output.event(event, formatEvent);
          if (engine) spinner.update(formatStatus(engine.status()));
        },
        onReady: (e) => {
          engine = e;
          setup.onReady?.();
        },
      },
    );
    return { exchange: setup.exchange, ...(setup.stateDir && !settings.dryRun ? { stateDir: setup.stateDir } : {}), ...summary };
  } finally {
    clearInterval(timer);
    spinner.stop();
  }
}

/** The market map (format documented in src/mirror/market-map.ts and the README), read for the venue traded on. */
async function readMarketMap(ctx: CommandContext, file: string, exchange: string): Promise<MarketMapper> {
  const text = await ctx.deps.readTextFile(file).catch((error: Error) => {
    throw new BadInputError(`--market-map: cannot read ${file}: ${error.message}`);
  });
  const map = parseMarketMap(text);
  const venue = exchange === 'predictbase' ? 'predictbase' : 'kalshi';
  return (fill) => mapFill(map, { tokenId: fill.token, conditionId: fill.market, outcome: fill.outcome, side: fill.side }, venue);
}
