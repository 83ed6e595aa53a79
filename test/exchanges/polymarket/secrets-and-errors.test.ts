/**
 * Venue failures map onto the unified error tree, and no private key or API secret ever appears in a
 * thrown error (message, hint, info or stack), whatever the failure path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BetmirrorError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { redactError, venueError } from '../../../src/exchanges/polymarket/errors.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { systemClock, silentLogger } from '../../../src/core/runtime.js';
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/adapter.js';
import { adapterFor, newKey } from './helpers.js';

describe('venueError', () => {
  it.each([
    ['INVALID_ORDER_MIN_TICK_SIZE', 400, InvalidOrderError],
    ['order 0x1 is invalid. Size (1) lower than the minimum: 5', 400, InvalidOrderError],
    ['not enough balance / allowance', 400, InsufficientFundsError],
    ['Unauthorized/Invalid api key', 401, AuthenticationError],
    ['order not found', 404, OrderNotFoundError],
    ['Too Many Requests', 429, RateLimitedError],
    ['bad gateway', 502, ExchangeUnavailableError],
  ] as const)('%s (HTTP %i)', (reason, status, type) => {
    const error = venueError('placing', { reason, status, payload: { error: reason } });
    expect(error).toBeInstanceOf(type);
    expect(error.message).toContain(reason);
    expect(error.info).toMatchObject({ reason, status, payload: { error: reason } });
  });
});

describe('redactError', () => {
  it('removes secrets from message, hint and info, keeping the class', () => {
    const secret = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
    const error = new InsufficientFundsError(`boom ${secret.slice(2)}`, { hint: secret, info: { nested: [secret.toUpperCase(), secret] } });
    const clean = redactError(error, [secret]);
    expect(clean).toBeInstanceOf(InsufficientFundsError);
    expect(JSON.stringify([clean.message, clean.hint, clean.info])).not.toContain(secret.slice(2));
  });
});

describe('no secret in any thrown error (against the sandbox)', () => {
  let sandbox: PolymarketSandbox;
  beforeAll(async () => {
    sandbox = await startPolymarketSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('across auth failures, refusals, hybrid, malformed keys and venue errors', async () => {
    const { key, address } = newKey();
    const base = { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl, rpcUrl: 'http://127.0.0.1:9', relayerUrl: 'http://127.0.0.1:9' };
    const token = sandbox.markets[0]!.tokens[0].tokenId;
    sandbox.fund(address, 1_000_000n);
    const good = adapterFor(base, { privateKey: key });
    const issued = (await good.authenticate()).issuedSecrets!;
    const wrongSecret = 'c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1yaWdodC1vbmU=';
    const badCreds = adapterFor(base, { privateKey: key, apiKey: issued.apiKey, apiSecret: wrongSecret, apiPassphrase: issued.apiPassphrase });

    const attempts: Array<Promise<unknown>> = [
      badCreds.fetchBalance(),
      badCreds.createOrder({ market: token, side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' }),
      good.createOrder({ market: token, side: 'buy', size: 100_000_000n, price: 100_000n, type: 'GTC' }),
      good.createOrder({ market: '999', side: 'buy', size: 10_000_000n, price: 100_000n, type: 'GTC' }),
      good.fetchOrder('0x' + '1'.repeat(64)),
      good.cashout({ amount: 1n, destination: newKey().address }),
      adapterFor({ ...base, funder: newKey().address }, { privateKey: key }).fetchBalance(),
      Promise.resolve().then(() => adapterFor(base, { privateKey: key.slice(0, 40) }).initialize()),
    ];
    const errors = await Promise.all(attempts.map((p) => p.then(() => undefined, (e: unknown) => e)));
    expect(errors.every((e) => e instanceof BetmirrorError)).toBe(true);
    expect(errors[0]).toBeInstanceOf(AuthenticationError);
    expect(errors[2]).toBeInstanceOf(InsufficientFundsError);
    expect(errors[4]).toBeInstanceOf(OrderNotFoundError);
    expect(errors[6]).toBeInstanceOf(AuthenticationError);

    const secrets = [key, key.slice(2), issued.apiSecret!, issued.apiPassphrase!, wrongSecret, key.slice(0, 40), key.slice(2, 40)];
    for (const error of errors as BetmirrorError[]) {
      const text = JSON.stringify({ message: error.message, hint: error.hint, info: error.info, stack: error.stack }, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      for (const secret of secrets) expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('validatePermissions refuses the hybrid and a foreign funder without a single request', async () => {
    const { key } = newKey();
    const before = sandbox.requests.length;
    const base = { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl };
    const hybrid = await adapterFor({ ...base, signatureType: 'eoa', funder: newKey().address }, { privateKey: key }).validatePermissions();
    const foreignProxy = await adapterFor({ ...base, signatureType: 'proxy', funder: newKey().address }, { privateKey: key }).validatePermissions();
    const foreignWallet = await adapterFor({ ...base, signatureType: 'deposit-wallet', funder: newKey().address }, { privateKey: key }).validatePermissions();
    expect([hybrid.ok, foreignProxy.ok, foreignWallet.ok]).toEqual([false, false, false]);
    expect(hybrid.checks[0]!.detail).toMatch(/refused hybrid.*type 3 \(deposit-wallet\).*type 2 \(safe\)/s);
    expect(foreignProxy.checks[0]!.detail).toMatch(/does not belong to signer/);
    expect(foreignWallet.checks[0]!.detail).toMatch(/does not belong to signer/);
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('credentials the adapter derives on its own', () => {
  it('are reported through onSecret as soon as they exist, so the CLI can keep them out of every output', async () => {
    const sandbox = await startPolymarketSandbox();
    try {
      const { key, address } = newKey();
      sandbox.fund(address, 1_000_000n);
      const reported: string[] = [];
      const adapter = new PolymarketAdapter({
        settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl },
        secrets: { privateKey: key },
        fetch: globalThis.fetch,
        clock: systemClock,
        logger: silentLogger,
        onSecret: (secret) => reported.push(secret),
      });
      expect(reported).toEqual([]);
      await adapter.fetchBalance(); // derives the L2 credentials lazily
      const derived = (await adapterFor({ clobUrl: sandbox.clobUrl }, { privateKey: key }).authenticate()).issuedSecrets!;
      expect(reported).toEqual([derived.apiKey, derived.apiSecret, derived.apiPassphrase]);
    } finally {
      await sandbox.close();
    }
  });
});
