/** Runs the real engine in-process against the FakeVenue with a source the test pushes fills into. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/core/runtime.js';
import { runMirror, type MirrorEngine, type MirrorOptions, type MirrorSummary } from '../../../src/mirror/engine.js';
import type { MirrorEvent } from '../../../src/mirror/events.js';
import type { FillSink, FillSource } from '../../../src/mirror/sources/source.js';
import type { SourceName, WhaleFill } from '../../../src/mirror/types.js';
import { validated } from './event-schema.js';
import { FakeVenue, M, ManualClock, rules } from './fakes.js';

export class ManualSource implements FillSource {
  sink: FillSink | undefined;
  stopped = false;
  constructor(readonly name: SourceName = 'data-api') {}
  async start(sink: FillSink): Promise<void> {
    this.sink = sink;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  push(fill: WhaleFill): void {
    this.sink?.(fill);
  }
}

export function baseOptions(overrides: Partial<MirrorOptions> = {}): MirrorOptions {
  return {
    wallets: ['0xwhale'],
    sources: ['data-api'],
    pollIntervalMs: 1000,
    risk: {
      sizing: { mode: 'proportional', multiplier: M(1), fixedUsd: M(10), percent: M(5) },
      caps: {},
      maxSlippage: M(0.02),
      orderType: 'FAK',
      allow: [],
      deny: [],
    },
    dryRun: false,
    endpoints: { dataApiUrl: 'http://unused.invalid' },
    ...overrides,
  };
}

export interface Harness {
  engine: MirrorEngine;
  venue: FakeVenue;
  clock: ManualClock;
  sources: ManualSource[];
  events: MirrorEvent[];
  whaleValueCalls: () => number;
  stop(): Promise<MirrorSummary>;
  /** kill -9: see killEngine. */
  kill(): void;
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'betmirror-mirror-'));
}

export async function startHarness(
  options: Partial<MirrorOptions> = {},
  setup: {
    venue?: FakeVenue;
    clock?: ManualClock;
    whaleValue?: bigint;
    whalePositions?: Map<string, bigint>;
    sources?: ManualSource[];
    /** The engine's own rules lookup over the venue's fetchInstrumentRules, instead of fixed test rules. */
    rulesFromVenue?: boolean;
    /** Default: a fetch that refuses every request (no network). */
    fetch?: typeof fetch;
    /** The whales' positions and values come from the Data API through `fetch` (the engine's own client and budget). */
    booksFromDataApi?: boolean;
  } = {},
): Promise<Harness> {
  const venue = setup.venue ?? new FakeVenue(M(200));
  const clock = setup.clock ?? new ManualClock();
  const sources = setup.sources ?? [new ManualSource()];
  const events: MirrorEvent[] = [];
  const controller = new AbortController();
  let valueCalls = 0;
  let engine!: MirrorEngine;
  let summary!: Promise<MirrorSummary>;
  const ready = new Promise<void>((resolve, reject) => {
    const done = runMirror(baseOptions(options), {
      adapter: venue,
      clock,
      fetch: setup.fetch ?? ((() => Promise.reject(new Error('no network in this test'))) as typeof fetch),
      logger: silentLogger,
      signal: controller.signal,
      onEvent: validated((event) => events.push(event)),
      sources,
      markets: setup.rulesFromVenue ? undefined : { get: async (f) => rules({ token: f.token, market: f.market ?? 'C1' }) },
      ...(setup.booksFromDataApi
        ? {}
        : { whaleValue: async () => (valueCalls++, setup.whaleValue ?? M(1000)), whalePositions: async () => new Map(setup.whalePositions ?? []) }),
      onReady: (e) => {
        engine = e;
        resolve();
      },
    });
    done.catch(reject);
    summary = done;
  });
  await ready;
  return {
    engine,
    venue,
    clock,
    sources,
    events,
    whaleValueCalls: () => valueCalls,
    stop: async () => {
      controller.abort();
      return summary;
    },
    kill: () => killEngine(engine),
  };
}

/**
 * kill -9 of an in-process engine: nothing of it runs again (the test stops feeding it and its timers
 * die with its clock) and, as the operating system does for a dead process, its lock on the profile's
 * state is dropped.
 */
export function killEngine(engine: MirrorEngine): void {
  (engine as unknown as { lock?: { release(): void } }).lock?.release();
}
