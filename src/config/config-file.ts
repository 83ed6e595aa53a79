/**
 * config.json checked field by field on every read. A hand edit that breaks it is refused with the
 * file, the key path and what was expected, rather than ignored (a misspelt key) or left to fail later
 * in the library's words. The field tables are typed against Profile, so a new profile field does not
 * compile until it says how it is checked.
 */
import type { Profile, SmartAccountProfile } from './config.js';

export interface ConfigShape {
  activeProfile: string;
  profiles: Record<string, Profile>;
}

export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Thrown by the checks below with the key path and the problem; config.ts adds the file and the fix. */
export class ConfigShapeError extends Error {
  constructor(
    readonly at: string,
    readonly problem: string,
  ) {
    super(`${at} ${problem}`);
  }
}

type Check = (value: unknown, at: string) => void;

const child = (at: string, key: string): string => (at ? `${at}.${key}` : key);

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const shown = JSON.stringify(value) ?? String(value);
  return `the ${typeof value} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const text: Check = (value, at) => {
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (write it in quotes: "${String(value)}")` : '';
    throw new ConfigShapeError(at, `must be a string, not ${kindOf(value)}${hint}`);
  }
};

const textList: Check = (value, at) => {
  if (!Array.isArray(value)) throw new ConfigShapeError(at, `must be a list of strings, not ${kindOf(value)}`);
  value.forEach((item, index) => text(item, `${at}[${index}]`));
};

const literal =
  (expected: string): Check =>
  (value, at) => {
    if (value !== expected) throw new ConfigShapeError(at, `must be "${expected}", not ${kindOf(value)}`);
  };

function mapOf(check: Check): Check {
  return (value, at) => {
    if (!isObject(value)) throw new ConfigShapeError(at, `must be an object, not ${kindOf(value)}`);
    for (const [key, item] of Object.entries(value)) check(item, child(at, key));
  };
}

/** An object with exactly these fields (the optional ones may be absent). */
function record<T>(fields: { [K in keyof T]-?: Check }, optional: ReadonlyArray<keyof T>): Check {
  const known = Object.keys(fields);
  return (value, at) => {
    if (!isObject(value)) throw new ConfigShapeError(at, `must be an object, not ${kindOf(value)}`);
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) throw new ConfigShapeError(child(at, key), `is not a setting betmirror knows (known here: ${known.join(', ')})`);
    }
    for (const [key, check] of Object.entries(fields) as [string, Check][]) {
      if (!Object.hasOwn(value, key)) {
        if (!optional.includes(key as keyof T)) throw new ConfigShapeError(child(at, key), 'is missing');
        continue;
      }
      check(value[key], child(at, key));
    }
  };
}

const custody = record<SmartAccountProfile>(
  {
    kind: literal('zerodev-kernel-v3.1'),
    venue: text,
    smartAccount: text,
    owner: text,
    sessionKeyAddress: text,
    approval: text,
    destinations: textList,
    bundlerUrl: text,
    paymasterUrl: text,
  },
  ['paymasterUrl'],
);

const profile = record<Profile>(
  { exchange: text, venues: mapOf(mapOf(text)), mirror: mapOf(text), custody },
  ['exchange', 'venues', 'mirror', 'custody'],
);

const NOT_A_NAME = "is not a profile name (letters, digits, '.', '_' or '-', at most 64)";

const profileName: Check = (value, at) => {
  text(value, at);
  if (!PROFILE_NAME.test(value as string)) throw new ConfigShapeError(at, `"${value as string}" ${NOT_A_NAME}`);
};

const profiles: Check = (value, at) => {
  if (isObject(value)) {
    for (const name of Object.keys(value)) if (!PROFILE_NAME.test(name)) throw new ConfigShapeError(child(at, name), NOT_A_NAME);
  }
  mapOf(profile)(value, at);
};

const configFile = record<ConfigShape>({ activeProfile: profileName, profiles }, ['activeProfile', 'profiles']);

/** The document as a (partial) ConfigShape; throws ConfigShapeError naming the first problem. */
export function checkConfig(json: unknown): Partial<ConfigShape> {
  if (!isObject(json)) throw new ConfigShapeError('the top level', `must be an object, not ${kindOf(json)}`);
  configFile(json, '');
  return json as Partial<ConfigShape>;
}
