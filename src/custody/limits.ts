/**
 * How long a session key lives and how often it may act: chosen at `auth --smart-account`, written
 * into the permission as ZeroDev's TimestampPolicy and RateLimitPolicy (policy.ts). Kept apart from
 * the account-abstraction libraries so `--help` can show the defaults without loading them.
 */
import { BadInputError } from '../core/errors.js';

/** What the owner chooses. */
export interface SessionLimitChoice {
  expiryDays: number;
  operationsPerDay: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimitChoice = { expiryDays: 90, operationsPerDay: 24 };
/** At most 10 years; at most one operation a minute. */
export const SESSION_LIMIT_BOUNDS = { expiryDays: { min: 1, max: 3650 }, operationsPerDay: { min: 1, max: 1440 } } as const;

/**
 * ZeroDev's RateLimitPolicy (the standard one, not the "with reset" variant, which reads
 * block.timestamp during validation, an opcode ERC-4337 bundlers refuse there): `count` operations
 * in all, the n-th valid from `startAt + (n - 1) * interval`. With interval = 1 day / N it allows N a
 * day on average since `startAt`; what is not used carries over.
 */
export interface RateLimit {
  /** Seconds between operations. */
  interval: number;
  /** Operations in all (for the key's whole life). */
  count: number;
  /** Unix seconds of the first allowed operation. */
  startAt: number;
}

/** The policies' values. */
export interface SessionLimits {
  /** Unix seconds after which the chain refuses the key. */
  validUntil: number;
  rateLimit: RateLimit;
}

const DAY = 86_400;

/** The values for a choice made at `nowMs`: valid until now + days; N a day from now, N x days in all. */
export function sessionLimits(choice: SessionLimitChoice, nowMs: number): SessionLimits {
  const now = Math.floor(nowMs / 1000);
  return {
    validUntil: now + choice.expiryDays * DAY,
    rateLimit: { interval: Math.floor(DAY / choice.operationsPerDay), count: choice.operationsPerDay * choice.expiryDays, startAt: now },
  };
}

/** A flag's value as a whole number within its bounds, or a BadInputError naming the flag. */
export function parseLimit(flag: string, key: keyof SessionLimitChoice, value: string): number {
  const { min, max } = SESSION_LIMIT_BOUNDS[key];
  const number = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new BadInputError(`${flag} must be a whole number from ${min} to ${max} (got ${value})`);
  }
  return number;
}
