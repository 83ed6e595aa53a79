/**
 * A venue answer that reports more than the signed order allows is never passed on as a fill: the
 * adapter raises OutcomeUnknownError with the raw answer, for createOrder and for fetchOrder. The local
 * venue answers honestly; an interposer rewrites its answers into over-reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeUnknownError } from '../../../src/core/errors.js';
import type { OrderParams } from '../../../src/core/types.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey, startInterposer, type Interposer } from './helpers.js';

const USD = 1_000_000n;
let sandbox: PolymarketSandbox;
let token: string;
const closeLater: Interposer[] = [];

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
  token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
});
afterAll(async () => {
  await Promise.all(closeLater.map((i) => i.close()));
  await sandbox?.close();
});

/** An adapter behind an interposer that rewrites the POST /order answer with `rewrite`. */
async function traderBehind(rewrite: (answer: Record<string, unknown>) => Record<string, unknown>, path = '/order', method = 'POST') {
  const proxy = await startInterposer(sandbox.url, (request) =>
    request.method === method && request.path.startsWith(path)
      ? { forwardAndRewrite: (body) => JSON.stringify(rewrite(JSON.parse(body) as Record<string, unknown>)) }
      : undefined,
  );
  closeLater.push(proxy);
  const { key, address } = newKey();
  sandbox.fund(address, 100n * USD);
  sandbox.setShares(address, token, 100n * USD);
  return { address, adapter: adapterFor({ clobUrl: proxy.url }, { privateKey: key }) };
}

/** A resting counter-order on the plain venue, so the next order fills for real. */
async function rest(side: 'buy' | 'sell', size: bigint, price: bigint) {
  const { key, address } = newKey();
  sandbox.fund(address, 100n * USD);
  sandbox.setShares(address, token, 100n * USD);
  await adapterFor({ clobUrl: sandbox.clobUrl }, { privateKey: key }).createOrder({ market: token, side, size, price, type: 'GTC' });
}

async function overReported(params: OrderParams, rewrite: (answer: Record<string, unknown>) => Record<string, unknown>) {
  const { address, adapter } = await traderBehind(rewrite);
  const shares = sandbox.sharesOf(address, token);
  const error = (await adapter.createOrder(params).catch((e: unknown) => e)) as OutcomeUnknownError;
  return { error, address, sharesBefore: shares };
}

describe('createOrder: an answer beyond the signed order', () => {
  it('a limit BUY of 10 answered as 10.5 shares bought', async () => {
    await rest('sell', 10n * USD, 500_000n);
    const { error, address, sharesBefore } = await overReported(
      { market: token, side: 'buy', size: 10n * USD, price: 500_000n, type: 'GTC' },
      (answer) => ({ ...answer, takingAmount: '10.5' }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toContain('10.5 shares bought where 10 were signed');
    expect(error.info).toMatchObject({ answer: { takingAmount: '10.5', makingAmount: '5', status: 'matched' }, signed: { takerAmount: '10000000', makerAmount: '5000000' } });
    expect((error.info as { orderId: string }).orderId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(error.hint).toContain((error.info as { orderId: string }).orderId);
    // What the venue really did: 10 shares.
    expect(sandbox.sharesOf(address, token) - sharesBefore).toBe(10n * USD);
  });

  it('a FAK BUY capped at $6 (10 x 0.60) answered as $6.01 spent', async () => {
    await rest('sell', 20n * USD, 500_000n);
    const { error } = await overReported(
      { market: token, side: 'buy', size: 10n * USD, price: 600_000n, type: 'FAK' },
      (answer) => ({ ...answer, makingAmount: '6.01' }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toContain('$6.01 spent where at most $6 was signed');
    expect(error.info).toMatchObject({ answer: { makingAmount: '6.01', takingAmount: '12' } });
  });

  it('a SELL of 10 answered as 11 shares sold', async () => {
    await rest('buy', 10n * USD, 400_000n);
    const { error } = await overReported(
      { market: token, side: 'sell', size: 10n * USD, price: 400_000n, type: 'FAK' },
      (answer) => ({ ...answer, makingAmount: '11' }),
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toContain('11 shares sold where 10 were signed');
    expect(error.info).toMatchObject({ answer: { makingAmount: '11', takingAmount: '4' } });
  });

  it('control: a FAK BUY that receives more shares than its size at a better price is a fill', async () => {
    await rest('sell', 20n * USD, 500_000n);
    const { adapter } = await traderBehind((answer) => answer);
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 10n * USD, price: 600_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'filled', filledSize: 12n * USD, filledValue: 6n * USD });
  });
});

describe('fetchOrder: a record beyond its own size', () => {
  it('size_matched 10.5 of an original 10 is OutcomeUnknownError with the record', async () => {
    await rest('sell', 10n * USD, 500_000n);
    const { adapter } = await traderBehind((record) => ({ ...record, size_matched: '10.5' }), '/data/order/', 'GET');
    const placed = await adapter.createOrder({ market: token, side: 'buy', size: 10n * USD, price: 500_000n, type: 'GTC' });
    expect(placed.filledSize).toBe(10n * USD);
    const error = (await adapter.fetchOrder(placed.orderId).catch((e: unknown) => e)) as OutcomeUnknownError;
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.message).toContain('10.5 shares matched of 10');
    expect(error.info).toMatchObject({ orderId: placed.orderId, answer: { id: placed.orderId, size_matched: '10.5', original_size: '10' } });
  });
});
