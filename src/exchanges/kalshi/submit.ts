/**
 * Sending one order to Kalshi when the network may lose the answer.
 *
 * Once the POST has left this machine, a dropped connection, a timeout or a gateway 5xx says nothing
 * about whether Kalshi placed the order. Kalshi deduplicates orders by `client_order_id`
 * (https://docs.kalshi.com/getting_started/quick_start_create_order), so ONE repeat with the same body
 * cannot execute twice and usually turns "unknown" into a real answer (the local Kalshi answers a repeat
 * with the first order; should real Kalshi refuse the duplicate instead, that refusal still ends in
 * OutcomeUnknownError below, which is the truth for the caller). If that repeat fails too, the
 * caller gets OutcomeUnknownError naming the client order id, never a retryable error: retrying with a
 * fresh id could buy twice.
 */
import {
  ExchangeUnavailableError,
  NetworkError,
  OutcomeUnknownError,
  RateLimitedError,
  type BetmirrorError,
} from '../../core/errors.js';
import type { Clock } from '../../core/runtime.js';
import type { TransportFailure } from '../http.js';
import type { KalshiClient } from './client.js';
import type { CreateOrderBody, CreateOrderResponse } from './orders.js';

/** Pause before the one repeat: long enough for a gateway blip or a reconnect, short for a trade. */
export const ORDER_RETRY_PAUSE_MS = 500;

export const CREATE_ORDER_PATH = '/portfolio/events/orders';

/**
 * Whether Kalshi may have acted on the request that failed. 429 and 503 are refusals to handle the
 * request at all (rate limiter, maintenance); 500/502/504 can come after the order was processed.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (error instanceof RateLimitedError) return false;
  if (error instanceof ExchangeUnavailableError) {
    const status = (error.info as { status?: number } | undefined)?.status;
    return status !== undefined && status !== 503;
  }
  if (error instanceof NetworkError) return (error.info as TransportFailure | undefined)?.sent !== false;
  return false;
}

/** POSTs the order; on an unknown outcome repeats it once with the same client_order_id. */
export async function submitOrder(client: KalshiClient, clock: Clock, body: CreateOrderBody): Promise<CreateOrderResponse> {
  const post = async () =>
    (await client.call<CreateOrderResponse>('POST', CREATE_ORDER_PATH, { auth: true, kind: 'order', body })).data;
  let first: unknown;
  try {
    return await post();
  } catch (error) {
    if (!outcomeUnknown(error)) throw error;
    first = error;
  }
  await clock.sleep(ORDER_RETRY_PAUSE_MS);
  try {
    return await post();
  } catch (second) {
    // Whatever the repeat says (even a refusal: the first order may be what now blocks it), the first
    // attempt's fate is still unknown.
    throw unknownOutcome(body, first as BetmirrorError, second as BetmirrorError);
  }
}

function unknownOutcome(body: CreateOrderBody, first: BetmirrorError, second: BetmirrorError): OutcomeUnknownError {
  const id = body.client_order_id;
  return new OutcomeUnknownError(
    `Kalshi may or may not have placed the order with client_order_id ${id} on ${body.ticker}: ` +
      `the request was sent but failed (${first.message}), and the one repeat with the same client_order_id failed too (${second.message})`,
    {
      hint:
        `look for client order id ${id} among your open orders and fills in the Kalshi web app before trading again; ` +
        `repeating with --client-order-id ${id} is safe (Kalshi executes a client order id once), a new order is not`,
      info: { client_order_id: id, request: body, first: first.info, retry: second.info },
      cause: second,
    },
  );
}
