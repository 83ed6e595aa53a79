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
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

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

export function mapKalshiError(call: FailedCall): BetmirrorError {
  const body = readErrorBody(call.payload);
  const code = body.code ?? '';
  const reason = [body.message, body.details].filter(Boolean).join(': ') || `HTTP ${call.status}`;
  const where = `${call.method} ${call.path}`;
  const info = { status: call.status, method: call.method, path: call.path, body: call.payload };
  const text = `${code} ${reason}`.toLowerCase();
  const success = call.status >= 200 && call.status < 300;

  if (code === 'deprecated_v1_order_endpoint') {
    return new NotSupportedError(`Kalshi no longer serves ${where} (${reason}); nothing was placed`, {
      info,
      hint: 'orders go to POST /portfolio/events/orders since May 2026: upgrade betmirror if this persists',
    });
  }
  if (call.status === 401 || call.status === 403) {
    return new AuthenticationError(`Kalshi refused the credentials (${reason}) on ${where}`, {
      info,
      hint:
        'check KALSHI_API_KEY_ID and the private key belong together and to this environment ' +
        '(demo keys do not work on prod), that the key can trade, and that the local clock is right',
    });
  }
  if (call.status === 429) {
    return new RateLimitedError(`Kalshi rate limit hit on ${where}`, retryAfterMs(call.retryAfter, call.nowMs), {
      info,
      hint: 'basic tier allows about 20 reads/s and 10 writes/s; slow down and retry',
    });
  }
  if (call.status >= 500) {
    return new ExchangeUnavailableError(`Kalshi is unavailable (${reason}) on ${where}`, { info });
  }
  if (text.includes('insufficient_balance') || text.includes('insufficient balance') || text.includes('insufficient funds')) {
    return new InsufficientFundsError(`Kalshi: not enough balance for this order (${reason})`, {
      info,
      hint: 'deposit in the Kalshi web app or lower --size',
    });
  }
  if (call.status === 404 && call.kind === 'order-lookup') {
    return new OrderNotFoundError(`Kalshi has no such order (${reason})`, { info });
  }
  if (call.kind === 'order' && (success || call.status === 400 || call.status === 404 || call.status === 409 || call.status === 422)) {
    return new InvalidOrderError(`Kalshi refused the order: ${reason}${success ? ` (HTTP ${call.status} carrying an error)` : ''}`, { info });
  }
  if (call.status === 404 && call.kind === 'market') {
    return new InvalidOrderError(`Kalshi has no market at ${where} (${reason})`, { info, hint: 'check the market ticker' });
  }
  return new ExchangeError(`Kalshi answered HTTP ${call.status} on ${where}: ${reason}`, { info });
}
