/** Flag values -> typed values. Every failure is a BadInputError naming the flag (exit 2, nothing sent). */
import { BadInputError } from '../core/errors.js';
import { MAX_TIMER_MS } from '../core/runtime.js';
import { MICRO, toMicros, type Micros } from '../core/money.js';
import { ORDER_TYPES, type OrderType, type Outcome, type Side } from '../core/types.js';

export function parseAmount(flag: string, value: string): Micros {
  let micros: Micros;
  try {
    micros = toMicros(value);
  } catch (error) {
    throw new BadInputError(`${flag}: ${(error as Error).message}`);
  }
  if (micros <= 0n) throw new BadInputError(`${flag} must be greater than 0 (got ${value})`);
  return micros;
}

export function parsePrice(flag: string, value: string): Micros {
  const price = parseAmount(flag, value);
  if (price >= MICRO) throw new BadInputError(`${flag} must be between 0 and 1 exclusive (got ${value})`);
  return price;
}

export function parseSide(value: string): Side {
  const side = value.toLowerCase();
  if (side !== 'buy' && side !== 'sell') throw new BadInputError(`--side must be buy or sell (got ${value})`);
  return side;
}

export function parseOutcome(value: string): Outcome {
  const outcome = value.toLowerCase();
  if (outcome !== 'yes' && outcome !== 'no') throw new BadInputError(`--outcome must be yes or no (got ${value})`);
  return outcome;
}

export function parseOrderType(value: string): OrderType {
  const type = value.toUpperCase() as OrderType;
  if (!ORDER_TYPES.includes(type)) {
    throw new BadInputError(`--type must be one of ${ORDER_TYPES.map((t) => t.toLowerCase()).join(', ')} (got ${value})`);
  }
  return type;
}

/** GTD expiry: unix seconds, an ISO date, or a duration like 30m / 2h / 1d from now. */
export function parseExpiry(value: string, nowMs: number): number {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(nowMs / 1000) + Number(duration[1]) * unit;
  }
  const seconds = /^\d+$/.test(value) ? Number(value) : Math.floor(Date.parse(value) / 1000);
  if (!Number.isFinite(seconds)) throw new BadInputError(`--expires: not a time (use 30m, 2h, unix seconds or an ISO date): ${value}`);
  if (seconds * 1000 <= nowMs) throw new BadInputError(`--expires is in the past: ${value}`);
  return seconds;
}

export function parseAddress(flag: string, value: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new BadInputError(`${flag} is not an address (0x followed by 40 hex digits): ${value}`);
  return value as `0x${string}`;
}

export function parsePositiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new BadInputError(`${flag} must be a positive whole number (got ${value})`);
  return Number(value);
}

/** A period in milliseconds a timer can hold (Node's timers cap at 2^31-1 ms; more would fire at once). */
export function parseMs(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new BadInputError(`${flag} must be a positive number of milliseconds (got ${value})`);
  if (Number(value) > MAX_TIMER_MS) throw new BadInputError(`${flag} must be at most ${MAX_TIMER_MS} ms (about 24.8 days) (got ${value})`);
  return Number(value);
}

/** An amount that may be 0 (a reserve, a slippage allowance). */
export function parseAmountOrZero(flag: string, value: string): Micros {
  let micros: Micros;
  try {
    micros = toMicros(value);
  } catch (error) {
    throw new BadInputError(`${flag}: ${(error as Error).message}`);
  }
  if (micros < 0n) throw new BadInputError(`${flag} must not be negative (got ${value})`);
  return micros;
}
