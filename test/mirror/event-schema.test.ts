/** src/mirror/events.schema.json: what `betmirror mirror --json` prints, and that the tests really check it. */
import { describe, expect, it, vi } from 'vitest';
import { makeEvent, type MirrorEvent } from '../../src/mirror/events.js';
import type { SourceName } from '../../src/mirror/types.js';
import { startHarness, tempStateDir } from './support/engine-harness.js';
import { assertValidEvent, reportInvalidEventsTo, validated } from './support/event-schema.js';
import { fill } from './support/fakes.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const whaleFill = { wallet: '0x1f2e000000000000000000000000000000009a9a', token: '7131', market: '0xc0de', side: 'buy' as const, whaleSize: 100, whalePrice: 0.5, source: 'rtds', txHash: '0xfeed' };
const copy = { ...whaleFill, copySize: 20, copyPrice: 0.51 };

const oneOfEach: MirrorEvent[] = [
  makeEvent('started', NOW, { status: 'live', detail: 'following 0x1f2e via rtds+data-api' }),
  makeEvent('decision', NOW, { ...copy, status: 'copy', reason: 'max_per_trade' }),
  makeEvent('decision', NOW, { ...whaleFill, status: 'skip', reason: 'below_minimum', detail: '0.8 shares is under the 5-share minimum' }),
  makeEvent('order', NOW, { ...copy, orderId: '0xabc', status: 'partially_filled', filledSize: 12.5, filledValue: 6.25 }),
  makeEvent('order', NOW, { ...copy, status: 'unknown', reason: 'the connection dropped' }),
  makeEvent('reconciled', NOW, { ...copy, source: null, txHash: null, orderId: '0xabc', status: 'filled', reason: 'reconciled with the venue order', filledSize: 20, filledValue: 10.2 }),
  makeEvent('book', NOW, { status: 'adopted', reason: 'periodic', bookAmount: 200, venueAmount: 199.75, detail: 'cash (USD): books 200, venue 199.75' }),
  makeEvent('cashout', NOW, { status: 'sent', reason: 'sell', amount: 50, destination: '0x3f5c', txHash: '0xbeef' }),
  makeEvent('detection', NOW, { ...whaleFill, status: 'confirmed', detection: { first: 'rtds', reports: [{ source: 'rtds', afterMs: 0 }, { source: 'data-api', afterMs: 850 }], missed: ['onchain'] } }),
  makeEvent('warning', NOW, { detail: 'the RTDS stream is silent' }),
  makeEvent('stopped', NOW, { status: 'stopped', detail: '{"seen":1}' }),
];

describe('mirror event schema', () => {
  it.each(oneOfEach.map((event) => [`${event.type} ${event.status ?? ''}`, event] as const))('accepts %s', (_, event) => {
    expect(() => assertValidEvent(JSON.parse(JSON.stringify(event)))).not.toThrow();
  });

  it('accepts the summary line the command prints', async () => {
    const stateDir = tempStateDir();
    const h = await startHarness({ stateDir });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    const summary = await h.stop();
    expect(summary.venue).not.toBeNull();
    expect(() => assertValidEvent(JSON.parse(JSON.stringify({ type: 'summary', exchange: 'polymarket', stateDir, ...summary })))).not.toThrow();
  });

  it('rejects an event with a missing field', () => {
    const { detail: _, ...event } = makeEvent('stopped', NOW, { status: 'stopped', detail: '{}' });
    expect(() => assertValidEvent(event)).toThrow("event must have required property 'detail'");
  });

  it('rejects an amount written as a string', () => {
    const event = makeEvent('cashout', NOW, { status: 'sent', reason: 'sell', amount: '50' as unknown as number, destination: '0x3f5c', txHash: '0xbeef' });
    expect(() => assertValidEvent(event)).toThrow('event/amount must be number');
  });

  it('rejects a detection event without its race, or naming an unknown source', () => {
    expect(() => assertValidEvent(makeEvent('detection', NOW, { ...whaleFill, status: 'confirmed' }))).toThrow('event/detection must be object');
    const race = { first: 'rtds' as const, reports: [{ source: 'pigeon' as SourceName, afterMs: 0 }], missed: [] };
    expect(() => assertValidEvent(makeEvent('detection', NOW, { ...whaleFill, status: 'unconfirmed', detection: race }))).toThrow('event/detection/reports/0/source');
  });

  it('rejects an unknown event type', () => {
    expect(() => assertValidEvent({ ...makeEvent('warning', NOW), type: 'paused' })).toThrow('tag "type" must be in oneOf');
  });

  it('rejects a field it does not list', () => {
    expect(() => assertValidEvent({ ...oneOfEach[3], fee: 0.02 })).toThrow('must NOT have additional properties: fee');
  });

  it('rejects a skip reason outside SkipReason, and a copy without its order', () => {
    expect(() => assertValidEvent(makeEvent('decision', NOW, { ...whaleFill, status: 'skip', reason: 'too_expensive', detail: '' }))).toThrow('event/reason');
    expect(() => assertValidEvent(makeEvent('decision', NOW, { ...whaleFill, status: 'copy' }))).toThrow('event/copySize must be number');
  });
});

describe('the harnesses check every event', () => {
  it('validated() throws on a bad event, reports it and does not pass it on', () => {
    const report = vi.fn();
    const undo = reportInvalidEventsTo(report);
    const sink = vi.fn();
    try {
      const onEvent = validated(sink);
      onEvent(oneOfEach[0]!);
      expect(() => onEvent({ ...oneOfEach[0]!, status: 'paused' })).toThrow('event/status');
    } finally {
      undo();
    }
    expect(sink).toHaveBeenCalledTimes(1);
    expect(report).toHaveBeenCalledTimes(1);
  });

  it('the engine harness reports a bad event the engine emits', async () => {
    const errors: Error[] = [];
    const undo = reportInvalidEventsTo((error) => errors.push(error));
    try {
      const h = await startHarness();
      // A source the schema does not know: the decision and order events carry it.
      h.sources[0]!.push(fill({ source: 'pigeon' as SourceName, timestamp: h.clock.now(), seenAt: h.clock.now() }));
      await h.engine.executor.drain();
      await h.stop();
    } finally {
      undo();
    }
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/event\/source must be equal to one of[^]*"type":"decision"/), expect.stringMatching(/event\/source[^]*"type":"order"/)]);
  });

  // The engine catches what onEvent throws, so the check must fail the test by itself.
  it.fails('fails the running test even though the engine swallows the throw (expected to fail)', async () => {
    const h = await startHarness();
    h.sources[0]!.push(fill({ source: 'pigeon' as SourceName, timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    await h.stop();
  });
});
