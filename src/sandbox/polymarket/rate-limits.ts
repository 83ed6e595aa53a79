/**
 * The Data API's documented rate limits, switched on by tests and the scale bench: per 10 s, 1,000
 * requests overall, /trades 200, /positions 150 (VENUES.md 1.7;
 * https://docs.polymarket.com/quickstart/introduction/rate-limits). Production throttles by delaying
 * first and answers 429 past that; the sandbox skips the delay and answers 429 at once, with a
 * Retry-After (seconds until the window has room) and a JSON error body.
 */
import type { Clock } from '../../core/runtime.js';
import type { Reply } from './http.js';

const WINDOW_MS = 10_000;
const OVERALL = 1000;
const ROUTES: Record<string, number> = { '/trades': 200, '/positions': 150 };

export class DataApiRateLimits {
  private readonly sent = new Map<string, number[]>();
  /** 429 answers given. */
  refused = 0;

  constructor(private readonly clock: Clock) {}

  /** `route`: the Data API path without prefix and version ('/activity', '/positions'). A 429 reply, or undefined to serve. */
  check(route: string): Reply | undefined {
    const now = this.clock.now();
    let freeAt = 0;
    for (const [key, limit] of [['*', OVERALL], [route, ROUTES[route]]] as const) {
      if (limit === undefined) continue;
      const times = this.window(key, now);
      if (times.length >= limit) freeAt = Math.max(freeAt, times[times.length - limit]! + WINDOW_MS);
    }
    if (freeAt > 0) {
      this.refused++;
      return { status: 429, body: { error: 'Too Many Requests' }, headers: { 'retry-after': String(Math.max(1, Math.ceil((freeAt - now) / 1000))) } };
    }
    this.window('*', now).push(now);
    if (ROUTES[route] !== undefined) this.window(route, now).push(now);
    return undefined;
  }

  private window(key: string, now: number): number[] {
    let times = this.sent.get(key);
    if (!times) this.sent.set(key, (times = []));
    while (times.length > 0 && times[0]! <= now - WINDOW_MS) times.shift();
    return times;
  }
}
