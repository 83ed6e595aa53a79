/**
 * Kalshi HTTP failures -> betmirror's error tree. Kalshi answers errors as
 * `{"error": {"code", "message", "details", "service"}}` (some docs show the inner object flat, and a
 * 429 is `{"error": "too many requests"}`); all three shapes are read. The raw payload goes to `info`.
 * Nothing here ever sees the private key, so no error can carry it.
 */
import {
  AuthenticationError,
  ExchangeError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NotSupportedError,
  OrderNotFoundError,
  RateLimitedError,
  type BetmirrorError,
} from '../../core/errors.js';
import { broadRule, errorOf, exactRule, type ErrorRule, type ExceptionTable } from '../exceptions.js';
import { retryAfterMs } from '../http.js';

/** What the failed call was about: decides how a 400/404 reads. */
export type CallKind = 'order' | 'order-lookup' | 'market' | 'account';

export interface KalshiErrorBody {
  code?: string;
  message?: string;
  details?: string;
}

export function readErrorBody(payload: unknown): KalshiErrorBody {
  if (!payload || typeof payload !== 'object') return {};
  const root = payload as Record<string, unknown>;
  const inner = root.error;
  if (typeof inner === 'string') return { message: inner };
  const source = (inner && typeof inner === 'object' ? inner : root) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return { code: text(source.code), message: text(source.message), details: text(source.details) };
}

/** Retry-After as seconds or an HTTP date; Kalshi documents none, so usually undefined. */
export { retryAfterMs };

export interface FailedCall {
  status: number;
  method: string;
  path: string;
  payload: unknown;
  retryAfter: string | null;
  nowMs: number;
  kind: CallKind;
}

/**
 * The error object of an answer, 2xx included: Kalshi answers some failures with a success status, e.g.
 * the legacy create-order endpoint answers 2xx with `{"error":{"code":"deprecated_v1_order_endpoint"}}`
 * and places nothing (VENUES 3). A payload whose `error` is an object or a non-empty string is one.
 */
export function errorInAnswer(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const inner = (payload as { error?: unknown }).error;
  return (typeof inner === 'object' && inner !== null) || (typeof inner === 'string' && inner !== '');
}

type Said = { reason: string; where: string; status: number };
/** A rule of Kalshi's table: the error class, its hint, and how its message reads. */
interface KalshiRule extends ErrorRule {
  message(said: Said): string;
}

const AUTH: KalshiRule = {
  error: AuthenticationError,
  message: ({ reason, where }) => `Kalshi refused the credentials (${reason}) on ${where}`,
  hint:
    'check KALSHI_API_KEY_ID and the private key belong together and to this environment ' +
    '(demo keys do not work on prod), that the key can trade, and that the local clock is right',
};
const FUNDS: KalshiRule = {
  error: InsufficientFundsError,
  message: ({ reason }) => `Kalshi: not enough balance for this order (${reason})`,
  hint: 'deposit in the Kalshi web app or lower --size',
};
const ORDER_REFUSED: KalshiRule = {
  error: InvalidOrderError,
  message: ({ reason, status }) => `Kalshi refused the order: ${reason}${status >= 200 && status < 300 ? ` (HTTP ${status} carrying an error)` : ''}`,
};

/**
 * Kalshi's error table (ccxt's `exceptions`). Consulted in this order: `exact` by error code, then by
 * status (401, 403, 429, then any 5xx), then `broad` by a phrase of the code and message, then `exact` by
 * `<call kind> <status>` (a 2xx carrying an error reads `2xx`); anything left is an ExchangeError.
 * Source: VENUES.md section 3 (keys work only in their own environment, basic-tier rate limits, the
 * legacy endpoint's 2xx error, the documented order error codes of getting_started/order_errors).
 */
export const EXCEPTIONS: ExceptionTable<KalshiRule> = {
  exact: {
    // The legacy create-order endpoint answers 2xx with this code and places nothing (VENUES 3).
    deprecated_v1_order_endpoint: {
      error: NotSupportedError,
      message: ({ reason, where }) => `Kalshi no longer serves ${where} (${reason}); nothing was placed`,
      hint: 'orders go to POST /portfolio/events/orders since May 2026: upgrade betmirror if this persists',
    },
    401: AUTH,
    403: AUTH,
    429: {
      error: RateLimitedError,
      message: ({ where }) => `Kalshi rate limit hit on ${where}`,
      hint: 'basic tier allows about 20 reads/s and 10 writes/s; slow down and retry',
    },
    '5xx': { error: ExchangeUnavailableError, message: ({ reason, where }) => `Kalshi is unavailable (${reason}) on ${where}` },
    'order-lookup 404': { error: OrderNotFoundError, message: ({ reason }) => `Kalshi has no such order (${reason})` },
    'order 2xx': ORDER_REFUSED,
    'order 400': ORDER_REFUSED,
    'order 404': ORDER_REFUSED,
    'order 409': ORDER_REFUSED,
    'order 422': ORDER_REFUSED,
    'market 404': { error: InvalidOrderError, message: ({ reason, where }) => `Kalshi has no market at ${where} (${reason})`, hint: 'check the market ticker' },
  },
  broad: {
    insufficient_balance: FUNDS,
    'insufficient balance': FUNDS,
    'insufficient funds': FUNDS,
  },
};

export function mapKalshiError(call: FailedCall): BetmirrorError {
  const body = readErrorBody(call.payload);
  const code = body.code ?? '';
  const reason = [body.message, body.details].filter(Boolean).join(': ') || `HTTP ${call.status}`;
  const said = { reason, where: `${call.method} ${call.path}`, status: call.status };
  const info = { status: call.status, method: call.method, path: call.path, body: call.payload };
  const success = call.status >= 200 && call.status < 300;
  // A refused key, the rate limiter or an outage decide before what the body says; the body's cause
  // (funds) before what the call was (an order refused).
  const statusFirst = call.status === 401 || call.status === 403 || call.status === 429 ? call.status : call.status >= 500 ? '5xx' : undefined;
  const rule =
    exactRule(EXCEPTIONS, code || undefined, statusFirst) ??
    broadRule(EXCEPTIONS, `${code} ${reason}`) ??
    exactRule(EXCEPTIONS, `${call.kind} ${success ? '2xx' : call.status}`);
  if (!rule) return new ExchangeError(`Kalshi answered HTTP ${call.status} on ${said.where}: ${reason}`, { info });
  return errorOf(rule, rule.message(said), { info }, rule.error === RateLimitedError ? retryAfterMs(call.retryAfter, call.nowMs) : undefined);
}
