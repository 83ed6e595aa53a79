/**
 * The mirror's trading flags, declared once: help, parsing, and the profile's mirror defaults (stored
 * under the same names, read by the same parsers) all come from this table. The defaults shown are
 * the constants src/mirror/settings.ts applies; settings.ts stays the one place that checks how the
 * values go together (e.g. `--sizing fixed` needs `--fixed-usd`).
 */
import { list, toggle, value, type Options } from '../cli/flags.js';
import { BadInputError } from '../core/errors.js';
import { formatMicros, type Micros } from '../core/money.js';
import { DEFAULT_CASHOUT_INTERVAL_MS } from '../mirror/fund-manager.js';
import {
  DEFAULT_MAX_COPY_PERCENT,
  DEFAULT_MAX_SIGNAL_AGE_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RETENTION_MS,
  parseRetentionMs,
  type RawMirrorSettings,
} from '../mirror/settings.js';
import { DEFAULT_SOURCES_HELP } from '../mirror/sources/source.js';
import { SOURCE_NAMES, type SizingMode, type SourceName } from '../mirror/types.js';
import { parseAmount, parseAmountOrZero, parseMs } from './parse.js';

const SIZING_MODES: readonly SizingMode[] = ['proportional', 'fixed', 'percent'];
const MIRROR_ORDER_TYPES = ['fak', 'fok'] as const;

function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    const choice = value.toLowerCase() as T;
    if (!choices.includes(choice)) throw new BadInputError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)} (got ${value})`);
    return choice;
  };
}

const usd = (flag: string) => (value: string) => parseAmount(flag, value);
const usdOrZero = (flag: string) => (value: string) => parseAmountOrZero(flag, value);
const ms = (flag: string) => (value: string) => parseMs(flag, value);
const text = (value: string) => value;
const profile = true;

/** A fresh table (commander options belong to one command each): `mirror` declares it, `backtest` a part of it. */
export const mirrorFlags = () => ({
  source: list('--source <name...>', 'where whale fills are seen, raced: the first to see a fill is acted on (repeat or comma-separate)', oneOf('--source', SOURCE_NAMES), {
    choices: SOURCE_NAMES,
    // The one default list (src/mirror/sources/source.ts), as its own help text says which apply when.
    defaultText: DEFAULT_SOURCES_HELP,
    profile,
  }),
  pollInterval: value('--poll-interval <ms>', 'Data API / chain polling period in milliseconds', ms('--poll-interval'), { defaultText: String(DEFAULT_POLL_INTERVAL_MS), profile }),
  sizing: value('--sizing <mode>', 'how a copy is sized', oneOf('--sizing', SIZING_MODES), { choices: SIZING_MODES, defaultText: 'proportional', profile }),
  multiplier: value('--multiplier <x>', "proportional: scale our share of the whale's bet", usd('--multiplier'), { defaultText: '1', profile }),
  fixedUsd: value('--fixed-usd <usd>', 'fixed: USD per copied buy', usd('--fixed-usd'), { profile }),
  percent: value('--percent <pct>', 'percent: percent of our free cash per copied buy', usd('--percent'), { profile }),
  maxPerTrade: value('--max-per-trade <usd>', 'cap per copied order', usd('--max-per-trade'), { profile }),
  maxPerMarket: value('--max-per-market <usd>', 'cap on what we hold in one market', usd('--max-per-market'), { profile }),
  maxExposure: value('--max-exposure <usd>', 'cap on everything we hold', usd('--max-exposure'), { profile }),
  maxDailyVolume: value('--max-daily-volume <usd>', 'cap on USD bought per UTC day', usd('--max-daily-volume'), { profile }),
  dailyLossLimit: value('--daily-loss-limit <usd>', "kill switch: no new buys once today's loss reaches this", usd('--daily-loss-limit'), { profile }),
  maxCopyFraction: value('--max-copy-fraction <pct>', 'ceiling on one copied buy, in percent of our equity (cash + positions)', usd('--max-copy-fraction'), {
    defaultText: String(DEFAULT_MAX_COPY_PERCENT),
    profile,
  }),
  maxSignalAge: value('--max-signal-age <ms>', 'skip (and report) whale fills older than this, e.g. after a restart', ms('--max-signal-age'), {
    defaultText: String(DEFAULT_MAX_SIGNAL_AGE_MS),
    profile,
  }),
  signalRetention: value('--signal-retention <ms>', 'keep settled signals in the state store this long, then prune them (at least 3600000)', parseRetentionMs, {
    defaultText: String(DEFAULT_RETENTION_MS),
    profile,
  }),
  maxSlippage: value('--max-slippage <pct>', "worst price vs the whale's, in percent", usdOrZero('--max-slippage'), { defaultText: '2', profile }),
  orderType: value('--order-type <type>', 'fak: sweep what fills inside the cap; fok: all or nothing', oneOf('--order-type', MIRROR_ORDER_TYPES), {
    choices: MIRROR_ORDER_TYPES,
    defaultText: 'fak',
    profile,
  }),
  allow: list('--allow <market...>', 'only these markets (token id, condition id or slug)', text, { profile }),
  deny: list('--deny <market...>', 'never these markets', text, { profile }),
  cashoutTo: value('--cashout-to <address>', 'sweep surplus collateral to this address', text, { profile }),
  retain: value('--retain <usd>', 'collateral kept for trading when sweeping', usdOrZero('--retain'), { defaultText: '0', profile }),
  cashoutMin: value('--cashout-min <usd>', 'smallest sweep', usd('--cashout-min'), { defaultText: '10', profile }),
  cashoutInterval: value('--cashout-interval <ms>', 'how often to check for a surplus', ms('--cashout-interval'), {
    defaultText: String(DEFAULT_CASHOUT_INTERVAL_MS),
    profile,
  }),
  dryRun: toggle('--dry-run', 'decide and sign everything, send nothing', { profile }),
});

export type MirrorFlags = ReturnType<typeof mirrorFlags>;
export type MirrorFlagOptions = Options<MirrorFlags>;

/** The part of the table named by long flag names (without `--`), e.g. the flags that shape a copy decision. */
export function pickMirrorFlags<K extends keyof MirrorFlags>(keys: readonly K[]): Pick<MirrorFlags, K> {
  const all = mirrorFlags();
  return Object.fromEntries(keys.map((key) => [key, all[key]])) as Pick<MirrorFlags, K>;
}

/**
 * The typed flags as src/mirror/settings.ts reads them (by flag name). Only what was given (on the
 * command line or in the profile) is passed, so the settings' own defaults apply to the rest.
 */
export function toRawSettings(options: Partial<MirrorFlagOptions>): RawMirrorSettings {
  const raw: RawMirrorSettings = {};
  for (const [key, flag] of Object.entries(mirrorFlags())) {
    const given = options[key as keyof MirrorFlagOptions];
    if (given === undefined) continue;
    const name = flag.option.long!.slice(2);
    raw[name] = typeof given === 'bigint' ? formatMicros(given as Micros) : typeof given === 'number' ? String(given) : (given as string | boolean | SourceName[] | string[]);
  }
  return raw;
}
