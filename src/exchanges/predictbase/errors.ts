/**
 * PredictBase HTTP failures -> betmirror's error tree, as a table (ccxt's `exceptions: {exact, broad}`):
 * `broad` matches a substring of the error message (specific causes such as funds), then `exact`
 * matches `<call kind> <status>`, then `<status>`; 5xx left over is "unavailable". The raw answer goes
 * to `info`; the API key is never part of a request path or body, so no error can carry it.
 */
import {
  AuthenticationError,
  ExchangeError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
  type BetmirrorError,
} from '../../core/errors.js';
import { broadRule, errorOf, exactRule, type ExceptionTable } from '../exceptions.js';
import { retryAfterMs } from '../http.js';
import { errorMessage } from './wire.js';

/** What the failed call was about: decides how a 400/403/404 reads. */
export type CallKind = 'create' | 'cancel' | 'orders' | 'market';

const AUTH_HINT = 'check PREDICTBASE_API_KEY (run `betmirror auth --exchange predictbase`) and that PREDICTBASE_ADDRESS is the user the key belongs to';

export const EXCEPTIONS: ExceptionTable = {
  exact: {
    // Cancel, documented (place-and-manage-orders page): 404 not found, 403 user mismatch, 400 status
    // not cancelable, 409 filled or updated concurrently.
    'cancel 404': { error: OrderNotFoundError },
    'cancel 403': { error: OrderNotFoundError, hint: 'the order belongs to another user than this API key' },
    'cancel 400': { error: InvalidOrderError, hint: 'only orders that are not fully filled or cancelled can be cancelled' },
    'cancel 409': { error: InvalidOrderError, hint: 'the order filled or changed while cancelling: list open orders to see what is left' },
    // Create: a user other than the key's is refused (ownership checks, same page); an unknown market is a refused order.
    'create 403': { error: AuthenticationError, hint: AUTH_HINT },
    'create 400': { error: InvalidOrderError },
    'create 404': { error: InvalidOrderError, hint: 'check --market: the number in predictbase.app/market/<id>' },
    'create 409': { error: InvalidOrderError },
    'market 404': { error: InvalidOrderError, hint: 'check --market: the number in predictbase.app/market/<id>' },
    401: { error: AuthenticationError, hint: AUTH_HINT },
    403: { error: AuthenticationError, hint: AUTH_HINT },
    429: { error: RateLimitedError, hint: 'PredictBase rate-limits its API: slow down and retry' },
  },
  broad: {
    'insufficient balance': { error: InsufficientFundsError, hint: 'deposit USDC on Base to PREDICTBASE_ADDRESS or lower --size' },
    'insufficient funds': { error: InsufficientFundsError, hint: 'deposit USDC on Base to PREDICTBASE_ADDRESS or lower --size' },
    'insufficient allowance': { error: InsufficientFundsError, hint: 'approve USDC for PredictBase in its web app' },
    'insufficient shares': { error: InvalidOrderError, hint: 'a sell needs the shares: check the holding' },
    'invalid api key': { error: AuthenticationError, hint: AUTH_HINT },
  },
};

export interface FailedCall {
  status: number;
  method: string;
  path: string;
  payload: unknown;
  retryAfter: string | null;
  kind: CallKind;
}

export function mapPredictBaseError(call: FailedCall): BetmirrorError {
  const reason = errorMessage(call.payload) ?? `HTTP ${call.status}`;
  const where = `${call.method} ${call.path}`;
  const info = { status: call.status, method: call.method, path: call.path, body: call.payload };
  const message = `PredictBase answered ${call.status} on ${where}: ${reason}`;
  const broad = call.status < 500 ? broadRule(EXCEPTIONS, reason) : undefined;
  const rule = broad ?? exactRule(EXCEPTIONS, `${call.kind} ${call.status}`, call.status);
  if (rule) {
    if (call.status === 429) return new RateLimitedError(message, retryAfterMs(call.retryAfter), { info, hint: rule.hint });
    return errorOf(rule, message, { info });
  }
  if (call.status >= 500) return new ExchangeUnavailableError(`PredictBase is unavailable (${reason}) on ${where}`, { info });
  return new ExchangeError(message, { info });
}
