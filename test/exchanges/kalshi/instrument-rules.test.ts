/**
 * fetchInstrumentRules against the local Kalshi: GET /markets/{ticker} gives status, grid and contract
 * step; the taker fee is 0.07 x C x P x (1 - P) rounded up to the cent, and agrees with what the local
 * Kalshi charges a non-direct member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOrderError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import { kalshiTakerFee } from '../../../src/exchanges/kalshi/rules.js';
import { tradeFee, DEFAULT_FEE_RATES, CENT } from '../../doubles/kalshi/fees.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { makeAdapter } from './helpers.js';

const m = (text: string) => toMicros(text);
let kalshi: KalshiSandbox;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.addMarket({ ticker: 'KXRULES-26DEC31-A', title: 'Rules A?', yesBids: [['0.40', '10']], noBids: [['0.55', '10']] });
  kalshi.addMarket({ ticker: 'KXRULES-26DEC31-T', priceLevelStructure: 'tapered_deci_cent', fractionalTrading: true });
  kalshi.addMarket({ ticker: 'KXRULES-26DEC31-D', priceLevelStructure: 'deci_cent' });
  kalshi.addMarket({ ticker: 'KXRULES-26DEC31-C', status: 'determined' });
  kalshi.addMarket({ ticker: 'KXRULES-26DEC31-I', status: 'initialized' });
});
afterAll(async () => kalshi?.close());

const adapter = () => makeAdapter({ url: kalshi.url });

describe('Kalshi fetchInstrumentRules', () => {
  it('an open cent market: whole contracts, cent tick, no value minimum, the title', async () => {
    const rules = await adapter().fetchInstrumentRules('KXRULES-26DEC31-A');
    expect(rules).toMatchObject({
      market: 'KXRULES-26DEC31-A',
      title: 'Rules A?',
      active: true,
      closed: false,
      tickSize: m('0.01'),
      minSize: m('1'),
      minNotional: 0n,
      sizeStep: m('1'),
    });
    // 0.07 x 10 x 0.45 x 0.55 = 0.17325 -> $0.18; 0.07 x 1 x 0.5 x 0.5 = 0.0175 -> $0.02.
    expect(rules.takerFee(m('10'), m('0.45'))).toBe(m('0.18'));
    expect(rules.takerFee(m('1'), m('0.5'))).toBe(m('0.02'));
    expect(rules.takerFee(m('100'), m('0.05'))).toBe(m('0.34'));
    const asked = kalshi.requests.filter((r) => r.path.startsWith('/trade-api/v2/markets/KXRULES-26DEC31-A'));
    expect(asked.map((r) => r.path)).toEqual(['/trade-api/v2/markets/KXRULES-26DEC31-A']);
  });

  it('grids: tapered -> the cent (valid everywhere), deci-cent -> 0.001; fractional markets step 0.01', async () => {
    const tapered = await adapter().fetchInstrumentRules('KXRULES-26DEC31-T');
    expect({ tick: tapered.tickSize, min: tapered.minSize, step: tapered.sizeStep }).toEqual({ tick: m('0.01'), min: m('0.01'), step: m('0.01') });
    expect((await adapter().fetchInstrumentRules('KXRULES-26DEC31-D')).tickSize).toBe(m('0.001'));
  });

  it('lifecycle: determined is closed, initialized is neither open nor closed', async () => {
    const determined = await adapter().fetchInstrumentRules('KXRULES-26DEC31-C');
    expect({ active: determined.active, closed: determined.closed }).toEqual({ active: false, closed: true });
    const initialized = await adapter().fetchInstrumentRules('KXRULES-26DEC31-I');
    expect({ active: initialized.active, closed: initialized.closed }).toEqual({ active: false, closed: false });
  });

  it('reads afresh: a market that closes after the first look is closed on the next', async () => {
    const venue = adapter();
    kalshi.addMarket({ ticker: 'KXRULES-26DEC31-L' });
    expect((await venue.fetchInstrumentRules('KXRULES-26DEC31-L')).closed).toBe(false);
    kalshi.setMarketStatus('KXRULES-26DEC31-L', 'closed');
    expect((await venue.fetchInstrumentRules('KXRULES-26DEC31-L')).closed).toBe(true);
  });

  it('an unknown ticker is an InvalidOrderError', async () => {
    await expect(adapter().fetchInstrumentRules('KXRULES-26DEC31-NONE')).rejects.toBeInstanceOf(InvalidOrderError);
  });
});

describe('kalshiTakerFee', () => {
  it("equals the local Kalshi's trade fee rounded up to the cent (the fee schedule's rounding)", () => {
    for (const [count, price] of [['1', '0.01'], ['3', '0.33'], ['10', '0.45'], ['7', '0.5'], ['250', '0.97']] as const) {
      const venue = tradeFee(DEFAULT_FEE_RATES.taker, m(count), m(price));
      const cents = ((venue + CENT - 1n) / CENT) * CENT;
      expect(kalshiTakerFee(m(count), m(price))).toBe(cents);
    }
    expect(kalshiTakerFee(0n, m('0.5'))).toBe(0n);
  });
});
