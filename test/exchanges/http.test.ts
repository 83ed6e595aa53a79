/** The one "never sent?" check of the fetch-based venue clients (Kalshi, PredictBase): src/exchanges/http.ts. */
import { describe, expect, it } from 'vitest';
import { failedBeforeSending } from '../../src/exchanges/http.js';

const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
const code = (name: string) => Object.assign(new Error(name), { code: name });

describe('failedBeforeSending', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'SELF_SIGNED_CERT_IN_CHAIN'])(
    'a connection or TLS handshake that failed (%s): nothing was sent',
    (name) => {
      expect(failedBeforeSending(fetchFailed(code(name)))).toBe(true);
    },
  );

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT'])('a failure after connecting (%s) may have reached the venue', (name) => {
    expect(failedBeforeSending(fetchFailed(code(name)))).toBe(false);
  });

  it('happy eyeballs: never sent only when every address refused', () => {
    expect(failedBeforeSending(fetchFailed({ errors: [code('ECONNREFUSED'), code('ENETUNREACH')] }))).toBe(true);
    expect(failedBeforeSending(fetchFailed({ errors: [code('ECONNREFUSED'), code('ECONNRESET')] }))).toBe(false);
    expect(failedBeforeSending(fetchFailed({ errors: [] }))).toBe(false);
  });

  it('an error without a cause (a fake fetch, an abort) may have been sent', () => {
    expect(failedBeforeSending(new Error('boom'))).toBe(false);
    expect(failedBeforeSending(code('ECONNREFUSED'))).toBe(false); // the code must be fetch's cause, as undici reports it
  });
});
