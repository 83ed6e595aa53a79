/**
 * One contract, every registered adapter: the same scenarios (balance, place, read back, cancel, a
 * marketable buy with exact amounts, refusals) run over each venue against its local stand-in.
 * Adding a venue to the registry means adding its harness to VENUES below; the first test fails until then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, InvalidOrderError, NotSupportedError } from '../../src/core/errors.js';
import { mulMicros, type Micros } from '../../src/core/money.js';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import type { Outcome } from '../../src/core/types.js';
import type { IExchangeAdapter } from '../../src/exchanges/adapter.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { startKalshiSandbox } from '../doubles/kalshi/index.js';
import { startPolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { startPredictBaseSandbox } from '../../src/sandbox/predictbase/index.js';
import { generateKey } from '../exchanges/kalshi/helpers.js';
import { newKey } from '../exchanges/polymarket/helpers.js';

/** $200 of collateral on every venue. */
const FUNDED: Micros = 200_000_000n;

interface Venue {
  adapter: IExchangeAdapter;
  /** A fee-free instrument with a resting ask of at least 10 shares and nothing asked at or below 0.10. */
  market: string;
  /** Its best ask. */
  ask: Micros;
  outcome?: Outcome;
  /** An instrument the venue does not list, in the venue's own id shape. */
  unknownMarket: string;
  /** An order id in the venue's shape that no order has. */
  unknownOrderId: string;
  /** Requests that reached the local venue so far. */
  requests(): number;
  close(): Promise<void>;
}

const context = (settings: Record<string, string>, secrets: Record<string, string>) => ({
  settings,
  secrets,
  fetch: globalThis.fetch,
  clock: systemClock,
  logger: silentLogger,
});

const VENUES: Record<string, () => Promise<Venue>> = {
  async polymarket() {
    const sandbox = await startPolymarketSandbox();
    const { key, address } = newKey();
    sandbox.fund(address, FUNDED);
    const rain = sandbox.markets.find((m) => m.slug.includes('rain'))!;
    const venue = await defaultRegistry().get('polymarket');
    const adapter = venue.create(
      context({ clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, chainId: '137', signatureType: 'eoa' }, { privateKey: key }),
    );
    await adapter.authenticate();
    return {
      adapter,
      market: rain.tokens[0].tokenId,
      ask: 530_000n, // the sandbox market maker's best ask on this token
      unknownMarket: '12345',
      unknownOrderId: `0x${'ab'.repeat(32)}`,
      requests: () => sandbox.requests.length,
      close: () => sandbox.close(),
    };
  },
  async kalshi() {
    const kalshi = await startKalshiSandbox();
    const key = generateKey();
    kalshi.registerKey('key-contract', key.publicKeyPem);
    kalshi.fund('key-contract', Number(FUNDED / 10_000n));
    kalshi.addMarket({ ticker: 'KXCONTRACT-26', yesBids: [['0.05', '100']], noBids: [['0.48', '500']], fees: { taker: '0', maker: '0' } });
    const venue = await defaultRegistry().get('kalshi');
    const adapter = venue.create(context({ env: 'demo', apiUrl: kalshi.url, apiKeyId: 'key-contract' }, { privateKeyPem: key.privateKeyPem }));
    return {
      adapter,
      market: 'KXCONTRACT-26',
      ask: 520_000n, // 1 - the 0.48 NO bid
      outcome: 'yes',
      unknownMarket: 'KXNOPE-1',
      unknownOrderId: '00000000-0000-4000-8000-000000000001',
      requests: () => kalshi.requests.length,
      close: () => kalshi.close(),
    };
  },
  async predictbase() {
    const pb = await startPredictBaseSandbox();
    const user = '0x7777777777777777777777777777777777777777';
    pb.registerKey('pb-contract', user);
    pb.fund(user, FUNDED);
    pb.addMarket({ id: '30001', optionTitles: ['Yes', 'No'], book: [{ side: 'SELL', optionIndex: 0, price: '0.52', qty: '500' }, { side: 'BUY', optionIndex: 0, price: '0.05', qty: '100' }] });
    const venue = await defaultRegistry().get('predictbase');
    const adapter = venue.create(context({ apiUrl: pb.url, rpcUrl: pb.rpcUrl, address: user }, { apiKey: 'pb-contract' }));
    return {
      adapter,
      market: '30001:0',
      ask: 520_000n,
      unknownMarket: '99999:0',
      unknownOrderId: 'ord_999999',
      requests: () => pb.requests.length,
      close: () => pb.close(),
    };
  },
};

/**
 * Each venue's static rules (VenueRules: what every market accepts; `takerFee` shown as whether a formula
 * is declared), the contract market's rules as the adapter reads them, and [shares, price, fee] vectors of
 * the venue-wide fee formula.
 */
const RULES: Record<string, { rules: Record<string, unknown> | undefined; market: Record<string, Micros>; fees: Array<[Micros, Micros, Micros]> }> = {
  // Size step 0.01 and the $1 marketable minimum (VENUES 1.4); tick, minimum size and fees are per market.
  polymarket: { rules: { minNotional: 1_000_000n, sizeStep: 10_000n, takerFee: false }, market: { minNotional: 1_000_000n, sizeStep: 10_000n }, fees: [] },
  // Whole cents, whole contracts, no minimum value; fee 0.07 x C x P x (1 - P) rounded up to the cent.
  kalshi: {
    rules: { tickSize: 10_000n, minSize: 1_000_000n, minNotional: 0n, sizeStep: 1_000_000n, takerFee: true },
    market: { tickSize: 10_000n, minSize: 1_000_000n, minNotional: 0n, sizeStep: 1_000_000n },
    fees: [
      [10_000_000n, 330_000n, 160_000n], // 0.15477 -> $0.16
      [1_000_000n, 500_000n, 20_000n], // 0.0175 -> $0.02
      [100_000_000n, 50_000n, 340_000n], // 0.3325 -> $0.34
    ],
  },
  // Whole cents, whole shares, no minimum value; fee 2% of the value rounded up to the micro-dollar.
  predictbase: {
    rules: { tickSize: 10_000n, minSize: 1_000_000n, minNotional: 0n, sizeStep: 1_000_000n, takerFee: true },
    market: { tickSize: 10_000n, minSize: 1_000_000n, minNotional: 0n, sizeStep: 1_000_000n },
    fees: [
      [10_000_000n, 330_000n, 66_000n], // 2% of $3.30
      [1_000_000n, 500_000n, 10_000n], // 2% of $0.50
      [3_000_000n, 333_333n, 20_000n], // 2% of $0.999999 = 0.0199999.. -> $0.020000
    ],
  },
};

it('every registered venue runs the contract', () => {
  expect(defaultRegistry().ids().sort()).toEqual(Object.keys(VENUES).sort());
});

describe.each(Object.keys(VENUES))('%s', (name) => {
  let venue: Venue;
  beforeAll(async () => {
    venue = await VENUES[name]!();
    await venue.adapter.initialize();
  });
  afterAll(async () => {
    await venue?.close();
  });
  const on = () => ({ market: venue.market, ...(venue.outcome ? { outcome: venue.outcome } : {}) });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  it('balance: the funded collateral, exactly', async () => {
    expect((await venue.adapter.fetchBalance()).cash).toBe(FUNDED);
  });

  it('place a resting limit buy, read it back among the open orders, cancel it, and the cash is whole again', async () => {
    const placed = await venue.adapter.createOrder({ ...on(), side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' });
    expect(placed).toMatchObject({ exchange: name, status: 'open', side: 'buy', size: 10_000_000n, price: 100_000n, filledSize: 0n, filledValue: 0n });
    const open = await venue.adapter.fetchOpenOrders!();
    expect(open.find((o) => o.orderId === placed.orderId)).toMatchObject({ side: 'buy', price: 100_000n, size: 10_000_000n, filledSize: 0n });
    expect(await venue.adapter.cancelOrder({ orderIds: [placed.orderId] })).toMatchObject({ cancelled: [placed.orderId], notCancelled: {} });
    expect((await venue.adapter.fetchOpenOrders!()).map((o) => o.orderId)).not.toContain(placed.orderId);
    expect((await venue.adapter.fetchBalance()).cash).toBe(FUNDED);
  });

  it('a marketable buy at the ask fills exactly there, and the cash moves by exactly its value', async () => {
    const { ask } = venue;
    expect((await venue.adapter.getMarketPrice(venue.market, venue.outcome)).ask).toBe(ask);
    const result = await venue.adapter.createOrder({ ...on(), side: 'buy', size: 10_000_000n, price: ask, type: 'FAK' });
    expect(result).toMatchObject({ status: 'filled', filledSize: 10_000_000n, filledValue: mulMicros(10_000_000n, ask) });
    expect(result.fee?.usd ?? 0n).toBe(0n);
    expect((await venue.adapter.fetchBalance()).cash).toBe(FUNDED - mulMicros(10_000_000n, ask));
  });

  it('refuses bad input before anything is sent', async () => {
    const before = venue.requests();
    expect(await failure(venue.adapter.createOrder({ ...on(), side: 'buy', size: 0n, price: 100_000n, type: 'GTC' }))).toBeInstanceOf(BadInputError);
    expect(await failure(venue.adapter.createOrder({ ...on(), side: 'buy', size: 10_000_000n, price: 1_000_000n, type: 'GTC' }))).toBeInstanceOf(BadInputError);
    expect(await failure(venue.adapter.cancelOrder({ orderIds: ['../../etc'] }))).toBeInstanceOf(BadInputError);
    expect(venue.requests()).toBe(before);
  });

  it('refuses an order on an unknown market as an invalid order (exit 5)', async () => {
    const error = await failure(venue.adapter.createOrder({ market: venue.unknownMarket, ...(venue.outcome ? { outcome: venue.outcome } : {}), side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' }));
    expect(error).toBeInstanceOf(InvalidOrderError);
  });

  it('reports an unknown order as not cancelled, with the venue reason', async () => {
    const result = await venue.adapter.cancelOrder({ orderIds: [venue.unknownOrderId] });
    expect(result.cancelled).toEqual([]);
    expect(Object.keys(result.notCancelled)).toEqual([venue.unknownOrderId]);
  });

  it('a venue that cannot cash out refuses with NotSupportedError and sends nothing', async () => {
    if (venue.adapter.has.cashout) return; // cash-out venues are proven by their own suites (chain needed)
    const before = venue.requests();
    expect(await failure(venue.adapter.cashout({ amount: 1_000_000n, destination: `0x${'3'.repeat(40)}` }))).toBeInstanceOf(NotSupportedError);
    expect(venue.requests()).toBe(before);
  });

  it('publishes the same capabilities and rules on its venue definition (and its light registry entry) as its adapter reports', async () => {
    const registry = defaultRegistry();
    const definition = await registry.get(name);
    expect(registry.infos().find((info) => info.id === name)?.has).toEqual(venue.adapter.has);
    expect(definition.has).toEqual(venue.adapter.has);
    const fixed = RULES[name]!;
    expect(definition.rules ? { ...definition.rules, takerFee: definition.rules.takerFee !== undefined } : undefined).toEqual(fixed.rules);
    const rules = await venue.adapter.fetchInstrumentRules!(venue.market, venue.outcome);
    expect({ tickSize: rules.tickSize, minSize: rules.minSize, minNotional: rules.minNotional, sizeStep: rules.sizeStep }).toMatchObject(fixed.market);
    // Where the venue has one fee formula, the adapter charges by it: exact amounts at three prices.
    for (const [shares, price, fee] of fixed.fees) {
      expect(definition.rules!.takerFee!(shares, price)).toBe(fee);
      expect(rules.takerFee(shares, price)).toBe(fee);
    }
  });
});
