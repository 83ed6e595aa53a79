/**
 * Environment variables as betmirror sees them. An empty (or blank) variable counts as unset: a
 * `POLYMARKET_CLOB_URL=` left behind by a script must not override the profile's URL (and so fall back
 * to production), and an empty `POLYMARKET_PRIVATE_KEY=` must not hide the key in the secret store.
 * Applied once, where Deps enter a CommandContext and where main.ts derives the config directory.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function presentEnv(env: Env): Env {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (isPresent(value)) present[name] = value;
  }
  return Object.freeze(present);
}

/** A value that says something: set and not blank. */
export function isPresent(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
