/**
 * A request budget over a sliding window: every Data API request of the process waits here for a slot,
 * so one mirror following a thousand wallets stays inside the venue's documented limits whatever its
 * parts ask for (pollers, gap reconciliation, whale books). Time goes through the injected clock.
 */
import { CancelledError } from '../../core/errors.js';
import type { Clock } from '../../core/runtime.js';

/**
 * Documented Data API limits, per 10 s (VENUES.md 1.7: "Data API 1,000 overall, /trades 200,
 * /positions 150"; https://docs.polymarket.com/quickstart/introduction/rate-limits). Throttling there is
 * delay first, then 429.
 */
export const DATA_API_LIMITS = { windowMs: 10_000, overall: 1000, routes: { '/trades': 200, '/positions': 150 } as Record<string, number> };
/** Share of each documented limit we use: the rest absorbs clock skew, other clients on the IP, and retries. */
export const DATA_API_MARGIN = 0.8;

export interface BudgetLimits {
  windowMs: number;
  overall: number;
  /** Per route (path without query, without the /v2 prefix): its own limit inside the overall one. */
  routes: Record<string, number>;
}

export function dataApiBudgetLimits(margin = DATA_API_MARGIN): BudgetLimits {
  const scale = (n: number) => Math.max(1, Math.floor(n * margin));
  return {
    windowMs: DATA_API_LIMITS.windowMs,
    overall: scale(DATA_API_LIMITS.overall),
    routes: Object.fromEntries(Object.entries(DATA_API_LIMITS.routes).map(([route, n]) => [route, scale(n)])),
  };
}

export class RequestBudget {
  private readonly sent = new Map<string, number[]>(); // '*' = overall; times in ms, oldest first
  private readonly waiting: Array<{ route: string; resolve: () => void }> = [];
  private pausedUntil = 0;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;

  constructor(
    readonly limits: BudgetLimits,
    private readonly clock: Clock,
  ) {}

  /** Resolves when a request to `path` may be sent now (and counts it as sent); rejects when `signal` aborts first. */
  take(path: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError('request not sent: stopping'));
      const entry = { route: routeOf(path), resolve: () => (signal?.removeEventListener('abort', abort), resolve()) };
      const abort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new CancelledError('request not sent: stopping'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(entry);
      this.pump();
    });
  }

  /** The venue said to wait (429 Retry-After): nothing is let through before `ms` from now. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
    this.pump();
  }

  /** Requests this budget allows per window for `path` (the overall figure when the route has none). */
  limitOf(path: string): number {
    return Math.min(this.limits.overall, this.limits.routes[routeOf(path)] ?? Infinity);
  }

  private pump(): void {
    const now = this.clock.now();
    let wake = Infinity;
    // In order, but a request whose route is full does not hold back one whose route has room.
    for (let i = 0; i < this.waiting.length; ) {
      const wait = this.waitFor(this.waiting[i]!.route, now);
      if (wait > 0) {
        wake = Math.min(wake, now + wait);
        i++;
        continue;
      }
      const [entry] = this.waiting.splice(i, 1);
      this.record(entry!.route, now);
      entry!.resolve();
    }
    if (wake === Infinity || wake >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = wake;
    this.cancelTimer = this.clock.after(wake - now, () => {
      this.timerAt = Infinity;
      this.cancelTimer = undefined;
      this.pump();
    });
  }

  /** ms until `route` has a free slot (0 = now). */
  private waitFor(route: string, now: number): number {
    let wait = Math.max(0, this.pausedUntil - now);
    for (const [key, limit] of [['*', this.limits.overall], [route, this.limits.routes[route]]] as const) {
      if (limit === undefined) continue;
      const times = this.prune(key, now);
      if (times.length >= limit) wait = Math.max(wait, times[times.length - limit]! + this.limits.windowMs - now);
    }
    return wait;
  }

  private record(route: string, now: number): void {
    this.prune('*', now).push(now);
    if (this.limits.routes[route] !== undefined) this.prune(route, now).push(now);
  }

  private prune(key: string, now: number): number[] {
    let times = this.sent.get(key);
    if (!times) this.sent.set(key, (times = []));
    let drop = 0;
    while (drop < times.length && times[drop]! <= now - this.limits.windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}

/** '/v2/positions?user=..' -> '/positions': a route's limit is the same whichever version serves it. */
export function routeOf(path: string): string {
  return path.split('?')[0]!.replace(/^\/v2(?=\/)/, '');
}
