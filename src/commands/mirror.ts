/**
 * `betmirror mirror`: follow wallets and copy their trades until Ctrl-C. `--sandbox` runs the whole
 * thing against a local Polymarket with scripted whales: no account, no network.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { list, toggle, value, type Options } from '../cli/flags.js';
import { PASSWORD_ENVIRONMENT } from '../cli/help.js';
import { BadInputError } from '../core/errors.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import type { MirrorOptions, MirrorSummary } from '../mirror/engine.js';
import { formatEvent, formatStatus, formatSummary } from '../mirror/render.js';
import { resolveFollow } from '../mirror/follow.js';
import { parseMirrorSettings, type RawMirrorSettings } from '../mirror/settings.js';
import type { MarketMapper } from '../mirror/types.js';
import { mapFill, parseMarketMap } from '../mirror/market-map.js';
import { cashoutLists, parseDestination, refuseNeverDestination, refuseOutsideAllowList } from './destination.js';
import { mirrorFlags, toRawSettings } from './mirror-flags.js';
import { whaleIntervalFlag } from './sandbox.js';
import { exchangeFlag, openVenue, resolveSettings } from './venue.js';

const text = (value: string) => value;

const flags = (info: ProgramInfo) => ({
  exchange: exchangeFlag(info.exchangeIds, "venue to trade on (default: the profile's exchange, else polymarket)"),
  follow: list('-f, --follow <wallet...>', 'Polymarket wallet(s) to follow', text),
  followFile: value('--follow-file <path>', 'a file of wallets to follow: one address per line, # comments (adds to --follow)', text),
  marketMap: value('--market-map <file>', 'Kalshi, PredictBase: JSON map from Polymarket outcomes to their markets (see README)', text),
  sandbox: toggle('--sandbox', 'run against a local Polymarket with scripted whales (no account, no network)'),
  whaleInterval: whaleIntervalFlag('with --sandbox: how often the scripted whales trade'),
  ...mirrorFlags(),
});

export type MirrorCommandOptions = Options<ReturnType<typeof flags>>;

export type MirrorResult = MirrorSummary & { exchange: string; stateDir?: string };

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'mirror',
    summary: 'Follow wallets and copy their trades (foreground, Ctrl-C to stop)',
    flags: flags(info),
    examples: [
      '$ betmirror mirror --sandbox',
      '$ betmirror mirror --exchange polymarket --follow 0x1f2e...9a --max-per-trade 25 --daily-loss-limit 100',
      '$ betmirror mirror --follow 0x1f2e...9a --sizing fixed --fixed-usd 10 --cashout-to 0x3f5c...e1 --retain 200 --yes --json',
    ],
    venueEnvironment: true,
    environment: [PASSWORD_ENVIRONMENT],
    // A profile's `mirror` settings preset the trading flags, under the flags' names.
    profileSettings: (ctx) => ctx.profile.mirror ?? {},
    action: async (options, ctx) => {
      const result = await run(options, ctx);
      if (ctx.output.json) ctx.output.event({ type: 'summary', ...result }, () => '');
      else ctx.output.result(result, (r) => formatSummary(r));
    },
  });
}

export async function run(options: MirrorCommandOptions, ctx: CommandContext): Promise<MirrorResult> {
  // Read and checked before anything else: a bad list stops the command before any request. The
  // profile's list is for the real venue: the sandbox follows its own whales unless flags say otherwise.
  const followed = await resolveFollow(
    { follow: options.follow, followFile: options.followFile, profile: options.sandbox ? undefined : ctx.profile.mirror },
    ctx.deps.readTextFile,
  );
  if (options.sandbox) {
    const { withSandboxDemo } = await import('../mirror/sandbox-demo.js');
    const whaleIntervalMs = options.whaleInterval;
    return withSandboxDemo({ clock: ctx.deps.clock, fetch: ctx.deps.fetch, logger: ctx.logger, whaleIntervalMs }, (demo) => {
      ctx.redactor.add(demo.privateKey);
      ctx.output.info(`sandbox: a local Polymarket at ${demo.url}; trading as ${demo.address} with 1000 sandbox dollars`);
      ctx.output.info(`sandbox: the scripted whales trade every ~${whaleIntervalMs / 1000} s; Ctrl-C stops and prints the summary`);
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
  // Flags > the profile's mirror settings (both in `options`) > the setup's defaults > the settings' own.
  const settings = parseMirrorSettings({ ...setup.defaults, ...toRawSettings(options) });
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
