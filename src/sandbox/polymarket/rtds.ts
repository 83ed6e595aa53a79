/**
 * RTDS-style websocket (wss://ws-live-data.polymarket.com): clients subscribe with
 * `{"action":"subscribe","subscriptions":[{"topic":"activity","type":"trades"}]}` (optional `filters`, a
 * JSON string such as `{"event_slug":"..."}` or `{"market_slug":"..."}`), keep alive with the text "ping"
 * (answered "pong"), and receive `{connection_id, topic, type, timestamp, payload}`.
 * https://docs.polymarket.com/developers/RTDS/RTDS-overview
 * Every fill goes out on `activity/trades` and `activity/orders_matched`, the same Trade payload on
 * both (real-time-data-client README); either channel can be kept silent, as `trades` went in
 * production in March 2026 (real-time-data-client issue #42).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ActivityItem } from './types.js';
import type { Venue } from './venue.js';

interface Subscription {
  topic: string;
  type: string;
  filters?: string;
}

export class RtdsServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subs = new Map<WebSocket, { id: string; list: Subscription[] }>();
  /** Test control: keep sockets open but send nothing (a stream that went quiet). */
  silent = false;
  /** Test control: send every message twice, as the live stream is observed to do. */
  duplicates = false;
  /** Test control: activity channels that send nothing (pongs still answered). */
  readonly silentChannels = new Set<string>();

  constructor(private readonly venue: Venue) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
    venue.events.on('trade', (item: ActivityItem) => {
      this.broadcast('activity', 'trades', item);
      this.broadcast('activity', 'orders_matched', item);
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private onConnection(ws: WebSocket): void {
    const state = { id: randomUUID(), list: [] as Subscription[] };
    this.subs.set(ws, state);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text.toLowerCase() === 'ping') {
        if (!this.silent) ws.send(text === 'PING' ? 'PONG' : 'pong');
        return;
      }
      let msg: { action?: string; subscriptions?: Subscription[] };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      const incoming = Array.isArray(msg.subscriptions) ? msg.subscriptions.filter((s) => s && typeof s.topic === 'string') : [];
      if (msg.action === 'subscribe') state.list.push(...incoming);
      if (msg.action === 'unsubscribe') {
        state.list = state.list.filter((s) => !incoming.some((u) => u.topic === s.topic && u.type === s.type));
      }
    });
    ws.on('close', () => this.subs.delete(ws));
  }

  private broadcast(topic: string, type: string, payload: ActivityItem): void {
    if (this.silent || this.silentChannels.has(type)) return;
    const timestamp = this.venue.clock.now();
    for (const [ws, state] of this.subs) {
      const wanted = state.list.some((s) => s.topic === topic && (s.type === type || s.type === '*') && passes(s.filters, payload));
      if (!wanted || ws.readyState !== ws.OPEN) continue;
      const text = JSON.stringify({ connection_id: state.id, topic, type, timestamp, payload });
      ws.send(text);
      if (this.duplicates) ws.send(text);
    }
  }

  close(): Promise<void> {
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

/** Activity filters by event or market slug; anything unparseable filters nothing, like an empty filter. */
function passes(filters: string | undefined, payload: ActivityItem): boolean {
  if (!filters) return true;
  let parsed: { event_slug?: unknown; market_slug?: unknown };
  try {
    parsed = JSON.parse(filters) as typeof parsed;
  } catch {
    return true;
  }
  if (typeof parsed.event_slug === 'string' && parsed.event_slug !== payload.eventSlug) return false;
  if (typeof parsed.market_slug === 'string' && parsed.market_slug !== payload.slug) return false;
  return true;
}
