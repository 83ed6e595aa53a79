/** The one adapter registry, keyed by --exchange. */
import { BadInputError } from '../core/errors.js';
import type { VenueDefinition } from './adapter.js';

export class ExchangeRegistry {
  constructor(private readonly venues: readonly VenueDefinition[]) {}

  ids(): string[] {
    return this.venues.map((venue) => venue.id);
  }

  get(id: string): VenueDefinition {
    const venue = this.venues.find((candidate) => candidate.id === id);
    if (!venue) {
      throw new BadInputError(`unknown exchange "${id}"; valid exchanges: ${this.ids().join(', ')}`);
    }
    return venue;
  }
}

/** Every venue betmirror ships (imported here, by the entry point only, so tests can build their own registries). */
export async function defaultRegistry(): Promise<ExchangeRegistry> {
  const [{ polymarketVenue }, { kalshiVenue }] = await Promise.all([import('./polymarket/index.js'), import('./kalshi/index.js')]);
  return new ExchangeRegistry([polymarketVenue, kalshiVenue]);
}
