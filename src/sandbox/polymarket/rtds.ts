/**
 * RTDS-style websocket (wss://ws-live-data.polymarket.com): clients subscribe with
 * `{"action":"subscribe","subscriptions":[{"topic":"activity","type":"trades"}]}`, keep alive with the
 * text "ping" (answered "pong"), and receive `{topic, type, timestamp, payload, connection_id}`.
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
}

export class RtdsServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subs = new Map<WebSocket, { id: string; list: Subscription[] }>();
  silent = false;

  constructor(private readonly venue: Venue) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
    venue.events.on('trade', (item: ActivityItem) => this.broadcast('activity', 'trades', item));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private onConnection(ws: WebSocket): void {
    const state = { id: randomUUID(), list: [] as Subscription[] };
    this.subs.set(ws, state);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text === 'ping') {
        if (!this.silent) ws.send('pong');
        return;
      }
      let msg: { action?: string; subscriptions?: Subscription[] };
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      const incoming = Array.isArray(msg.subscriptions) ? msg.subscriptions : [];
      if (msg.action === 'subscribe') state.list.push(...incoming);
      if (msg.action === 'unsubscribe') {
        state.list = state.list.filter((s) => !incoming.some((u) => u.topic === s.topic && u.type === s.type));
      }
    });
    ws.on('close', () => this.subs.delete(ws));
  }

  private broadcast(topic: string, type: string, payload: ActivityItem): void {
    if (this.silent) return;
    const timestamp = this.venue.clock.now();
    for (const [ws, state] of this.subs) {
      const wanted = state.list.some((s) => s.topic === topic && (s.type === type || s.type === '*'));
      if (wanted && ws.readyState === ws.OPEN) {
        ws.send(JSON.stringify({ connection_id: state.id, topic, type, timestamp, payload }));
      }
    }
  }

  close(): Promise<void> {
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
