/** Kalshi's wire number formats for the local Kalshi: dollar strings, fixed-point counts, errors. */
import { MICRO, toMicros, type Micros } from '../../../src/core/money.js';

/** "0.5600": 4 decimals, 6 when the amount needs them (fee/cost math can reach 6). */
export function dollars(value: Micros): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const frac = (abs % MICRO).toString().padStart(6, '0');
  const digits = frac.endsWith('00') ? frac.slice(0, 4) : frac;
  return `${negative ? '-' : ''}${abs / MICRO}.${digits}`;
}

/** "10.00": counts always carry 2 decimals in responses. */
export function fixedCount(value: Micros): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / MICRO}.${(abs % MICRO).toString().padStart(6, '0').slice(0, 2)}`;
}

/** Parses a request's fixed-point string; undefined when malformed or finer than `maxDecimals`. */
export function parseRequestFixed(value: unknown, maxDecimals: number): Micros | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\d+(?:\.(\d+))?$/.exec(value);
  if (!match) return undefined;
  const frac = match[1] ?? '';
  if (frac.length > maxDecimals && /[1-9]/.test(frac.slice(maxDecimals))) return undefined;
  try {
    return toMicros(value);
  } catch {
    return undefined;
  }
}

export class KalshiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }

  /** Kalshi's error envelope. */
  body(): unknown {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}), service: 'exchange' } };
  }
}

export const badRequest = (code: string, message: string) => new KalshiHttpError(400, code, message);
