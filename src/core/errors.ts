/**
 * One error tree for the whole tool (ccxt's split): retryable network errors, final exchange errors,
 * and local usage errors. Adapters translate venue failures into these and keep the raw payload in
 * `info`; only src/cli/exit.ts turns them into exit codes and messages.
 */
export interface ErrorOptions {
  /** What the user can do about it, e.g. "run `betmirror auth --exchange polymarket`". */
  hint?: string;
  /** The venue's raw payload, for --verbose and debugging. Never contains secrets. */
  info?: unknown;
  cause?: unknown;
}

export class BetmirrorError extends Error {
  readonly hint?: string;
  readonly info?: unknown;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.info = options.info;
  }
}

/** Bad flags, arguments or input values (exit 2). Nothing was sent. */
export class BadInputError extends BetmirrorError {}

/** Configuration or local state is missing or broken. */
export class ConfigError extends BetmirrorError {}

/** The user declined a confirmation or interrupted a prompt. */
export class CancelledError extends BetmirrorError {}

// ---- retryable: the request may succeed if repeated later ----
export class NetworkError extends BetmirrorError {
  readonly retryable = true;
}
export class RateLimitedError extends NetworkError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options: ErrorOptions = {},
  ) {
    super(message, options);
  }
}
export class RequestTimeoutError extends NetworkError {}
export class ExchangeUnavailableError extends NetworkError {}

// ---- final: repeating the same request will fail the same way ----
export class ExchangeError extends BetmirrorError {
  readonly retryable = false;
}
/** Missing, wrong or expired credentials, or a signer/funder pair the venue refuses (exit 4). */
export class AuthenticationError extends ExchangeError {}
export class InsufficientFundsError extends ExchangeError {}
/** Refused order: off-tick, undersized, price out of range, unknown market... */
export class InvalidOrderError extends ExchangeError {}
export class OrderNotFoundError extends ExchangeError {}
/**
 * The venue refuses orders from where this machine is (a geoblock, e.g. Polymarket's Cloudflare 403 on
 * its order endpoints from restricted countries). Not a credentials problem: the same key works from an
 * allowed location, and repeating from here fails the same way (exit 5, like a refused order).
 */
export class GeoblockedError extends ExchangeError {}
/** The venue (or this adapter) does not offer the operation. */
export class NotSupportedError extends ExchangeError {}

/**
 * The request left this machine but its outcome is unknown (connection lost, timeout after sending).
 * Deliberately NOT retryable: repeating an order or a transfer could execute it twice. The caller must
 * look first (open orders, fetchOrder, the transaction) and only then decide.
 */
export class OutcomeUnknownError extends BetmirrorError {
  readonly retryable = false;
}

export function isRetryable(error: unknown): error is NetworkError {
  return error instanceof NetworkError;
}
