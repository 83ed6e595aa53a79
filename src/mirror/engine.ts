/**
 * The mirror engine's shell: wires sources -> TradeMonitor -> TradeExecutor -> adapter, the durable
 * store, the FundManager and the status model, and runs until the AbortSignal fires. Everything
 * arrives injected (adapter, clock, fetch, logger, signal); nothing here reads env or prints.
 */
import type { Clock, Logger } from '../core/runtime.js';
import { microsToNumber } from '../core/money.js';
import { BadInputError } from '../core/errors.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { makeEvent, usd, type MirrorEvent, type MirrorStatus } from './events.js';
import { FundManager, type FundManagerConfig } from './fund-manager.js';
import { CachedMarketRules, gammaMarketRules, type MarketRulesSource } from './market-rules.js';
import { Portfolio } from './portfolio.js';
import { reconcileUnresolved } from './reconcile.js';
import { activityToFill, DataApiClient } from './sources/data-api.js';
import { fillKey } from './dedup.js';
import { DataApiPoller } from './sources/data-api-poller.js';
import { OnchainSource } from './sources/onchain.js';
import { RtdsSource } from './sources/rtds.js';
import type { FillSource } from './sources/source.js';
import { MirrorStore } from './store.js';
import { TradeExecutor } from './trade-executor.js';
import { TradeMonitor } from './trade-monitor.js';
import type { MarketMapper, RiskConfig, SourceName, WhaleFill } from './types.js';
import { WhaleBalanceCache, type WhaleValueFetcher } from './whale-balance-cache.js';
import { WhalePositions, type WhalePositionsFetcher } from './whale-positions.js';

export interface MirrorOptions {
  wallets: readonly string[];
  /** Default ['data-api']. Several = one detects, the others reconcile, through the same dedup. */
  sources: readonly SourceName[];
  /** Polling period of the Data API and on-chain sources (ms). */
  pollIntervalMs: number;
  risk: RiskConfig;
  cashout?: FundManagerConfig;
  dryRun: boolean;
  /** Directory of the durable store; undefined keeps state in memory (dry runs). */
  stateDir?: string;
  /** Set when copies go to another venue than Polymarket (the --market-map of Kalshi mirroring). */
  mapMarket?: MarketMapper;
  endpoints: { dataApiUrl: string; gammaUrl?: string; rtdsUrl?: string; rpcUrl?: string };
  dedupWindowMs?: number;
  rtdsSilenceMs?: number;
  whaleTtlMs?: number;
  /** Wait before asking the venue about an order whose answer was lost (default 2000 ms). */
  reconcileDelayMs?: number;
  /** Data API /activity page size (default 500, the API's maximum). */
  activityPageLimit?: number;
}

export interface MirrorDeps {
  adapter: IExchangeAdapter;
  clock: Clock;
  fetch: typeof fetch;
  logger: Logger;
  signal: AbortSignal;
  onEvent?: (event: MirrorEvent) => void;
  /** Test and benchmark seams: replace the Polymarket-facing pieces. */
  sources?: FillSource[];
  markets?: MarketRulesSource;
  whaleValue?: WhaleValueFetcher;
  whalePositions?: WhalePositionsFetcher;
  /** Called once running, with the live engine (status, counters). */
  onReady?: (engine: MirrorEngine) => void;
  /** Per copied order: ms from the source delivering the fill to the venue's answer. */
  onPlaced?: (key: string, fill: WhaleFill, placeMs: number) => void;
}

export type MirrorSummary = MirrorStatus & { stoppedAt: string; reconciled: number };

export class MirrorEngine {
  startAt: number;
  readonly store: MirrorStore;
  portfolio!: Portfolio;
  executor!: TradeExecutor;
  monitor!: TradeMonitor;
  fundManager: FundManager | undefined;
  whaleValues!: WhaleBalanceCache;
  dataApi: DataApiClient;
  sources: FillSource[] = [];
  cashedOut = 0n;
  reconciled = 0;
  private timers: NodeJS.Timeout[] = [];


  constructor(
    private readonly options: MirrorOptions,
    private readonly deps: MirrorDeps,
  ) {
    this.startAt = deps.clock.now();
    this.store = options.stateDir && !options.dryRun ? MirrorStore.open(options.stateDir) : new MirrorStore(':memory:');
    this.dataApi = new DataApiClient(options.endpoints.dataApiUrl, deps.fetch);
  }

  private emit = (event: MirrorEvent): void => {
    try {
      this.deps.onEvent?.(event);
    } catch (error) {
      this.deps.logger.warn(`event handler: ${(error as Error).message}`);
    }
  };

  async start(): Promise<void> {
    const { adapter, clock, logger } = this.deps;
    const { options } = this;
    const wallets = options.wallets.map((w) => w.toLowerCase());
    // History is what the Data API already shows now; the start time is taken right after, so a
    // trade in the start's own second is judged by this list, not by a second-precision timestamp.
    const history = this.deps.sources ? new Set<string>() : await this.historyBaseline(wallets);
    this.startAt = clock.now();
    await adapter.initialize();
    const balance = await adapter.fetchBalance();
    this.portfolio = new Portfolio(balance.cash, clock.now(), this.store.holdings(), this.store.daily());
    this.reconciled = await reconcileUnresolved({ adapter, store: this.store, portfolio: this.portfolio, clock, logger, emit: this.emit });

    this.whaleValues = new WhaleBalanceCache(this.deps.whaleValue ?? ((w) => this.dataApi.value(w)), clock, options.whaleTtlMs);
    const whalePositions = new WhalePositions(this.deps.whalePositions ?? ((w) => this.dataApi.positions(w)), clock);
    // Load the whales' books before the first signal so the hot path makes no request for them.
    await Promise.all(
      wallets.map(async (wallet) => {
        await whalePositions.ensure(wallet).catch((e: Error) => logger.warn(`positions of ${wallet}: ${e.message}`));
        if (options.risk.sizing.mode === 'proportional') {
          await this.whaleValues.get(wallet).catch((e: Error) => logger.warn(`value of ${wallet}: ${e.message}`));
        }
      }),
    );

    const markets =
      this.deps.markets ??
      (options.mapMarket
        ? mappedRules()
        : new CachedMarketRules(gammaMarketRules(options.endpoints.gammaUrl ?? options.endpoints.dataApiUrl, this.deps.fetch), clock));

    if (options.cashout) {
      if (!adapter.has.cashout) logger.warn(`${adapter.exchangeName} cannot cash out: --cashout-to ignored`);
      else {
        this.fundManager = new FundManager(
          { ...options.cashout, dryRun: options.dryRun },
          {
            adapter,
            clock,
            logger,
            reserved: () => this.portfolio.reserved,
            onSweep: (sweep) => {
              if (!options.dryRun) this.portfolio.cash -= sweep.amount;
              this.cashedOut += sweep.amount;
              this.emit(
                makeEvent('cashout', clock.now(), {
                  status: options.dryRun ? 'dry_run' : 'sent',
                  reason: sweep.trigger,
                  amount: microsToNumber(sweep.amount),
                  destination: sweep.result.destination,
                  txHash: sweep.result.txHash,
                }),
              );
            },
          },
        );
      }
    }

    this.executor = new TradeExecutor({
      adapter,
      store: this.store,
      portfolio: this.portfolio,
      markets,
      whaleValues: this.whaleValues,
      whalePositions,
      risk: options.risk,
      clock,
      logger,
      emit: this.emit,
      dryRun: options.dryRun,
      mapMarket: options.mapMarket,
      onUnknown: (token) => {
        const timer = setTimeout(() => {
          void this.executor
            .runOnToken(token, async () => {
              this.reconciled += await reconcileUnresolved({ adapter, store: this.store, portfolio: this.portfolio, clock, logger, emit: this.emit }, token);
            })
            .catch((e: Error) => logger.warn(`reconcile: ${e.message}`));
        }, options.reconcileDelayMs ?? 2000);
        this.timers.push(timer);
      },
      onSold: () => void this.fundManager?.trigger('sell').catch((e: Error) => logger.warn(`cashout: ${e.message}`)),
      onPlaced: this.deps.onPlaced,
    });

    this.sources = this.deps.sources ?? this.buildSources(wallets);
    this.monitor = new TradeMonitor({
      sources: this.sources,
      wallets,
      startAt: this.startAt,
      history,
      windowMs: options.dedupWindowMs,
      store: this.store,
      clock,
      onSignal: (key, fill) => void this.executor.submit(key, fill),
    });
    await this.monitor.start();

    if (this.fundManager) {
      const fm = this.fundManager;
      void fm.trigger('start').catch((e: Error) => logger.warn(`cashout: ${e.message}`));
      this.timers.push(setInterval(() => void fm.tick().catch((e: Error) => logger.warn(`cashout: ${e.message}`)), Math.min(options.cashout!.intervalMs, 60_000)));
    }
    // Settled signals older than a week are only history: keep the store file from growing forever.
    this.timers.push(setInterval(() => this.store.prune(clock.now() - 7 * 86_400_000), 3_600_000));
    this.emit(makeEvent('started', clock.now(), { status: options.dryRun ? 'dry_run' : 'live', detail: `following ${wallets.join(', ')} via ${this.sourceNames().join('+')}` }));
  }

  private async historyBaseline(wallets: string[]): Promise<Set<string>> {
    const keys = new Set<string>();
    const recent = Math.floor(this.deps.clock.now() / 1000) - 1;
    await Promise.all(
      wallets.map(async (wallet) => {
        const rows = await this.dataApi.activity(wallet, { limit: 100, offset: 0, start: recent }).catch((e: Error) => {
          this.deps.logger.warn(`history of ${wallet}: ${e.message}`);
          return [];
        });
        for (const row of rows) keys.add(fillKey(activityToFill(row, 'data-api', this.deps.clock)));
      }),
    );
    return keys;
  }

  private buildSources(wallets: string[]): FillSource[] {
    const { options, deps } = this;
    const names = options.sources.length > 0 ? options.sources : (['data-api'] as const);
    const poller = new DataApiPoller(this.dataApi, { wallets, intervalMs: options.pollIntervalMs, since: this.startAt, pageLimit: options.activityPageLimit }, deps.clock, deps.logger);
    const sources: FillSource[] = [];
    if (names.includes('data-api')) sources.push(poller);
    if (names.includes('rtds')) {
      if (!options.endpoints.rtdsUrl) throw new BadInputError('the rtds source needs an RTDS url', { hint: 'set POLYMARKET_RTDS_URL' });
      sources.push(
        new RtdsSource(
          {
            url: options.endpoints.rtdsUrl,
            wallets,
            silenceMs: options.rtdsSilenceMs,
            reconcile: async (since) => {
              poller.rewind(since);
              await poller.pollAll((fill) => this.monitor.accept(fill));
            },
          },
          deps.clock,
          deps.logger,
        ),
      );
    }
    if (names.includes('onchain')) {
      if (!options.endpoints.rpcUrl) throw new BadInputError('the onchain source needs a Polygon RPC url', { hint: 'set POLYGON_RPC_URL' });
      sources.push(new OnchainSource({ rpcUrl: options.endpoints.rpcUrl, wallets, intervalMs: options.pollIntervalMs, fetch: deps.fetch }, deps.clock, deps.logger));
    }
    return sources;
  }

  private sourceNames(): string[] {
    return this.sources.map((s) => s.name);
  }

  /** Stop taking signals, finish orders in flight, flush, and return the summary. */
  async stop(): Promise<MirrorSummary> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.monitor?.stop();
    await this.executor?.stop();
    const summary: MirrorSummary = { ...this.status(), stoppedAt: new Date(this.deps.clock.now()).toISOString(), reconciled: this.reconciled };
    this.store.close();
    await this.deps.adapter.close?.();
    this.emit(makeEvent('stopped', this.deps.clock.now(), { status: 'stopped', detail: JSON.stringify(summary.signals) }));
    return summary;
  }

  status(): MirrorStatus {
    const p = this.portfolio;
    const exec = this.executor?.counters;
    const mon = this.monitor?.counters;
    return {
      wallets: this.options.wallets.map((w) => w.toLowerCase()),
      sources: this.sourceNames(),
      startedAt: new Date(this.startAt).toISOString(),
      dryRun: this.options.dryRun,
      signals: {
        seen: mon?.seen ?? 0,
        copied: exec?.copied ?? 0,
        skipped: exec?.skipped ?? 0,
        failed: exec?.failed ?? 0,
        duplicates: mon?.duplicates ?? 0,
        beforeStart: mon?.beforeStart ?? 0,
      },
      skipReasons: { ...(exec?.skipReasons ?? {}) },
      orders: { ...(exec?.orders ?? { sent: 0, filled: 0, partiallyFilled: 0, missed: 0, unknown: 0 }) },
      positions: p
        ? [...p.holdings.values()].map((h) => ({ token: h.token, market: h.market, size: usd(h.size)!, cost: usd(h.cost)!, mark: usd(h.mark)! }))
        : [],
      cash: usd(p?.cash ?? 0n)!,
      reserved: usd(p?.reserved ?? 0n)!,
      realizedPnl: usd(p?.realizedPnl ?? 0n)!,
      unrealizedPnl: usd(p?.unrealizedPnl() ?? 0n)!,
      cashedOut: usd(this.cashedOut)!,
    };
  }
}

/** Mapped venues (Kalshi) have no Gamma entry: whole contracts, cent ticks. */
function mappedRules(): MarketRulesSource {
  return {
    get: async (fill) => ({
      token: fill.token,
      market: fill.market ?? fill.token,
      active: true,
      closed: false,
      tickSize: 10_000n,
      minSize: 1_000_000n,
      minNotional: 0n,
      sizeStep: 1_000_000n,
    }),
  };
}

/** Runs the mirror until `deps.signal` aborts; resolves with the summary. */
export async function runMirror(options: MirrorOptions, deps: MirrorDeps): Promise<MirrorSummary> {
  const engine = new MirrorEngine(options, deps);
  try {
    await engine.start();
  } catch (error) {
    await engine.stop().catch(() => undefined);
    throw error;
  }
  deps.onReady?.(engine);
  if (!deps.signal.aborted) await new Promise<void>((resolve) => deps.signal.addEventListener('abort', () => resolve(), { once: true }));
  return engine.stop();
}
