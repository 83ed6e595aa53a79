/**
 * The Environment section of the help, generated from what reads the environment: the venues'
 * settings and secrets (SettingSpec, SecretSpec) and the variables betmirror itself reads.
 */
import type { VenueInfo } from '../exchanges/adapter.js';

export interface EnvironmentEntry {
  name: string;
  description: string;
}

/** Read by every command. */
export const COMMON_ENVIRONMENT: readonly EnvironmentEntry[] = [
  { name: 'BETMIRROR_PROFILE', description: 'profile to use when --profile is not given' },
  { name: 'BETMIRROR_CONFIG_DIR', description: 'where profiles, secrets and mirror state are kept (default: the user config directory)' },
  { name: 'NO_COLOR', description: 'any value: no colour' },
  { name: 'FORCE_COLOR', description: '1, 2 or 3: colour even when piped; 0: never' },
];

export const PASSWORD_ENVIRONMENT: EnvironmentEntry = {
  name: 'BETMIRROR_PASSWORD',
  description: 'password of the encrypted secret store (else asked on a terminal)',
};

/** Columns the Environment section is wrapped to (commander wraps the rest of a piped help to 80 too). */
const WIDTH = 80;

export function environmentHelp(venues: readonly VenueInfo[], own: readonly EnvironmentEntry[]): string {
  const groups: Array<[string | undefined, EnvironmentEntry[]]> = [[undefined, [...COMMON_ENVIRONMENT, ...own]]];
  for (const venue of venues) groups.push([`${venue.title} (--exchange ${venue.id})`, venueEnvironment(venue)]);
  const indentOf = (title: string | undefined) => (title ? '    ' : '  ');
  const column = Math.max(...groups.flatMap(([title, entries]) => entries.map((entry) => indentOf(title).length + entry.name.length))) + 2;
  const lines = ['', 'Environment:'];
  for (const [title, entries] of groups) {
    if (title) lines.push(`  ${title}:`);
    for (const entry of entries) lines.push(...item(`${indentOf(title)}${entry.name}`, entry.description, column));
  }
  return lines.join('\n');
}

/** The name, then the description wrapped at word boundaries into the column after it. */
function item(term: string, description: string, column: number): string[] {
  const width = Math.max(WIDTH - column, 30);
  const lines: string[] = [];
  let line = '';
  for (const word of description.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((text, index) => `${(index === 0 ? term : '').padEnd(column)}${text}`);
}

function venueEnvironment(venue: VenueInfo): EnvironmentEntry[] {
  const entries: EnvironmentEntry[] = [];
  for (const spec of venue.settings) {
    if (spec.env) entries.push({ name: spec.env, description: `${spec.description}${spec.default ? ` (default: ${spec.default})` : ''}` });
  }
  for (const spec of venue.secrets) {
    const kind = spec.required ? 'secret, required' : 'secret';
    if (spec.env) entries.push({ name: spec.env, description: `${kind}: ${spec.description}` });
    if (spec.fileEnv) entries.push({ name: spec.fileEnv, description: `file holding the ${spec.description}` });
  }
  return entries;
}
