/**
 * The RTDS source: Polymarket's real-time activity stream, filtered locally by wallet (the stream has
 * no wallet filter). Text "ping" every 5 s; a silence watchdog reconnects and resubscribes a stream
 * that went quiet without closing, then reconciles the gap over REST /activity.
 * https://docs.polymarket.com/developers/RTDS/RTDS-overview
 *
 * Two channels carry the same Trade payload (the real-time-data-client README lists `activity/trades`
 * and `activity/orders_matched`); users report `trades` went silent in March 2026
 * (real-time-data-client issue #42, VENUES.md 1.5). Both are subscribed and a fill is delivered once,
 * whichever channel brings it first.
 */
import WebSocket from 'ws';
import { every, type Clock, type Logger } from '../../core/runtime.js';
import { fillKey, SeenSet } from '../dedup.js';
import { activityToFill, type ActivityItem } from './data-api.js';
import type { FillSink, FillSource } from './source.js';

/** The activity channels subscribed (VENUES.md 1.5: never trust one channel alone). */
export const RTDS_CHANNELS = ['trades', 'orders_matched'] as const;
export const RTDS_SUBSCRIBE = JSON.stringify({ action: 'subscribe', subscriptions: RTDS_CHANNELS.map((type) => ({ topic: 'activity', type })) });
/** How long a fill's identity is remembered to drop its copy from the other channel (and repeats). */
const CHANNEL_DEDUP_MS = 10 * 60_000;

export interface RtdsOptions {
  url: string;
  wallets: readonly string[];
  pingMs?: number;
  /** No message (trades or pong) for this long = a dead stream. */
  silenceMs?: number;
  /**
   * No activity message (any wallet's trade, on either channel) for this long = the stream is not
   * delivering, even if it still answers pings: `live` turns false and the Data API polls at full pace
   * (default: silenceMs). Pongs say the connection stands, not that trades flow (VENUES.md 1.5:
   * `activity/trades` went silent in March 2026 without the connection closing).
   */
  liveWindowMs?: number;
  /** Re-reads the REST activity since a time (ms): fills missed while the stream was down. */
  reconcile?: (since: number) => Promise<void>;
}

export class RtdsSource implements FillSource {
  readonly name = 'rtds' as const;
  private readonly wallets: Set<string>;
  private readonly delivered = new SeenSet(CHANNEL_DEDUP_MS);
  private socket: WebSocket | undefined;
  private timers: Array<() => void> = [];
  private lastMessageAt = 0;
  private lastActivityAt = -Infinity;
  private lastHealthyAt = 0;
  private sink: FillSink | undefined;
  private stopped = false;
  private reconnecting = false;
  private reconnectDelay = 250;
  /** Connections opened (tests and status). */
  connects = 0;
  reconciles = 0;
  /** Fills first delivered per channel (status and tests). */
  readonly firstBy: Record<(typeof RTDS_CHANNELS)[number], number> = { trades: 0, orders_matched: 0 };

  constructor(
    private readonly options: RtdsOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.wallets = new Set(options.wallets.map((w) => w.toLowerCase()));
  }

  /** Connected and delivering trades (any wallet's) within the live window: the firehose is doing its job. */
  get live(): boolean {
    const window = this.options.liveWindowMs ?? this.options.silenceMs ?? 15_000;
    return !this.stopped && !this.reconnecting && this.socket?.readyState === WebSocket.OPEN && this.clock.now() - this.lastActivityAt <= window;
  }

  async start(sink: FillSink): Promise<void> {
    this.sink = sink;
    this.lastHealthyAt = this.clock.now();
    await this.connect();
    // A fill broadcast before the server processed our subscribe is not sent to us: read the REST
    // activity once the subscription stands, as after every reconnect.
    void this.reconcileSince(this.lastHealthyAt);
    const silence = this.options.silenceMs ?? 15_000;
    // Pongs are what tells a quiet stream from a dead one: ping well inside the silence limit.
    const pingMs = this.options.pingMs ?? Math.min(5000, Math.floor(silence / 3));
    const ping = every(this.clock, pingMs, () => this.socket?.readyState === WebSocket.OPEN && this.socket.send('ping'));
    const watchdog = every(this.clock, Math.max(50, Math.floor(silence / 4)), () => {
      if (!this.reconnecting && this.clock.now() - this.lastMessageAt > silence) {
        this.logger.warn(`RTDS silent for ${silence} ms: reconnecting`);
        void this.reconnect();
      }
    });
    this.timers.push(ping, watchdog);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.socket?.removeAllListeners();
    this.socket?.on('error', () => undefined);
    this.socket?.terminate();
  }

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket = new WebSocket(this.options.url);
      this.socket = socket;
      this.connects++;
      socket.on('open', () => {
        socket.send(RTDS_SUBSCRIBE);
        this.lastMessageAt = this.clock.now();
        this.reconnectDelay = 250;
        resolve();
      });
      socket.on('message', (data) => this.onMessage(data.toString()));
      socket.on('error', (error) => {
        this.logger.warn(`RTDS: ${error.message}`);
        resolve();
      });
      socket.on('close', () => {
        if (!this.stopped && this.socket === socket) void this.reconnect();
      });
    });
  }

  private onMessage(text: string): void {
    const now = this.clock.now();
    this.lastMessageAt = now;
    this.lastHealthyAt = now;
    if (text === 'pong' || text === 'ping' || !text.startsWith('{')) return;
    let message: { topic?: string; type?: string; payload?: ActivityItem };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.topic === 'activity') this.lastActivityAt = now;
    const payload = message.payload;
    const channel = RTDS_CHANNELS.find((type) => type === message.type);
    if (message.topic !== 'activity' || !channel || !payload?.proxyWallet) return;
    if (!this.wallets.has(payload.proxyWallet.toLowerCase())) return;
    const fill = activityToFill(payload, 'rtds', this.clock);
    if (!this.delivered.add(fillKey(fill), now)) return;
    this.firstBy[channel]++;
    this.sink?.(fill);
  }

  private async reconnect(): Promise<void> {
    if (this.stopped || this.reconnecting) return;
    this.reconnecting = true;
    const gapStart = this.lastHealthyAt;
    try {
      const old = this.socket;
      this.socket = undefined;
      old?.removeAllListeners();
      old?.on('error', () => undefined);
      old?.terminate();
      while (!this.stopped) {
        await this.clock.sleep(this.reconnectDelay).catch(() => undefined);
        await this.connect();
        if ((this.socket as WebSocket | undefined)?.readyState === WebSocket.OPEN) break;
        this.reconnectDelay = Math.min(this.reconnectDelay * 2, 10_000);
      }
    } finally {
      this.reconnecting = false;
    }
    // Whatever happened while the stream was silent comes from REST; the monitor drops repeats.
    await this.reconcileSince(gapStart);
  }

  private async reconcileSince(since: number): Promise<void> {
    if (this.stopped || !this.options.reconcile) return;
    this.reconciles++;
    await this.options.reconcile(since - 1000).catch((error: Error) => this.logger.warn(`RTDS gap reconciliation: ${error.message}`));
  }
}
