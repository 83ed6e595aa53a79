/**
 * Money and share amounts are integer micro-units (1e-6) held in bigint: USD, pUSD and
 * outcome-token shares all have 6 decimals on Polymarket, and Kalshi's dollar strings fit too.
 * Decimal strings are converted here, at the edges, and nowhere else.
 */
export type Micros = bigint;

export const MICRO = 1_000_000n;
const DECIMALS = 6;

/** Parses "12.5" / "0.56" / "3" into micro-units. Throws RangeError on malformed or over-precise input. */
export function toMicros(value: string | number): Micros {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`not a decimal number: "${text}"`);
  const [, minus, whole = '0', frac = ''] = match;
  if (frac.length > DECIMALS && /[1-9]/.test(frac.slice(DECIMALS))) {
    throw new RangeError(`too many decimals (max ${DECIMALS}): "${text}"`);
  }
  const micros = BigInt(whole) * MICRO + BigInt(frac.slice(0, DECIMALS).padEnd(DECIMALS, '0'));
  return minus ? -micros : micros;
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return value.toFixed(DECIMALS);
}

/** Formats micro-units as a plain decimal string without trailing zeros ("12.5", "0.56", "3"). */
export function formatMicros(value: Micros): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / MICRO;
  const frac = (abs % MICRO).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Micro-units as a JS number, for JSON output and display only (never for decisions). */
export function microsToNumber(value: Micros): number {
  return Number(formatMicros(value));
}

/** a * b where both are micro-units, rounded down (toward zero). */
export function mulMicros(a: Micros, b: Micros): Micros {
  return (a * b) / MICRO;
}

/** a / b where both are micro-units, rounded down (toward zero). */
export function divMicros(a: Micros, b: Micros): Micros {
  if (b === 0n) throw new RangeError('division by zero');
  return (a * MICRO) / b;
}

export function minMicros(...values: Micros[]): Micros {
  return values.reduce((a, b) => (b < a ? b : a));
}

export function maxMicros(...values: Micros[]): Micros {
  return values.reduce((a, b) => (b > a ? b : a));
}
