/**
 * Translates what the CLOB, the Data API, the relayer and the chain answer into the unified error tree,
 * keeping the venue's reason in the message and its raw payload in `info`, with every secret removed.
 * https://docs.polymarket.com/developers/CLOB/orders/create-order#error-messages
 */
import {
  AuthenticationError,
  BetmirrorError,
  ExchangeError,
  ExchangeUnavailableError,
  GeoblockedError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  OutcomeUnknownError,
  RateLimitedError,
  RequestTimeoutError,
} from '../../core/errors.js';
import { broadRules, errorOf, exactRule, type ErrorRule, type ExceptionTable } from '../exceptions.js';

export interface VenueFailure {
  /** The venue's reason (error string / errorMsg). */
  reason: string;
  status?: number;
  payload?: unknown;
}

/**
 * A geoblock: Polymarket refuses order placement from restricted countries
 * (https://docs.polymarket.com/api-reference/geoblock: "Orders submitted from blocked regions will be
 * rejected"), answering the order endpoints with HTTP 403 and Cloudflare's block page ("Sorry, you have
 * been blocked", "Attention Required! | Cloudflare": py-clob-client issues #101, #143, #152;
 * clob-client issue #231). A 403 that is JSON about the key stays an authentication failure.
 */
function geoblocked(status: number | undefined, reason: string): boolean {
  const text = reason.toLowerCase();
  if (text.includes('geoblock') || /restricted in your (region|country|location)/.test(text)) return true;
  return status === 403 && /cloudflare|cf-error|you have been blocked|attention required|<html|<!doctype/.test(text);
}

const RATE_LIMITED: ErrorRule = { error: RateLimitedError };
const AUTH: ErrorRule = { error: AuthenticationError, hint: 'run `betmirror auth --exchange polymarket`: it checks the key and stores fresh API credentials' };
const DEPOSIT_WALLET: ErrorRule = { error: AuthenticationError, hint: 'this account must trade from a deposit wallet: set POLYMARKET_SIGNATURE_TYPE=deposit-wallet' };
const KEY_OWNER: ErrorRule = { error: AuthenticationError, hint: 'the API credentials belong to another key: run `betmirror auth --exchange polymarket` with this key' };
const FUNDS: ErrorRule = { error: InsufficientFundsError, hint: 'fund the funder address with pUSD and approve the exchange' };
const INVALID: ErrorRule = { error: InvalidOrderError };
const NOT_FOUND: ErrorRule = { error: OrderNotFoundError };
const TIMEOUT: ErrorRule = { error: RequestTimeoutError };
const UNAVAILABLE: ErrorRule = { error: ExchangeUnavailableError };
/** A bare 400: an order refused for a reason no other rule names. */
const REFUSED: ErrorRule = { error: InvalidOrderError };

/**
 * Polymarket's error table (ccxt's `exceptions`). The CLOB's status and its message are independent (a
 * 400 says "not enough balance / allowance"), so every rule the status or the message matches is a
 * candidate, and the first of PRECEDENCE wins: the message's specific cause over a generic status.
 * Sources: the CLOB's error messages (https://docs.polymarket.com/developers/CLOB/orders/create-order#error-messages),
 * throttling answers 429 (VENUES.md 1.7), geoblocks a 403 from the edge (above).
 */
export const EXCEPTIONS: ExceptionTable = {
  exact: {
    400: REFUSED,
    401: AUTH,
    403: AUTH,
    404: NOT_FOUND,
    408: TIMEOUT,
    429: RATE_LIMITED,
    '5xx': UNAVAILABLE,
  },
  broad: {
    'too many requests': RATE_LIMITED,
    'rate limit': RATE_LIMITED,
    unauthorized: AUTH,
    'invalid api key': AUTH,
    'invalid signature': AUTH,
    'deposit wallet flow': DEPOSIT_WALLET,
    'has to be the address of the api key': KEY_OWNER,
    'owner of the api key': KEY_OWNER,
    'not enough balance': FUNDS,
    allowance: FUNDS,
    insufficient: FUNDS,
    invalid_order_min_tick_size: INVALID,
    invalid_order_min_size: INVALID,
    invalid_order_duplicated: INVALID,
    invalid_order_expiration: INVALID,
    invalid_post_only_order: INVALID,
    fok_order_not_filled_error: INVALID,
    market_not_ready: INVALID,
    invalid_order_error: INVALID,
    'invalid order': INVALID,
    'min size': INVALID,
    'tick size': INVALID,
    'not found': NOT_FOUND,
    timeout: TIMEOUT,
  },
};

/** Which matching rule wins. */
const PRECEDENCE: readonly ErrorRule[] = [RATE_LIMITED, AUTH, DEPOSIT_WALLET, KEY_OWNER, FUNDS, INVALID, NOT_FOUND, TIMEOUT, UNAVAILABLE, REFUSED];

/** Maps one venue failure to the error class a caller can act on. */
export function venueError(context: string, failure: VenueFailure): BetmirrorError {
  const { reason, status } = failure;
  if (geoblocked(status, reason)) {
    // The block page itself is kept in `info`, not in the message: it is a page of HTML.
    return new GeoblockedError(`${context}: Polymarket refuses orders from this location (geoblock: HTTP ${status ?? '403'} from its edge)`, {
      info: { reason: reason.slice(0, 300), status, payload: failure.payload },
      hint: 'Polymarket blocks order placement from restricted countries (https://docs.polymarket.com/api-reference/geoblock); GET https://polymarket.com/api/geoblock tells what it sees for this IP. Trade from an allowed location: retrying from here or running `betmirror auth` again will not help',
    });
  }
  const message = `${context}: ${reason}${status ? ` (HTTP ${status})` : ''}`;
  const options = { info: { reason, status, payload: failure.payload } };
  const candidates = [exactRule(EXCEPTIONS, status, status !== undefined && status >= 500 ? '5xx' : undefined), ...broadRules(EXCEPTIONS, reason)];
  const rule = PRECEDENCE.find((candidate) => candidates.includes(candidate));
  if (rule) return errorOf(rule, message, options);
  if (status === undefined && /econn|socket|network|connect|fetch failed/i.test(reason)) {
    // No status: the request never got an answer.
    return new ExchangeUnavailableError(message, options);
  }
  return new ExchangeError(message, options);
}

/** Reads `{error, status}` objects and ApiError instances of @polymarket/clob-client-v2. */
export function failureOf(error: unknown): VenueFailure | undefined {
  if (error && typeof error === 'object') {
    const record = error as { error?: unknown; status?: unknown; data?: unknown; message?: unknown; name?: unknown };
    if (record.name === 'ApiError') {
      return { reason: String(record.message), status: numberOrUndefined(record.status), payload: record.data };
    }
    if ('error' in record && record.error !== undefined) {
      const reason = typeof record.error === 'string' ? record.error : JSON.stringify(record.error);
      return { reason, status: numberOrUndefined(record.status), payload: record };
    }
  }
  return undefined;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Any thrown value as a BetmirrorError (venue failures mapped, unknown errors as network/exchange errors). */
export function toBetmirrorError(context: string, error: unknown): BetmirrorError {
  if (error instanceof BetmirrorError) return error;
  const failure = failureOf(error);
  if (failure) return venueError(context, failure);
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up|network/i.test(message)) {
    return new NetworkError(`${context}: ${message}`, { cause: error });
  }
  return new ExchangeError(`${context}: ${message}`, { cause: error });
}

/**
 * Rebuilds an error with every occurrence of the given secrets removed from its message, hint and info
 * (the cause is dropped: third-party errors may carry request headers). Same class, same fields.
 */
export function redactError(error: BetmirrorError, secrets: readonly string[]): BetmirrorError {
  const needles = secretNeedles(secrets);
  if (needles.length === 0) return error;
  const clean = (text: string) => needles.reduce((acc, needle) => acc.split(needle).join('[redacted]'), text);
  const info = error.info === undefined ? undefined : JSON.parse(clean(safeJson(error.info)));
  const options = { hint: error.hint === undefined ? undefined : clean(error.hint), info };
  const message = clean(error.message);
  if (error instanceof RateLimitedError) return new RateLimitedError(message, error.retryAfterMs, options);
  const Ctor = error.constructor as new (message: string, options: object) => BetmirrorError;
  return new Ctor(message, options);
}

function secretNeedles(secrets: readonly string[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 8) continue;
    needles.add(secret);
    if (secret.startsWith('0x')) needles.add(secret.slice(2));
    needles.add(secret.toLowerCase());
  }
  return [...needles].sort((a, b) => b.length - a.length);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

/** Error codes (walked through `cause`) of a connection that was never made: nothing was sent. */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT'];

/**
 * Whether a transport failure (fetch rejected, viem transport error) happened before the request left
 * this machine. Only a refused or unresolvable connection proves that; a reset, a timeout or a closed
 * socket may come after the venue received the request.
 */
export function failedBeforeSending(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.includes(code)) return true;
    const message = String((current as { message?: unknown }).message ?? '');
    if (NOT_SENT_CODES.some((c) => message.includes(c))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A request that was sent and got no usable answer: NOT retryable, because repeating it could execute it
 * twice. `lookup` tells the user where to look before deciding (the order id, the transaction...).
 */
export function outcomeUnknown(context: string, reason: string, lookup: { hint: string; info?: Record<string, unknown>; cause?: unknown }): OutcomeUnknownError {
  return new OutcomeUnknownError(`${context}: sent, but the outcome is unknown (${reason})`, {
    hint: lookup.hint,
    info: { reason, ...lookup.info },
    cause: lookup.cause,
  });
}

/** The reason of a transport failure: the innermost message with its code, e.g. "other side closed (UND_ERR_SOCKET)". */
export function transportReason(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (let current = (error as { cause?: unknown })?.cause, depth = 0; current && depth < 8; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    if (message) reason = `${String(message)}${typeof code === 'string' ? ` (${code})` : ''}`;
    current = (current as { cause?: unknown }).cause;
  }
  return reason;
}
