/**
 * The real engine mirroring onto the local Kalshi through the real KalshiAdapter: rules from
 * GET /markets/{ticker}, a buy capped at $10 sized so that cost + Kalshi's cash fee fits, the fee held
 * in the reservation while the order is on the wire, and the books equal to Kalshi's cash afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicros } from '../../../src/core/money.js';
import { silentLogger, systemClock } from '../../../src/core/runtime.js';
import type { OrderParams } from '../../../src/core/types.js';
import { runMirror, type MirrorEngine } from '../../../src/mirror/engine.js';
import type { MirrorEvent } from '../../../src/mirror/events.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { baseOptions, ManualSource } from '../../mirror/support/engine-harness.js';
import { fill } from '../../mirror/support/fakes.js';
import { generateKey, makeAdapter } from './helpers.js';

const m = (text: string) => toMicros(text);
const TICKER = 'KXFEECAP-26DEC31';
const key = generateKey();
let kalshi: KalshiSandbox;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-fees', key.publicKeyPem);
  kalshi.fund('key-fees', 20_00);
  // NO bids at 0.49 = YES offered at 0.51.
  kalshi.addMarket({ ticker: TICKER, title: 'Fee cap?', noBids: [['0.49', '100']] });
});
afterAll(() => kalshi.close());

describe('mirroring onto Kalshi with its taker fee', () => {
  it('caps cost + fee at $10, reserves both, and ends with the books equal to Kalshi', async () => {
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'key-fees', pem: key.privateKeyPem });
    let engine!: MirrorEngine;
    const reservedAtSend: bigint[] = [];
    const createOrder = adapter.createOrder.bind(adapter);
    adapter.createOrder = async (params: OrderParams) => {
      reservedAtSend.push(engine.portfolio.reserved);
      return createOrder(params);
    };
    const source = new ManualSource();
    const events: MirrorEvent[] = [];
    const controller = new AbortController();
    let done!: Promise<unknown>;
    const ready = new Promise<void>((resolve) => {
      done = runMirror(
        baseOptions({
          risk: { ...baseOptions().risk, sizing: { mode: 'fixed', fixedUsd: m('50'), multiplier: m('1'), percent: 0n }, caps: { maxPerTrade: m('10') } },
          mapMarket: () => ({ market: TICKER, outcome: 'yes' }),
        }),
        {
          adapter,
          clock: systemClock,
          fetch: (() => Promise.reject(new Error('no Gamma in this test'))) as typeof fetch,
          logger: silentLogger,
          signal: controller.signal,
          sources: [source],
          whaleValue: async () => m('1000'),
          whalePositions: async () => new Map(),
          onEvent: (event) => events.push(event),
          onReady: (e) => {
            engine = e;
            resolve();
          },
        },
      );
    });
    await ready;
    source.push(fill({ timestamp: Date.now(), seenAt: Date.now(), price: m('0.50'), title: undefined }));
    await engine.executor.drain();

    // 19 contracts at the 0.51 cap would cost 9.69 + $0.34 = 10.03; 18 cost 9.18 + $0.32 (0.07 x 18 x
    // 0.51 x 0.49 = 0.314874, up to the cent) = 9.50, all of it held while the order was on the wire.
    expect(events.find((e) => e.type === 'decision')).toMatchObject({ status: 'copy', copySize: 18, copyPrice: 0.51, reason: 'max_per_trade' });
    expect(reservedAtSend).toEqual([m('9.50')]);
    expect(events.find((e) => e.type === 'order')).toMatchObject({ status: 'filled', filledSize: 18, filledValue: 9.18, title: 'Fee cap?' });
    expect(kalshi.cash('key-fees')).toBe(m('10.50'));
    expect(kalshi.position('key-fees', TICKER)).toBe('18.00');
    expect(engine.portfolio.reserved).toBe(0n);
    expect(engine.portfolio.cash).toBe(m('10.50'));
    expect(engine.portfolio.fees).toBe(m('0.32'));
    controller.abort();
    expect(await done).toMatchObject({ cash: 10.5, fees: 0.32, venue: { cash: 10.5, differences: [] } });
  });
});
