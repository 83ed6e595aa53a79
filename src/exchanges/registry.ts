/**
 * The one adapter registry, keyed by --exchange. Venue modules are heavy (official clients, crypto
 * libraries), so the shipped registry loads a venue only when a command asks for it. Each entry carries
 * what the venue's light settings.ts knows (settings, secrets, capabilities), so `--help`, which lists
 * the venues' environment variables, loads no venue module.
 */
import { BadInputError } from '../core/errors.js';
import type { VenueDefinition, VenueInfo } from './adapter.js';
import { kalshiInfo } from './kalshi/settings.js';
import { polymarketInfo } from './polymarket/settings.js';
import { predictbaseInfo } from './predictbase/settings.js';

export interface VenueEntry extends VenueInfo {
  load(): Promise<VenueDefinition>;
}

export class ExchangeRegistry {
  private readonly entries: readonly VenueEntry[];

  constructor(venues: ReadonlyArray<VenueDefinition | VenueEntry>) {
    this.entries = venues.map((venue) => ('load' in venue ? venue : { ...venue, load: async () => venue }));
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.id);
  }

  /** Every venue as known without loading it. */
  infos(): VenueInfo[] {
    return this.entries.map(({ id, title, has, settings, secrets }) => ({ id, title, has, settings, secrets }));
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
    { ...polymarketInfo, load: async () => (await import('./polymarket/index.js')).polymarketVenue },
    { ...kalshiInfo, load: async () => (await import('./kalshi/index.js')).kalshiVenue },
    { ...predictbaseInfo, load: async () => (await import('./predictbase/index.js')).predictbaseVenue },
  ]);
}
