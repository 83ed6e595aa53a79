/** The one place that turns errors into exit codes and into a message a person can act on. */
import { CommanderError } from 'commander';
import {
  AuthenticationError,
  BadInputError,
  BetmirrorError,
  CancelledError,
  ConfigError,
  GeoblockedError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  NotSupportedError,
  OrderNotFoundError,
  OutcomeUnknownError,
  RateLimitedError,
} from '../core/errors.js';

/** A person answered no at a confirmation: nothing was done (exit 8, not an interruption's 130). */
export class DeclinedError extends CancelledError {}

export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  NOT_SUPPORTED: 3,
  AUTH: 4,
  REJECTED: 5,
  NETWORK: 6,
  OUTCOME_UNKNOWN: 7,
  /** A confirmation was answered no. */
  DECLINED: 8,
  /** Ctrl-C, SIGTERM, or a prompt closed without an answer. */
  INTERRUPTED: 130,
} as const;

export interface ErrorReport {
  exitCode: number;
  type: string;
  message: string;
  hint?: string;
}

/** `usage` names the command whose help explains a usage error, e.g. "betmirror order". */
export function describeError(error: unknown, usage = 'betmirror'): ErrorReport {
  if (error instanceof CommanderError) {
    return { exitCode: ExitCode.USAGE, type: 'UsageError', message: error.message.replace(/^error:\s*/, ''), hint: `run \`${usage} --help\` for usage` };
  }
  if (!(error instanceof BetmirrorError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: ExitCode.ERROR, type: 'UnexpectedError', message, hint: 'run again with --verbose for details' };
  }
  const report = (exitCode: number, hint = error.hint): ErrorReport => ({
    exitCode,
    type: error.name,
    message: error.message,
    ...(hint ? { hint } : {}),
  });
  if (error instanceof BadInputError) return report(ExitCode.USAGE);
  if (error instanceof DeclinedError) return report(ExitCode.DECLINED);
  if (error instanceof CancelledError) return report(ExitCode.INTERRUPTED);
  if (error instanceof AuthenticationError) return report(ExitCode.AUTH);
  if (error instanceof NotSupportedError) return report(ExitCode.NOT_SUPPORTED);
  if (error instanceof InvalidOrderError || error instanceof InsufficientFundsError || error instanceof OrderNotFoundError || error instanceof GeoblockedError) {
    return report(ExitCode.REJECTED);
  }
  if (error instanceof RateLimitedError) {
    const wait = error.retryAfterMs === undefined ? 'later' : `in ${Math.ceil(error.retryAfterMs / 1000)} s`;
    return report(ExitCode.NETWORK, error.hint ?? `the venue is rate limiting: try again ${wait}`);
  }
  if (error instanceof NetworkError) return report(ExitCode.NETWORK, error.hint ?? 'a network problem: try again');
  if (error instanceof OutcomeUnknownError) {
    return report(ExitCode.OUTCOME_UNKNOWN, error.hint ?? 'the request was sent but its outcome is unknown: check open orders or the transaction before retrying');
  }
  if (error instanceof ConfigError) return report(ExitCode.ERROR);
  return report(ExitCode.ERROR);
}
