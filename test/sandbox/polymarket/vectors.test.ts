/** The venue's published vectors (VENUES.md 1.3/1.4) prove the sandbox verifies exactly like Polymarket. */
import { Wallet } from '@ethersproject/wallet';
import { createL1Headers } from '@polymarket/clob-client-v2';
import { describe, expect, it } from 'vitest';
import { AuthFailure, polyHmac, verifyL1 } from '../../../src/sandbox/polymarket/auth.js';
import { priceOnGrid } from '../../../src/sandbox/polymarket/orders.js';
import {
  checkOrderSignature,
  exchangeDomain,
  orderHash,
  type SignedOrderStruct,
} from '../../../src/sandbox/polymarket/signing.js';
import { KEYS } from './helpers.js';

const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const L1_VECTOR =
  '0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b';

const lower = (h: Record<string, string | number | boolean>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));

describe('L1 ClobAuth vector', () => {
  it('the official client produces the vector signature and the sandbox accepts it', async () => {
    const headers = await createL1Headers(new Wallet(KEYS[0]), 80002, 23, 10000000);
    expect(headers.POLY_SIGNATURE).toBe(L1_VECTOR);
    const verified = await verifyL1(lower(headers), 80002);
    expect(verified).toEqual({ address: ADDRESS, nonce: 23n });
  });

  it('refuses the vector signature for another nonce, chain or address', async () => {
    const base = { poly_address: ADDRESS, poly_signature: L1_VECTOR, poly_timestamp: '10000000', poly_nonce: '23' };
    await expect(verifyL1({ ...base, poly_nonce: '24' }, 80002)).rejects.toThrow(AuthFailure);
    await expect(verifyL1(base, 137)).rejects.toThrow('Invalid L1 Request headers');
    await expect(
      verifyL1({ ...base, poly_address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }, 80002),
    ).rejects.toThrow(AuthFailure);
  });
});

describe('L2 HMAC vector', () => {
  it('matches the venue vector (url-safe base64, padding kept)', () => {
    expect(polyHmac('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', '1000000', 'test-sign', '/orders', '{"hash": "0x123"}')).toBe(
      'ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=',
    );
  });
});

describe('order hash and signature vector', () => {
  const order: SignedOrderStruct = {
    salt: 479249096354n,
    maker: ADDRESS,
    signer: ADDRESS,
    tokenId: 1234n,
    makerAmount: 100000000n,
    takerAmount: 50000000n,
    side: 0,
    signatureType: 0,
    timestamp: 1710000000000n,
    metadata: `0x${'00'.repeat(32)}`,
    builder: `0x${'00'.repeat(32)}`,
  };
  const signature =
    '0x42c7b4857d51e344045fcfde17b37cf1290d784471ffe618c22aa56ea5ddcf0009015b87ffb299813f5597e86d4ad56f40d634558d915edb719e6fc71dbc0d891c';
  const domain = exchangeDomain(137, 2, false);

  it('hashes to the vector order hash on CTFExchangeV2', () => {
    expect(domain.verifyingContract).toBe('0xE111180000d2663C0091e4f400237545B87B996B');
    expect(orderHash(order, domain)).toBe('0x10124949f84e9f7438c88d02bfd546ceb27ed6eb1fdb0175137af535b6e2513d');
  });

  it('accepts the vector signature as an EOA order and refuses it on the neg-risk exchange or altered', async () => {
    expect(await checkOrderSignature(order, signature, domain, new Map())).toEqual({ ok: true, signingEoa: ADDRESS });
    const negRisk = exchangeDomain(137, 2, true);
    expect((await checkOrderSignature(order, signature, negRisk, new Map())).ok).toBe(false);
    expect((await checkOrderSignature({ ...order, makerAmount: 100000001n }, signature, domain, new Map())).ok).toBe(false);
  });
});

describe('price grid (amount vectors from VENUES.md 1.4)', () => {
  it('derives exact limit prices from the client amounts', () => {
    expect(priceOnGrid(11782400n, 21040000n, 10_000n, true)).toBe(560_000n);
    expect(priceOnGrid(10520000n, 21040000n, 100_000n, true)).toBe(500_000n);
    expect(priceOnGrid(119000000n, 170000000n, 10_000n, true)).toBe(700_000n);
    expect(priceOnGrid(2874900n, 7770000n, 10_000n, true)).toBe(370_000n);
  });

  it('accepts the rounded market BUY amounts only as a market order', () => {
    expect(priceOnGrid(5000000n, 9803900n, 10_000n, false)).toBe(510_000n);
    expect(priceOnGrid(5000000n, 9803900n, 10_000n, true)).toBeUndefined();
  });

  it('refuses a price between ticks', () => {
    expect(priceOnGrid(5550000n, 10000000n, 10_000n, true)).toBeUndefined();
    expect(priceOnGrid(5550000n, 10000000n, 10_000n, false)).toBeUndefined();
    expect(priceOnGrid(5550000n, 10000000n, 1_000n, true)).toBe(555_000n);
  });
});
