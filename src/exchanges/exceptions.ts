/**
 * The lookup shared by the venues' error tables, ccxt's `exceptions: {exact, broad}`: `exact` is keyed by
 * what names a failure exactly (an HTTP status, a venue error code, a call kind with its status),
 * `broad` by a phrase the venue's message contains (matched in lower case, in table order). Each venue's
 * errors.ts holds its table and says in which order the two are consulted.
 */
import { RateLimitedError, type BetmirrorError, type ErrorOptions } from '../core/errors.js';

export type ErrorClass = (new (message: string, options: ErrorOptions) => BetmirrorError) | typeof RateLimitedError;

export interface ErrorRule {
  error: ErrorClass;
  /** What the user can do about it. */
  hint?: string;
}

export interface ExceptionTable<Rule extends ErrorRule = ErrorRule> {
  exact: Readonly<Record<string, Rule>>;
  broad: Readonly<Record<string, Rule>>;
}

/** The rule of the first of `keys` the table lists exactly. */
export function exactRule<Rule extends ErrorRule>(table: ExceptionTable<Rule>, ...keys: Array<string | number | undefined>): Rule | undefined {
  for (const key of keys) {
    if (key !== undefined && Object.hasOwn(table.exact, key)) return table.exact[key];
  }
  return undefined;
}

/** Every rule whose phrase `text` contains, in table order. */
export function broadRules<Rule extends ErrorRule>(table: ExceptionTable<Rule>, text: string): Rule[] {
  const lower = text.toLowerCase();
  return Object.entries(table.broad)
    .filter(([phrase]) => lower.includes(phrase))
    .map(([, rule]) => rule);
}

/** The rule of the first phrase (in table order) that `text` contains. */
export function broadRule<Rule extends ErrorRule>(table: ExceptionTable<Rule>, text: string): Rule | undefined {
  return broadRules(table, text)[0];
}

/** The error a rule names, with its hint unless the options carry one. */
export function errorOf(rule: ErrorRule, message: string, options: ErrorOptions, retryAfterMs?: number): BetmirrorError {
  const withHint = rule.hint !== undefined && options.hint === undefined ? { ...options, hint: rule.hint } : options;
  if (rule.error === RateLimitedError) return new RateLimitedError(message, retryAfterMs, withHint);
  return new (rule.error as new (message: string, options: ErrorOptions) => BetmirrorError)(message, withHint);
}
