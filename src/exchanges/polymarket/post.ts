/**
 * POST /order through the injected fetch, with the official client's own payload and L2 header helpers
 * (orderToJsonV2, createL2Headers), so the wire bytes and signatures are the client's. Why not
 * ClobClient.postOrder: it polls /data/trades for up to 30 s when fills come back without transaction
 * hashes (the hot path must not wait for settlement), and its axios error handling cannot tell "never
 * sent" from "sent, no answer", which decides whether repeating the order is safe.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order
 */
import {
  createL2Headers,
  orderToJsonV2,
  type ApiKeyCreds,
  type OrderResponse,
  type OrderType,
  type SignedOrder,
} from '@polymarket/clob-client-v2';
import { createHmac } from 'node:crypto';
import type { WalletClient } from 'viem';
import { NetworkError } from '../../core/errors.js';
import { failedBeforeSending, outcomeUnknown, transportReason, type VenueFailure } from './errors.js';

const POST_ORDER = '/order';
/** An order answer normally takes well under a second; past this the outcome is declared unknown. */
const POST_TIMEOUT_MS = 15_000;

export interface OrderPoster {
  host: string;
  fetch: typeof fetch;
  signer: WalletClient;
  creds: ApiKeyCreds;
  nowSeconds: () => number;
  timeoutMs?: number;
}

export type PostOutcome = { accepted: true; response: OrderResponse } | { accepted: false; failure: VenueFailure };

/**
 * createL2Headers (clob-client-v2 headers/index.ts, signing/hmac.ts) in one synchronous step with
 * node:crypto: the client's WebCrypto HMAC imports the key and signs on the thread pool, a round trip
 * on every order's critical path (57 us against 6 us on the bench machine, and a wait for a pool
 * thread when the CPU is contended; README). Same bytes: test/exchanges/polymarket/l2-headers.test.ts.
 */
export function l2Headers(address: string, creds: ApiKeyCreds, request: { method: string; requestPath: string; body?: string }, timestamp: number) {
  // The client's decodeBase64Secret: URL-safe alphabet accepted, padding optional, anything else refused by atob.
  const normalized = creds.secret.replace(/-/g, '+').replace(/_/g, '/');
  const key = Buffer.from(atob(normalized + '='.repeat((4 - (normalized.length % 4)) % 4)), 'latin1');
  const message = `${timestamp}${request.method}${request.requestPath}${request.body ?? ''}`;
  const signature = createHmac('sha256', key).update(message).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return { POLY_ADDRESS: address, POLY_SIGNATURE: signature, POLY_TIMESTAMP: `${timestamp}`, POLY_API_KEY: creds.key, POLY_PASSPHRASE: creds.passphrase };
}

/**
 * Sends one signed order. A refusal comes back as a failure to map; a transport failure throws
 * NetworkError when nothing left this machine, OutcomeUnknownError (naming the order id) otherwise.
 */
export async function postSignedOrder(
  poster: OrderPoster,
  order: SignedOrder,
  orderType: OrderType,
  orderId: string,
): Promise<PostOutcome> {
  const payload = orderToJsonV2(order as never, poster.creds.key, orderType);
  const body = JSON.stringify(payload);
  const request = { method: 'POST', requestPath: POST_ORDER, body };
  const address = poster.signer.account?.address;
  const auth = address ? l2Headers(address, poster.creds, request, poster.nowSeconds()) : await createL2Headers(poster.signer as never, poster.creds, request, poster.nowSeconds());
  const unknown = (reason: string, cause?: unknown) =>
    outcomeUnknown('placing a Polymarket order', reason, {
      hint: `order ${orderId} may be resting or filled: check it (open orders, \`betmirror cancel ${orderId}\` if it rests) before placing it again`,
      info: { orderId },
      cause,
    });

  let response: Response;
  let text: string;
  try {
    response = await poster.fetch(`${poster.host}${POST_ORDER}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', Accept: '*/*' },
      body,
      signal: AbortSignal.timeout(poster.timeoutMs ?? POST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    if (failedBeforeSending(error)) {
      throw new NetworkError(`placing a Polymarket order: ${transportReason(error)} (nothing was sent)`, { cause: error, info: { orderId } });
    }
    throw unknown(transportReason(error), error);
  }
  // A 5xx says nothing about whether the matching engine took the order.
  if (response.status >= 500) throw unknown(`HTTP ${response.status}: ${text.slice(0, 200)}`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (response.ok) throw unknown(`the CLOB answered something that is not JSON: ${text.slice(0, 200)}`);
    return { accepted: false, failure: { reason: text.slice(0, 300) || response.statusText, status: response.status } };
  }
  const record = (parsed ?? {}) as OrderResponse & { error?: unknown };
  if (!response.ok || record.error !== undefined) {
    const reason = typeof record.error === 'string' ? record.error : JSON.stringify(record.error ?? parsed);
    return { accepted: false, failure: { reason, status: response.status, payload: parsed } };
  }
  if (!record.success || record.errorMsg) {
    return { accepted: false, failure: { reason: record.errorMsg || 'order not accepted', status: response.status, payload: parsed } };
  }
  return { accepted: true, response: record };
}
