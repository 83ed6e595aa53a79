/**
 * Every source raced (issue 12): a fill is acted on when the first source reports it, the others
 * confirm it; per source the run counts fills seen first, confirmed, missed, and the lead over the
 * next source. Virtual time: every delay below is exact.
 */
import { describe, expect, it } from 'vitest';
import type { MirrorEvent } from '../../src/mirror/events.js';
import { percentile, SourceRace } from '../../src/mirror/sources/race.js';
import { defaultSources } from '../../src/mirror/sources/source.js';
import type { SourceName } from '../../src/mirror/types.js';
import { baseOptions, ManualSource, startHarness } from './support/engine-harness.js';
import { fill, M, ManualClock } from './support/fakes.js';

/** $5 per copied buy at the whale's 0.50: 10 shares an order. */
const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: M(5), multiplier: M(1), percent: 0n } };
const detections = (events: MirrorEvent[]) => events.filter((e) => e.type === 'detection');

describe('racing the sources through the engine', () => {
  it('acts on the first report only, and scores each source exactly', async () => {
    const clock = new ManualClock();
    const rtds = new ManualSource('rtds');
    const dataApi = new ManualSource('data-api');
    const onchain = new ManualSource('onchain');
    const h = await startHarness({ raceWindowMs: 60_000, risk: fixed5 }, { clock, sources: [rtds, dataApi, onchain] });
    const by = { rtds, 'data-api': dataApi, onchain };
    /** Each source in `plan` reports the same whale fill `afterMs` after the start of the race. */
    const race = async (size: number, plan: Array<[SourceName, number]>) => {
      const start = clock.now();
      const whale = fill({ size: M(size), timestamp: start, seenAt: start });
      for (const [source, at] of plan) {
        await clock.run(start + at - clock.now());
        by[source].push({ ...whale, source, seenAt: clock.now() });
      }
      await h.engine.executor.drain();
    };
    await race(10, [['rtds', 0], ['data-api', 850], ['onchain', 2100]]);
    await race(20, [['onchain', 0], ['rtds', 300]]); // the Data API never shows it
    await race(30, [['rtds', 0], ['data-api', 1200]]); // the chain never shows it
    await race(40, [['data-api', 0]]); // RTDS silent, no chain: the poller fills the gap
    await race(50, [['rtds', 0], ['onchain', 400], ['data-api', 3000]]);
    // Four races are still open: data-api has 60 s to show fill 2. At 61 s all windows have run out.
    await clock.run(61_000);
    const summary = await h.stop();

    // One order per whale fill, whoever saw it first and however many confirmed it.
    expect(h.venue.orders.map((o) => [o.size, o.price])).toEqual(Array(5).fill([M(10), M(0.51)]));
    // Each copy booked once: 5 x 10 x 0.51 spent, at the venue and in the books.
    expect(h.venue.cash).toBe(M(200) - 5n * M(5.1));
    expect(h.engine.portfolio.cash).toBe(h.venue.cash);
    expect(summary.cash).toBe(174.5);
    expect(h.events.filter((e) => e.type === 'decision').map((e) => [e.whaleSize, e.status])).toEqual([[10, 'copy'], [20, 'copy'], [30, 'copy'], [40, 'copy'], [50, 'copy']]);
    expect(summary.signals).toMatchObject({ seen: 5, duplicates: 6 });
    expect(summary.detection).toEqual({
      windowMs: 60_000,
      pending: 0,
      sources: [
        { source: 'rtds', first: 3, confirmed: 1, missed: 1, leadP50Ms: 850, leadP99Ms: 1200 },
        { source: 'data-api', first: 1, confirmed: 3, missed: 1, leadP50Ms: null, leadP99Ms: null },
        { source: 'onchain', first: 1, confirmed: 2, missed: 2, leadP50Ms: 300, leadP99Ms: 300 },
      ],
    });
    // Leads of rtds: 850 (fill 1), 1200 (fill 3), 400 (fill 5): p50 = 850, p99 = 1200.
    expect(detections(h.events).map((e) => [e.whaleSize, e.source, e.status, e.detection])).toEqual([
      [10, 'rtds', 'confirmed', { first: 'rtds', reports: [{ source: 'rtds', afterMs: 0 }, { source: 'data-api', afterMs: 850 }, { source: 'onchain', afterMs: 2100 }], missed: [] }],
      [50, 'rtds', 'confirmed', { first: 'rtds', reports: [{ source: 'rtds', afterMs: 0 }, { source: 'onchain', afterMs: 400 }, { source: 'data-api', afterMs: 3000 }], missed: [] }],
      [20, 'onchain', 'confirmed', { first: 'onchain', reports: [{ source: 'onchain', afterMs: 0 }, { source: 'rtds', afterMs: 300 }], missed: ['data-api'] }],
      [30, 'rtds', 'confirmed', { first: 'rtds', reports: [{ source: 'rtds', afterMs: 0 }, { source: 'data-api', afterMs: 1200 }], missed: ['onchain'] }],
      [40, 'data-api', 'unconfirmed', { first: 'data-api', reports: [{ source: 'data-api', afterMs: 0 }], missed: ['rtds', 'onchain'] }],
    ]);
    // The copy decisions name the source that won each race.
    expect(h.events.filter((e) => e.type === 'decision').map((e) => e.source)).toEqual(['rtds', 'onchain', 'rtds', 'data-api', 'rtds']);
  });

  it('a fill still inside its window at the stop is pending, not missed', async () => {
    const clock = new ManualClock();
    const rtds = new ManualSource('rtds');
    const dataApi = new ManualSource('data-api');
    const h = await startHarness({ raceWindowMs: 60_000 }, { clock, sources: [rtds, dataApi] });
    rtds.push(fill({ source: 'rtds', timestamp: clock.now(), seenAt: clock.now() }));
    await h.engine.executor.drain();
    await clock.run(59_000);
    const summary = await h.stop();
    expect(summary.detection.pending).toBe(1);
    expect(summary.detection.sources.map((s) => [s.source, s.first, s.missed])).toEqual([['rtds', 1, 0], ['data-api', 0, 0]]);
    expect(detections(h.events)).toEqual([]);
  });
});

describe('SourceRace', () => {
  it('ignores a second report from the same source and reports that arrive after the window', () => {
    const settled: string[] = [];
    const race = new SourceRace(['rtds', 'data-api'], 1000, (r) => settled.push(`${r.key}:${r.missed.join('+')}`));
    race.start('a', fill({ source: 'rtds' }), 0);
    race.report('a', 'rtds', 10);
    race.settle(999);
    expect(settled).toEqual([]);
    race.settle(1000);
    race.report('a', 'data-api', 1001);
    expect(settled).toEqual(['a:data-api']);
    expect(race.summary().sources).toEqual([
      { source: 'rtds', first: 1, confirmed: 0, missed: 0, leadP50Ms: null, leadP99Ms: null },
      { source: 'data-api', first: 0, confirmed: 0, missed: 1, leadP50Ms: null, leadP99Ms: null },
    ]);
  });

  it('nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 99), percentile([7], 99), percentile([], 50)]).toEqual([50, 99, 7, null]);
  });
});

describe('the default sources', () => {
  it('every source where its endpoint is configured, one list for settings and engine', () => {
    expect(defaultSources({})).toEqual(['data-api']);
    expect(defaultSources({ rtdsUrl: 'wss://rtds' })).toEqual(['rtds', 'data-api']);
    expect(defaultSources({ rtdsUrl: 'wss://rtds', rpcUrl: 'https://polygon' })).toEqual(['rtds', 'data-api', 'onchain']);
  });
});
