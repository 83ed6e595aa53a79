/**
 * Every venue folder has the same shape, so a newcomer finds each role in the same file: index.ts (the
 * definition), settings.ts (settings, secrets, capabilities: light, read by help), client.ts (HTTP),
 * wire.ts (wire format), ids.ts (identifiers), errors.ts (the error table), adapter.ts. Larger venues
 * keep extra files for extra features.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { defaultRegistry } from '../../src/exchanges/registry.js';

const ROLES = ['adapter.ts', 'client.ts', 'errors.ts', 'ids.ts', 'index.ts', 'settings.ts', 'wire.ts'];

it.each(defaultRegistry().ids())('%s has a file for every role', (id) => {
  const files = readdirSync(fileURLToPath(new URL(`../../src/exchanges/${id}/`, import.meta.url)));
  expect(ROLES.filter((role) => !files.includes(role))).toEqual([]);
});

it.each(defaultRegistry().ids())('%s: its settings.ts is what the registry knows before loading it, and its definition agrees', async (id) => {
  const registry = defaultRegistry();
  const info = registry.infos().find((candidate) => candidate.id === id)!;
  const definition = await registry.get(id);
  expect({ id: definition.id, title: definition.title, has: definition.has, settings: definition.settings, secrets: definition.secrets }).toEqual(info);
});
