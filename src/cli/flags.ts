/**
 * Flags declared once: each is a commander Option (flags, help text, choices, default, parser) that
 * also carries the type its parser returns. A command's table of flags gives, from one place, its
 * help, its parsed and typed options (`Options<typeof FLAGS>`), and, for flags a profile may preset
 * (`profile: true`), how a profile's stored text is read (the same parser as the command line).
 *
 * Parsers throw BadInputError naming the flag, so a bad value is refused while the command line is
 * read: exit 2, before any secret is opened or anything is sent.
 */
import { Option, type Command } from 'commander';
import { BadInputError } from '../core/errors.js';

export interface Flag<T> {
  readonly option: Option;
  /** A profile may store a value for it (under the long flag name, without `--`). */
  readonly profile: boolean;
  /** Reads a value written as text (a profile's stored setting), as the command line would. */
  readonly read: (text: string) => T;
  /** Phantom: the parsed type. */
  readonly type?: T;
}

export type Flags = Record<string, Flag<unknown>>;

/** The typed options a table of flags parses into. */
export type Options<F extends Flags> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

interface ValueSettings<T> {
  /** Valid values, listed in the help (the parser still decides, so it can accept other cases). */
  choices?: readonly string[];
  /** A profile may preset it (mirror settings). */
  profile?: boolean;
  /** Shown as the default in the help when the default is applied elsewhere (e.g. by the mirror's settings). */
  defaultText?: string;
}

/** `--name <value>`: the parsed value, or undefined when not given. */
export function value<T>(flags: string, description: string, parse: (text: string) => T, settings: ValueSettings<T> = {}): Flag<T | undefined> {
  const option = new Option(flags, description);
  if (settings.choices) option.choices(settings.choices);
  option.argParser((text: string) => parse(text));
  if (settings.defaultText !== undefined) option.defaultValueDescription = settings.defaultText;
  return { option, profile: Boolean(settings.profile), read: parse };
}

/** `--name <value>` that must be given (commander refuses the command line without it). */
export function required<T>(flags: string, description: string, parse: (text: string) => T, settings: ValueSettings<T> = {}): Flag<T> {
  const flag = value(flags, description, parse, settings);
  flag.option.makeOptionMandatory();
  return flag as Flag<T>;
}

/** `--name <value>` with a default applied here (shown in the help). */
export function valueWithDefault<T>(flags: string, description: string, parse: (text: string) => T, fallback: T, settings: ValueSettings<T> & { shown?: string } = {}): Flag<T> {
  const flag = value(flags, description, parse, settings);
  flag.option.default(fallback, settings.shown ?? String(fallback));
  return flag as Flag<T>;
}

/**
 * `--name <value...>`: repeatable and (unless `commas: false`) comma-separated; each item parsed.
 * Undefined when not given.
 */
export function list<T>(flags: string, description: string, parse: (text: string) => T, settings: ValueSettings<T[]> & { commas?: boolean } = {}): Flag<T[] | undefined> {
  const option = new Option(flags, description);
  if (settings.choices) option.choices(settings.choices);
  const split = (text: string) => (settings.commas === false ? [text] : text.split(',').map((item) => item.trim()).filter((item) => item !== ''));
  const items = (text: string) => split(text).map(parse);
  option.argParser((text: string, previous: T[] | undefined) => [...(previous ?? []), ...items(text)]);
  if (settings.defaultText !== undefined) option.defaultValueDescription = settings.defaultText;
  return { option, profile: Boolean(settings.profile), read: items };
}

/** `--name`: true when given. */
export function toggle(flags: string, description: string, settings: { profile?: boolean } = {}): Flag<boolean | undefined> {
  return { option: new Option(flags, description), profile: Boolean(settings.profile), read: readBoolean(flags) };
}

function readBoolean(flags: string): (text: string) => boolean {
  return (text) => {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new BadInputError(`${longName(flags)} is a switch: true or false (got ${text})`);
  };
}

/** Adds the table's options to the command; a key must be the option's own attribute name. */
export function addFlags(command: Command, flags: Flags): Command {
  for (const [key, flag] of Object.entries(flags)) {
    if (flag.option.attributeName() !== key) throw new Error(`flag table key ${key} does not match ${flag.option.flags}`);
    command.addOption(flag.option);
  }
  return command;
}

/**
 * The typed options of a parsed command: what the command line gave, else (for `profile` flags) what
 * the profile stores under the flag's name, read by the same parser, else the declared default.
 */
export function optionsOf<F extends Flags>(command: Command, flags: F, profile: Readonly<Record<string, string>> = {}): Options<F> {
  const values = command.opts();
  const options: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(flags)) {
    const name = longName(flag.option.flags).slice(2);
    const given = command.getOptionValueSource(key) === 'cli';
    if (!given && flag.profile && Object.hasOwn(profile, name)) options[key] = readProfile(flag, name, profile[name]!);
    else options[key] = values[key];
  }
  return options as Options<F>;
}

function readProfile<T>(flag: Flag<T>, name: string, text: string): T {
  try {
    return flag.read(text);
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    throw new BadInputError(`the profile's mirror setting ${name}: ${error.message}`, { hint: `correct or remove mirror.${name} in the profile` });
  }
}

export function longName(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}
