import { describe, expect, it } from 'vitest';
import { divMicros, formatMicros, mulMicros, toMicros } from '../../src/core/money.js';

describe('money', () => {
  it('parses decimal strings exactly', () => {
    expect(toMicros('0.56')).toBe(560_000n);
    expect(toMicros('21.04')).toBe(21_040_000n);
    expect(toMicros('3')).toBe(3_000_000n);
    expect(toMicros('0.1234560')).toBe(123_456n);
    expect(toMicros('-1.5')).toBe(-1_500_000n);
  });

  it('refuses malformed or over-precise input', () => {
    expect(() => toMicros('1e3')).toThrow(/not a decimal/);
    expect(() => toMicros('0.1234567')).toThrow(/too many decimals/);
    expect(() => toMicros('')).toThrow();
  });

  it('formats without trailing zeros and round-trips', () => {
    expect(formatMicros(560_000n)).toBe('0.56');
    expect(formatMicros(5_000_000n)).toBe('5');
    expect(formatMicros(-1_500_000n)).toBe('-1.5');
    expect(toMicros(formatMicros(123_456_789n))).toBe(123_456_789n);
  });

  it('multiplies and divides in micro-units, rounding down', () => {
    expect(mulMicros(21_040_000n, 560_000n)).toBe(11_782_400n);
    expect(divMicros(5_000_000n, 510_000n)).toBe(9_803_921n);
  });
});
