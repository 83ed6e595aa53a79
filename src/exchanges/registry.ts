/**
 * The one adapter registry, keyed by --exchange. Venue modules are heavy (official clients, crypto
 * libraries), so the shipped registry loads a venue only when a command asks for it: `--help` and
 * `--version` stay instant.
 */
import { BadInputError } from '../core/errors.js';
import type { VenueDefinition } from './adapter.js';

export interface VenueEntry {
  id: string;
  load(): Promise<VenueDefinition>;
}

export class ExchangeRegistry {
  private readonly entries: readonly VenueEntry[];

  constructor(venues: ReadonlyArray<VenueDefinition | VenueEntry>) {
    this.entries = venues.map((venue) => ('load' in venue ? venue : { id: venue.id, load: async () => venue }));
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.id);
  }

  async get(id: string): Promise<VenueDefinition> {
    const entry = this.entries.find((candidate) => candidate.id === id);
    if (!entry) {
      throw new BadInputError(`unknown exchange "${id}"; valid exchanges: ${this.ids().join(', ')}`);
    }
    return entry.load();
  }
}

/** Every venue betmirror ships. */
export function defaultRegistry(): ExchangeRegistry {
  return new ExchangeRegistry([
    { id: 'polymarket', load: async () => (await import('./polymarket/index.js')).polymarketVenue },
    { id: 'kalshi', load: async () => (await import('./kalshi/index.js')).kalshiVenue },
    { id: 'predictbase', load: async () => (await import('./predictbase/index.js')).predictbaseVenue },
  ]);
}
