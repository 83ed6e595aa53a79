/**
 * The one colour decision, per stream: FORCE_COLOR first (Node's own order, and chalk's), then
 * NO_COLOR (https://no-color.org: present and not empty disables colour), then whether the stream is a
 * terminal that can show colour. Everything betmirror colours (results, warnings, errors, spinner
 * symbols) asks here, so piped output is plain unless the user forces colour.
 */
import type { Env } from './env.js';

/** 0 = no colour; 1-3 = chalk's levels (16, 256, 16 million colours). */
export type ColorLevel = 0 | 1 | 2 | 3;

export function colorLevel(stream: { isTTY?: boolean }, env: Env): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === 'false' || force === '0') return 0;
    if (force === 'true') return 1;
    const level = Number(force);
    return Number.isInteger(level) && level >= 1 ? (Math.min(level, 3) as ColorLevel) : 1;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return 1;
}
