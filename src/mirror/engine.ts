/**
 * The mirror engine's shell: wires sources -> TradeMonitor -> TradeExecutor -> adapter, the durable
 * store, the FundManager and the status model, and runs until the AbortSignal fires. Everything
 * arrives injected (adapter, clock, fetch, logger, signal); nothing here reads env or prints.
 */
import { every, type Clock, type Logger } from '../core/runtime.js';
import { microsToNumber, type Micros } from '../core/money.js';
import { BadInputError, ConfigError } from '../core/errors.js';
import type { IExchangeAdapter } from '../exchanges/adapter.js';
import { makeEvent, usd, type MirrorEvent, type MirrorStatus } from './events.js';
import { FundManager, type FundManagerConfig } from './fund-manager.js';
import { CachedMarketRules, venueMarketRules, type MarketRulesSource } from './market-rules.js';
import { MarketTitles } from './market-titles.js';
import { Portfolio } from './portfolio.js';
import { reconcileUnresolved } from './reconcile.js';
import { syncWithVenue, type SyncScope, type VenueView } from './books.js';
import { activityToFill, DataApiClient } from './sources/data-api.js';
import { fillKey } from './dedup.js';
import { dataApiBudgetLimits, RequestBudget } from './sources/budget.js';
import { DataApiPoller } from './sources/data-api-poller.js';
import { OnchainSource } from './sources/onchain.js';
import { RtdsSource } from './sources/rtds.js';
import { defaultSources, type FillSource } from './sources/source.js';
import { StateLock } from './lock.js';
import { MirrorStore, PRUNE_EVERY_MS } from './store.js';
import { TradeExecutor } from './trade-executor.js';
import { DEFAULT_DEDUP_WINDOW_MS, DEFAULT_RACE_WINDOW_MS, TradeMonitor } from './trade-monitor.js';
import { DEFAULT_MAX_SIGNAL_AGE_MS, DEFAULT_RETENTION_MS } from './settings.js';
import type { MarketMapper, RiskConfig, SourceName, WhaleFill } from './types.js';
import { WhaleBalanceCache, type WhaleValueFetcher } from './whale-balance-cache.js';
import { WhalePositions, type WhalePositionsFetcher } from './whale-positions.js';
import { WhaleBooks } from './whale-books.js';
import { collateralReader, whaleEquity, type CollateralReader } from './whale-equity.js';

export interface MirrorOptions {
  wallets: readonly string[];
  /**
   * Sources raced against each other: the first to report a fill is acted on, the others confirm it
   * or fill gaps, through the same dedup. Undefined or empty: every source available (defaultSources).
   */
  sources?: readonly SourceName[];
  /** How long the other sources are waited for before one counts as having missed a fill (ms). */
  raceWindowMs?: number;
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
  /** Signals older than this are skipped and reported, never copied (default 120 000 ms). */
  maxSignalAgeMs?: number;
  /** Settled signals are pruned from the store after this long (default a day; never under twice the dedup window). */
  retentionMs?: number;
  /** How often the books are checked against the venue's cash and holdings (default 60 000 ms). */
  bookSyncIntervalMs?: number;
}

export const DEFAULT_BOOK_SYNC_INTERVAL_MS = 60_000;
/**
 * A restart re-reads this far before the previous run's last sign of life: the Data API shows a fill
 * seconds after it happened (VENUES.md 1.5: "The Data API lags the chain by seconds"), so a fill from
 * just before a crash may not have been visible to it yet.
 */
const RESUME_LAG_MS = 60_000;
/** How often a running mirror records that it is alive (the restart's resume point). */
const ALIVE_EVERY_MS = 5_000;

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

/** The venue's figures at the end, and where the books differ from them. */
export interface VenueSummary {
  cash: number | null;
  positions: Array<{ token: string; size: number }>;
  differences: Array<{ token: string | null; book: number; venue: number }>;
}

export type MirrorSummary = MirrorStatus & { stoppedAt: string; reconciled: number; venue: VenueSummary | null };

export class MirrorEngine {
  startAt: number;
  readonly store: MirrorStore;
  portfolio!: Portfolio;
  executor!: TradeExecutor;
  monitor!: TradeMonitor;
  fundManager: FundManager | undefined;
  whaleValues!: WhaleBalanceCache;
  whaleBooks!: WhaleBooks;
  private collateral: CollateralReader | undefined;
  /** Market names for people (Gamma, in the background): events and the summary's positions. */
  private titles: MarketTitles | undefined;
  dataApi: DataApiClient;
  readonly budget: RequestBudget;
  sources: FillSource[] = [];
  cashedOut = 0n;
  reconciled = 0;
  /** Start of the first run on this state (fills before it are history, even after restarts). */
  private baselineAt = 0;
  private syncing = false;
  private timers: Array<() => void> = [];
  private readonly lock: StateLock | undefined;
  /** Set when the mirror cannot go on safely (its state store failed): the run stops and fails with it. */
  fatal: Error | undefined;
  private readonly halted = new AbortController();

  constructor(
    private readonly options: MirrorOptions,
    private readonly deps: MirrorDeps,
  ) {
    this.startAt = deps.clock.now();
    this.lock = options.stateDir && !options.dryRun ? StateLock.acquire(options.stateDir, deps.clock.now()) : undefined;
    try {
      this.store = options.stateDir && !options.dryRun ? MirrorStore.open(options.stateDir) : new MirrorStore(':memory:');
    } catch (error) {
      this.lock?.release();
      throw error;
    }
    // One budget for every Data API request of this mirror: polls, gap reads, whale books (VENUES.md 1.7).
    this.budget = new RequestBudget(dataApiBudgetLimits(), deps.clock);
    this.dataApi = new DataApiClient(options.endpoints.dataApiUrl, deps.fetch, this.budget);
  }

  /** Aborts when the engine stopped itself (a fatal failure). */
  get haltSignal(): AbortSignal {
    return this.halted.signal;
  }

  /**
   * Stops taking signals because going on could lose or double money (the state store failed) or is
   * refused (a geoblock); `runMirror` then fails with `error`, whose message the entry point prints.
   */
  halt(error: Error, fill?: WhaleFill, reason: 'state_store_failed' | 'geoblocked' = 'state_store_failed'): void {
    if (this.fatal) return;
    this.fatal = error;
    this.emit(
      makeEvent('warning', this.deps.clock.now(), {
        wallet: fill?.wallet ?? null,
        token: fill?.token ?? null,
        market: fill?.market ?? null,
        side: fill?.side ?? null,
        whaleSize: usd(fill?.size),
        whalePrice: usd(fill?.price),
        txHash: fill?.txHash ?? null,
        source: fill?.source ?? null,
        status: 'stopping',
        reason,
        detail:
          reason === 'geoblocked'
            ? 'the mirror stops: every order would be refused the same way'
            : `${error.message}${fill ? ': this whale fill was not decided' : ''}; the mirror stops`,
      }),
    );
    this.halted.abort();
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
    // A restart resumes where the previous run left off: a fill it saw but had not decided when it
    // died is decided now (the store drops what it did decide). A fresh start treats what the Data API
    // already shows as history; the start time is taken right after, so a trade in the start's own
    // second is judged by that list, not by a second-precision timestamp.
    const resume = options.dryRun ? undefined : this.store.resumePoint();
    const resuming = resume !== undefined && clock.now() - resume.aliveAt < (options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS);
    const history = this.deps.sources || resuming ? new Set<string>() : await this.historyBaseline(wallets);
    this.baselineAt = resuming ? resume.startAt : clock.now();
    this.startAt = resuming ? Math.max(resume.startAt, resume.aliveAt - RESUME_LAG_MS) : this.baselineAt;
    this.markAlive();

    if (!options.dryRun) this.store.prune(this.pruneBefore());
    await adapter.initialize();
    const totals = this.store.totals();
    const cash = totals?.cash ?? (await adapter.fetchBalance()).cash;
    this.portfolio = new Portfolio(cash, clock.now(), this.store.holdings(), this.store.daily(), totals);
    this.reconciled = await reconcileUnresolved({ adapter, store: this.store, portfolio: this.portfolio, clock, logger, emit: this.emit });
    // The venue is the truth: whatever moved while we were not looking (a hand sale, a deposit, a
    // fill settled above) is adopted now, each difference reported with both figures.
    if (!options.dryRun) {
      await this.sync({ cash: true, tokens: this.portfolio.holdings.keys(), reason: resuming ? 'restart' : 'start' });
      // From here the stored book is the venue's: a crash before the next booking restarts from it.
      this.store.transaction(() => this.store.saveBook(this.portfolio, this.portfolio.holdings.keys()));
    }

    const rpcUrl = options.endpoints.rpcUrl;
    if (!rpcUrl && options.risk.sizing.mode === 'proportional' && !this.deps.whaleValue) {
      logger.warn('no Polygon RPC: whale equity counts positions only, so proportional copies can be larger than intended (--max-copy-fraction bounds them)');
    }
    this.collateral = rpcUrl && !this.deps.whaleValue ? collateralReader({ rpcUrl, fetch: this.deps.fetch }) : undefined;
    const whaleValue = this.deps.whaleValue ?? whaleEquity(this.dataApi, this.collateral);
    this.whaleValues = new WhaleBalanceCache(whaleValue, clock, options.whaleTtlMs);
    const whalePositions = new WhalePositions(this.deps.whalePositions ?? ((w) => this.dataApi.positions(w)), clock);
    // The whales' books load in the background, once the mirror runs: a fill from a wallet not loaded
    // yet loads that wallet first (the executor, on demand), so no decision goes without its book.
    this.whaleBooks = new WhaleBooks({
      wallets,
      positions: whalePositions,
      values: options.risk.sizing.mode === 'proportional' ? this.whaleValues : undefined,
      limits: this.budget.limits,
      clock,
      logger,
    });

    // Rules come from the venue the copies are placed on (mapped or not); Gamma only names markets.
    const markets = this.deps.markets ?? new CachedMarketRules(venueMarketRules(adapter), clock);

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
              // A sweep is a transfer, not a loss. Under smart-account custody it leaves the smart
              // account, not the trading balance the books follow.
              if (!options.dryRun && !adapter.fetchCashoutBalance) {
                this.portfolio.transfer(-sweep.amount);
                this.store.saveBook(this.portfolio);
              }
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
      titles: (this.titles = new MarketTitles(options.endpoints.gammaUrl, this.deps.fetch, clock, logger)),
      whaleValues: this.whaleValues,
      whalePositions,
      risk: options.risk,
      clock,
      logger,
      emit: this.emit,
      dryRun: options.dryRun,
      mapMarket: options.mapMarket,
      onUnknown: (token) => {
        const cancel = clock.after(options.reconcileDelayMs ?? 2000, () => {
          void this.executor
            .runOnToken(token, async () => {
              this.reconciled += await reconcileUnresolved({ adapter, store: this.store, portfolio: this.portfolio, clock, logger, emit: this.emit }, token);
              await this.sync({ tokens: [token], reason: 'unknown outcome settled' });
            })
            // A settled order is booked at what the venue's order record says (Polymarket's is a bound:
            // matched size x limit price); the balance says what it cost.
            .then(() => this.exclusiveSync(() => this.syncCash('unknown outcome settled')))
            .catch((e: Error) => (e instanceof ConfigError ? this.halt(e) : logger.warn(`reconcile: ${e.message}`)));
        });
        this.timers.push(cancel);
      },
      syncHolding: async (token) => void (await this.sync({ tokens: [token], reason: 'before a sell' })),
      onStoreFailure: (error) => this.halt(error),
      onGeoblocked: (error) => this.halt(error, undefined, 'geoblocked'),
      maxSignalAgeMs: options.maxSignalAgeMs ?? DEFAULT_MAX_SIGNAL_AGE_MS,
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
      onStoreFailure: (error, fill) => this.halt(error, fill),
      raceWindowMs: options.raceWindowMs,
      onRaceSettled: (race) =>
        this.emit(
          makeEvent('detection', clock.now(), {
            wallet: race.fill.wallet,
            token: race.fill.token,
            market: race.fill.market ?? null,
            title: race.fill.title ?? null,
            outcome: race.fill.outcome ?? null,
            side: race.fill.side,
            whaleSize: usd(race.fill.size),
            whalePrice: usd(race.fill.price),
            txHash: race.fill.txHash,
            source: race.first,
            status: race.reports.length > 1 ? 'confirmed' : 'unconfirmed',
            detection: { first: race.first, reports: race.reports, missed: race.missed },
          }),
        ),
    });
    await this.monitor.start();
    this.whaleBooks.start();

    if (this.fundManager) {
      const fm = this.fundManager;
      void fm.trigger('start').catch((e: Error) => logger.warn(`cashout: ${e.message}`));
      this.timers.push(every(clock, Math.min(options.cashout!.intervalMs, 60_000), () => void fm.tick().catch((e: Error) => logger.warn(`cashout: ${e.message}`))));
    }
    // Settled signals past the retention window are only history: pruned a slice at a time.
    this.timers.push(every(clock, PRUNE_EVERY_MS, () => this.store.pruneStep(this.pruneBefore())));
    this.timers.push(every(clock, ALIVE_EVERY_MS, () => this.markAlive()));
    if (!options.dryRun) {
      this.timers.push(every(clock, options.bookSyncIntervalMs ?? DEFAULT_BOOK_SYNC_INTERVAL_MS, () => void this.periodicSync().catch((e: Error) => logger.warn(`books: ${e.message}`))));
    }
    this.emit(makeEvent('started', clock.now(), { status: options.dryRun ? 'dry_run' : 'live', detail: `following ${wallets.join(', ')} via ${this.sourceNames().join('+')}` }));
  }

  /** Nothing running: no signal or settlement in a token queue, no periodic sync (tests wait for it). */
  get idle(): boolean {
    return !this.syncing && (this.executor?.inFlight ?? 0) === 0;
  }

  /** Settled signals recorded before this are pruned; never inside twice the dedup window a restart relies on. */
  private pruneBefore(): number {
    const window = this.options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    return this.deps.clock.now() - Math.max(this.options.retentionMs ?? DEFAULT_RETENTION_MS, 2 * window);
  }

  private markAlive(): void {
    if (this.options.dryRun || !this.store.isOpen) return;
    try {
      this.store.saveResumePoint({ startAt: this.baselineAt, aliveAt: this.deps.clock.now() });
    } catch (error) {
      // Only the restart's resume point: worth a warning, not a stop (the next beat retries).
      this.deps.logger.warn(this.store.failure('could not record the resume point', error).message);
    }
  }

  /**
   * Books against the venue. A token with an order whose outcome is not booked yet is left out: the
   * venue may already show that order, and adopting its figure before the order is settled would
   * count it twice.
   */
  private sync(scope: SyncScope): Promise<VenueView> {
    const { adapter, clock } = this.deps;
    const unsettled = this.store.unsettledTokens();
    const tokens = [...(scope.tokens ?? [])].filter((token) => !unsettled.has(token));
    return syncWithVenue({ adapter, portfolio: this.portfolio, store: this.store, mapped: !!this.options.mapMarket, clock, emit: this.emit }, { ...scope, tokens });
  }

  /**
   * Every token's holding inside its own queue (no order of ours on it in flight), then cash when
   * nothing is on the wire: no order in flight or unsettled, no sweep, and none started during the read.
   */
  private periodicSync(): Promise<void> {
    return this.exclusiveSync(async () => {
      for (const token of [...this.portfolio.holdings.keys()]) {
        await this.executor.runOnToken(token, async () => void (await this.sync({ tokens: [token], reason: 'periodic' })));
      }
      await this.syncCash('periodic');
    });
  }

  /** One sync at a time; a sync asked for while one runs is dropped (the running one or the next period covers it). */
  private async exclusiveSync(work: () => Promise<void>): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await work();
    } finally {
      this.syncing = false;
    }
  }

  /** Cash, when nothing is on the wire and nothing started or settled during the read. */
  private async syncCash(reason: string): Promise<void> {
    const quiet = () => this.executor.inFlight === 0 && this.portfolio.reserved === 0n && !this.fundManager?.busy && this.store.unsettledTokens().size === 0;
    if (!quiet()) return;
    const activity = this.executor.activity;
    const cashedOut = this.cashedOut;
    await this.sync({ cash: true, reason, cashComparable: () => quiet() && activity === this.executor.activity && cashedOut === this.cashedOut });
  }

  private async historyBaseline(wallets: string[]): Promise<Set<string>> {
    const keys = new Set<string>();
    const recent = Math.floor(this.deps.clock.now() / 1000) - 1;
    await Promise.all(
      wallets.map(async (wallet) => {
        const rows = await this.dataApi.activity(wallet, { limit: 100, start: recent }).catch((e: Error) => {
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
    const names = options.sources?.length ? options.sources : defaultSources(options.endpoints);
    let rtds: RtdsSource | undefined;
    const poller = new DataApiPoller(
      this.dataApi,
      { wallets, intervalMs: options.pollIntervalMs, since: this.startAt, pageLimit: options.activityPageLimit, budget: this.dataApi.budget, firehoseLive: () => rtds?.live ?? false },
      deps.clock,
      deps.logger,
    );
    const sources: FillSource[] = [];
    if (names.includes('data-api')) sources.push(poller);
    if (names.includes('rtds')) {
      if (!options.endpoints.rtdsUrl) throw new BadInputError('the rtds source needs an RTDS url', { hint: 'set POLYMARKET_RTDS_URL' });
      sources.push(
        (rtds = new RtdsSource(
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
        )),
      );
    }
    if (names.includes('onchain')) {
      if (!options.endpoints.rpcUrl) throw new BadInputError('the onchain source needs a Polygon RPC url', { hint: 'set POLYGON_RPC_URL' });
      sources.push(new OnchainSource({ rpcUrl: options.endpoints.rpcUrl, wallets, intervalMs: options.pollIntervalMs, fetch: deps.fetch }, deps.clock, deps.logger));
    }
    // In the order asked (the status, the summary and the race scores list them so).
    return sources.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
  }

  private sourceNames(): string[] {
    return this.sources.map((s) => s.name);
  }

  /** Stop taking signals, finish orders in flight, flush, and return the summary. */
  async stop(): Promise<MirrorSummary> {
    for (const cancel of this.timers) cancel();
    this.whaleBooks?.stop();
    await this.monitor?.stop();
    await this.executor?.stop();
    this.collateral?.close();
    const venue = await this.venueSummary();
    const summary: MirrorSummary = { ...this.status(), stoppedAt: new Date(this.deps.clock.now()).toISOString(), reconciled: this.reconciled, venue };
    this.markAlive();
    this.store.close();
    this.lock?.release();
    await this.deps.adapter.close?.();
    this.emit(makeEvent('stopped', this.deps.clock.now(), { status: 'stopped', detail: JSON.stringify(summary.signals) }));
    return summary;
  }

  /** Cash and positions as the venue holds them at the end, with any difference from the books (not adopted). */
  private async venueSummary(): Promise<VenueSummary | null> {
    if (!this.portfolio || this.options.dryRun) return null;
    try {
      const view = await this.sync({ cash: true, tokens: this.portfolio.holdings.keys(), mode: 'report', reason: 'stop' });
      return {
        cash: view.cash === undefined ? null : microsToNumber(view.cash),
        positions: [...view.holdings].filter(([, size]) => size > 0n).map(([token, size]) => ({ token, size: microsToNumber(size) })),
        differences: view.differences.map((d) => ({ token: d.token ?? null, book: microsToNumber(d.book), venue: microsToNumber(d.venue) })),
      };
    } catch (error) {
      this.deps.logger.warn(`venue figures at the end: ${(error as Error).message}`);
      return null;
    }
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
        ? [...p.holdings.values()].map((h) => ({
            token: h.token,
            market: h.market,
            title: this.titles?.known(h.token) ?? null,
            size: usd(h.size)!,
            cost: usd(h.cost)!,
            mark: usd(h.mark)!,
          }))
        : [],
      cash: usd(p?.cash ?? 0n)!,
      reserved: usd(p?.reserved ?? 0n)!,
      realizedPnl: usd(p?.realizedPnl ?? 0n)!,
      unrealizedPnl: usd(p?.unrealizedPnl() ?? 0n)!,
      fees: usd(p?.fees ?? 0n)!,
      cashedOut: usd(this.cashedOut)!,
      detection: this.monitor?.race.summary() ?? { windowMs: this.options.raceWindowMs ?? DEFAULT_RACE_WINDOW_MS, pending: 0, sources: [] },
    };
  }
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
  if (!deps.signal.aborted && !engine.fatal) {
    await new Promise<void>((resolve) => {
      deps.signal.addEventListener('abort', () => resolve(), { once: true });
      engine.haltSignal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  const summary = await engine.stop();
  if (engine.fatal) throw engine.fatal;
  return summary;
}
