/**
 * Mirror flags (or a profile's mirror defaults, keyed by the same flag names) -> typed engine settings.
 * Pure: every bad value is a BadInputError naming the flag.
 */
import { BadInputError } from '../core/errors.js';
import { MAX_TIMER_MS } from '../core/runtime.js';
import { MICRO, toMicros, type Micros } from '../core/money.js';
import { DEFAULT_CASHOUT_INTERVAL_MS, type FundManagerConfig } from './fund-manager.js';
import { DEFAULT_DEDUP_WINDOW_MS } from './trade-monitor.js';
import { SOURCE_NAMES, type CapsConfig, type RiskConfig, type SizingMode, type SourceName } from './types.js';

/** Flag name (without --) -> value; lists as arrays or comma-separated strings. */
export type RawMirrorSettings = Record<string, string | string[] | boolean | undefined>;

export interface MirrorSettings {
  /** Undefined: every source available (defaultSources in sources/source.ts). */
  sources?: SourceName[];
  pollIntervalMs: number;
  maxSignalAgeMs: number;
  /** Settled signals are kept in the state store this long (ms), then pruned. */
  retentionMs: number;
  risk: RiskConfig;
  cashout?: FundManagerConfig;
  dryRun: boolean;
}

/** The default sources live with the sources (one value, one place); re-exported for the flag table. */
export { DEFAULT_SOURCES } from './sources/source.js';
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** One copied buy uses at most this percent of our equity unless told otherwise. */
export const DEFAULT_MAX_COPY_PERCENT = 10;
export const DEFAULT_MAX_SIGNAL_AGE_MS = 120_000;
/** Settled signals stay in the state store a day (history for people), far beyond what a restart needs. */
export const DEFAULT_RETENTION_MS = 24 * 3_600_000;
/** A copy 100x the whale's proportion is already beyond any sane use; more is a typo. */
const MAX_MULTIPLIER = 100n;

export function parseMirrorSettings(raw: RawMirrorSettings): MirrorSettings {
  const sources = list(raw.source).map((s) => s.toLowerCase());
  for (const s of sources) {
    if (!SOURCE_NAMES.includes(s as SourceName)) throw new BadInputError(`--source must be one of ${SOURCE_NAMES.join(', ')} (got ${s})`);
  }
  const sizing = (str(raw.sizing) ?? 'proportional').toLowerCase();
  if (!['proportional', 'fixed', 'percent'].includes(sizing)) {
    throw new BadInputError(`--sizing must be proportional, fixed or percent (got ${sizing})`);
  }
  if (sizing === 'fixed' && raw['fixed-usd'] === undefined) throw new BadInputError('--sizing fixed needs --fixed-usd <usd>');
  if (sizing === 'percent' && raw.percent === undefined) throw new BadInputError('--sizing percent needs --percent <percent of balance>');
  const orderType = (str(raw['order-type']) ?? 'fak').toUpperCase();
  if (orderType !== 'FAK' && orderType !== 'FOK') throw new BadInputError(`--order-type must be fak or fok (got ${orderType})`);
  const slippagePercent = amount('max-slippage', raw['max-slippage'], true) ?? 2n * MICRO;
  if (slippagePercent >= 100n * MICRO) throw new BadInputError('--max-slippage is a percent below 100');
  const copyPercent = amount('max-copy-fraction', raw['max-copy-fraction']) ?? BigInt(DEFAULT_MAX_COPY_PERCENT) * MICRO;
  if (copyPercent > 100n * MICRO) throw new BadInputError('--max-copy-fraction is a percent of equity, at most 100');

  const caps: CapsConfig = {
    maxPerTrade: amount('max-per-trade', raw['max-per-trade']),
    maxPerMarket: amount('max-per-market', raw['max-per-market']),
    maxExposure: amount('max-exposure', raw['max-exposure']),
    maxDailyVolume: amount('max-daily-volume', raw['max-daily-volume']),
    dailyLossLimit: amount('daily-loss-limit', raw['daily-loss-limit']),
  };
  const percent = amount('percent', raw.percent) ?? 0n;
  if (percent > 100n * MICRO) throw new BadInputError(`--percent is a percent of your free cash, at most 100 (got ${str(raw.percent)})`);
  const multiplier = amount('multiplier', raw.multiplier) ?? MICRO;
  if (multiplier > MAX_MULTIPLIER * MICRO) throw new BadInputError(`--multiplier must be at most ${MAX_MULTIPLIER} (got ${str(raw.multiplier)})`);
  const risk: RiskConfig = {
    sizing: {
      mode: sizing as SizingMode,
      multiplier,
      fixedUsd: amount('fixed-usd', raw['fixed-usd']) ?? 0n,
      percent,
    },
    caps,
    maxCopyFraction: copyPercent / 100n,
    maxSlippage: slippagePercent / 100n,
    orderType,
    allow: list(raw.allow),
    deny: list(raw.deny),
  };

  const destination = str(raw['cashout-to']);
  let cashout: FundManagerConfig | undefined;
  if (destination) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(destination)) throw new BadInputError(`--cashout-to is not an address: ${destination}`);
    cashout = {
      destination,
      retain: amount('retain', raw.retain, true) ?? 0n,
      minimum: amount('cashout-min', raw['cashout-min']) ?? 10n * MICRO,
      intervalMs: int('cashout-interval', raw['cashout-interval']) ?? DEFAULT_CASHOUT_INTERVAL_MS,
    };
  } else if (raw.retain !== undefined || raw['cashout-min'] !== undefined) {
    throw new BadInputError('--retain and --cashout-min need --cashout-to <address>');
  }
  return {
    sources: sources.length > 0 ? [...new Set(sources as SourceName[])] : undefined,
    pollIntervalMs: int('poll-interval', raw['poll-interval']) ?? DEFAULT_POLL_INTERVAL_MS,
    maxSignalAgeMs: int('max-signal-age', raw['max-signal-age']) ?? DEFAULT_MAX_SIGNAL_AGE_MS,
    retentionMs: retention(raw['signal-retention']),
    risk,
    cashout,
    dryRun: raw['dry-run'] === true || raw['dry-run'] === 'true',
  };
}

/**
 * Never below twice the dedup window: a restart decides "already copied" from the store for any fill
 * up to one window old (older ones are refused whatever --max-signal-age says), so the record must
 * outlive that with margin for the sources' clocks.
 */
export const MIN_RETENTION_MS = 2 * DEFAULT_DEDUP_WINDOW_MS;

function retention(value: RawMirrorSettings[string]): number {
  const text = str(value);
  return text === undefined ? DEFAULT_RETENTION_MS : parseRetentionMs(text);
}

/** --signal-retention: whole milliseconds, at least MIN_RETENTION_MS (no timer waits that long, so no timer limit). */
export function parseRetentionMs(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < MIN_RETENTION_MS) {
    throw new BadInputError(`--signal-retention must be at least ${MIN_RETENTION_MS} ms (twice the 30-minute dedup window a restart relies on) (got ${text})`);
  }
  return Number(text);
}

function str(value: RawMirrorSettings[string]): string | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function list(value: RawMirrorSettings[string]): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function amount(flag: string, value: RawMirrorSettings[string], zeroOk = false): Micros | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  let micros: Micros;
  try {
    micros = toMicros(text);
  } catch (error) {
    throw new BadInputError(`--${flag}: ${(error as Error).message}`);
  }
  if (micros < 0n || (!zeroOk && micros === 0n)) throw new BadInputError(`--${flag} must be greater than 0 (got ${text})`);
  return micros;
}

function int(flag: string, value: RawMirrorSettings[string]): number | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new BadInputError(`--${flag} must be a positive number of milliseconds (got ${text})`);
  // A timer cannot wait longer; a larger value would fire at once and turn a poll into a busy loop.
  if (Number(text) > MAX_TIMER_MS) throw new BadInputError(`--${flag} must be at most ${MAX_TIMER_MS} ms (about 24.8 days) (got ${text})`);
  return Number(text);
}
