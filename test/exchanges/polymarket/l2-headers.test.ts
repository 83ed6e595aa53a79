/**
 * post.ts signs the L2 headers itself (synchronously, off the thread pool): the headers must be the
 * official client's createL2Headers, byte for byte, whatever the secret's alphabet and padding and the
 * body's characters; a secret the client refuses is refused too.
 */
import { createL2Headers } from '@polymarket/clob-client-v2';
import { describe, expect, it } from 'vitest';
import { createSigner } from '../../../src/exchanges/polymarket/client.js';
import { l2Headers } from '../../../src/exchanges/polymarket/post.js';

const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

describe('l2Headers', () => {
  const signer = createSigner(KEY);
  const cases = [
    { secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', method: 'test-sign', requestPath: '/orders', body: '{"hash": "0x123"}', ts: 1_000_000 },
    { secret: 'c2VjcmV0LXdpdGgtdXJsLXNhZmU_Pz4-Pj4', method: 'POST', requestPath: '/order', body: '{"order":{"salt":1},"owner":"k","orderType":"FAK"}', ts: 1_767_614_400 },
    { secret: 'c2VjcmV0+/+/c3RhbmRhcmQ=', method: 'DELETE', requestPath: '/order', body: '{"orderID":"0xabc","note":"é€😀"}', ts: 1 },
    { secret: 'YWJj', method: 'GET', requestPath: '/data/orders', body: undefined, ts: 42 },
  ];
  for (const c of cases) {
    it(`matches createL2Headers (${c.method} ${c.requestPath}, secret ${c.secret})`, async () => {
      const creds = { key: 'api-key', secret: c.secret, passphrase: 'pass' };
      const request = { method: c.method, requestPath: c.requestPath, ...(c.body === undefined ? {} : { body: c.body }) };
      const official = await createL2Headers(signer as never, creds, request, c.ts);
      expect(l2Headers(signer.account.address, creds, request, c.ts)).toEqual(official);
      expect(official.POLY_ADDRESS).toBe(ADDRESS);
    });
  }
  it('the vector the client documents', () => {
    const headers = l2Headers(ADDRESS, { key: 'k', secret: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', passphrase: 'p' }, { method: 'test-sign', requestPath: '/orders', body: '{"hash": "0x123"}' }, 1000000);
    expect(headers).toEqual({ POLY_ADDRESS: ADDRESS, POLY_SIGNATURE: 'ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=', POLY_TIMESTAMP: '1000000', POLY_API_KEY: 'k', POLY_PASSPHRASE: 'p' });
  });
  it('a secret that is not base64 is refused, as by the client', async () => {
    const creds = { key: 'k', secret: 'not base64!', passphrase: 'p' };
    await expect(createL2Headers(signer as never, creds, { method: 'POST', requestPath: '/order' }, 1)).rejects.toThrow();
    expect(() => l2Headers(ADDRESS, creds, { method: 'POST', requestPath: '/order' }, 1)).toThrow();
  });
});
