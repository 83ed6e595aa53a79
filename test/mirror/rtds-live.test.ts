/**
 * RTDS counts as live only while it delivers trades (issue 12): a stream whose channels went silent
 * while its pongs continue is connected but not delivering, and the Data API must then poll at full
 * pace instead of only filling gaps. Virtual time for the source's timers, a local websocket server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../../src/core/runtime.js';
import { RtdsSource } from '../../src/mirror/sources/rtds.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { ManualClock } from './support/fakes.js';
import { waitFor } from './support/sandbox-harness.js';

const FOLLOWED = '0x00000000000000000000000000000000000000aa';
const OTHER = '0x00000000000000000000000000000000000000bb';

/** An RTDS stand-in: answers "ping" with "pong" and sends what the test tells it to. */
async function rtdsServer() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  let client: WebSocket | undefined;
  let pongs = 0;
  server.on('connection', (socket) => {
    client = socket;
    socket.on('message', (data) => {
      if (data.toString() === 'ping') {
        pongs++;
        socket.send('pong');
      }
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    pongs: () => pongs,
    trade(wallet: string, type = 'orders_matched', tx = `0x${'1'.repeat(64)}`) {
      const payload = { proxyWallet: wallet, asset: 'T1', conditionId: 'C1', side: 'BUY', size: 10, price: 0.5, timestamp: 1_767_614_400, transactionHash: tx };
      client!.send(JSON.stringify({ topic: 'activity', type, timestamp: Date.now(), payload }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

/** Moves virtual time in ping-sized steps, letting each ping's pong arrive over the real socket. */
async function pass(clock: ManualClock, ms: number, server: { pongs(): number }) {
  for (let t = 0; t < ms; t += 2500) {
    const pongs = server.pongs();
    clock.advance(2500);
    if (clock.now() % 5000 === 0) await waitFor(() => server.pongs() > pongs, 'a pong');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('RTDS liveness', () => {
  it('live while any trade arrives within the window; not live on pongs alone; no reconnect for it', async () => {
    const server = await rtdsServer();
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 12)); // a whole number of 5 s
    const rtds = new RtdsSource({ url: server.url, wallets: [FOLLOWED], silenceMs: 15_000 }, clock, silentLogger);
    cleanup.push(() => rtds.stop(), () => server.close());
    const fills: WhaleFill[] = [];
    await rtds.start((fill) => fills.push(fill));
    expect(rtds.live).toBe(false); // connected, nothing delivered yet

    server.trade(OTHER); // someone else's trade: the firehose flows, nothing for us
    await waitFor(() => rtds.live, 'RTDS live');
    expect(fills).toEqual([]);

    await pass(clock, 15_000, server);
    expect(rtds.live).toBe(true); // 15 s since the last trade: still inside the window
    await pass(clock, 2_500, server);
    expect(rtds.live).toBe(false); // 17.5 s of pongs only
    expect(server.pongs()).toBe(3);
    expect(rtds.connects).toBe(1); // the connection stands: the pongs say so

    server.trade(FOLLOWED, 'trades', `0x${'2'.repeat(64)}`);
    await waitFor(() => fills.length === 1, 'the followed fill');
    expect(rtds.live).toBe(true);
    expect(fills.map((f) => [f.wallet, f.txHash, f.source])).toEqual([[FOLLOWED, `0x${'2'.repeat(64)}`, 'rtds']]);
  });

  it('the live window can be set apart from the silence limit', async () => {
    const server = await rtdsServer();
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
    const rtds = new RtdsSource({ url: server.url, wallets: [FOLLOWED], silenceMs: 15_000, liveWindowMs: 5_000 }, clock, silentLogger);
    cleanup.push(() => rtds.stop(), () => server.close());
    await rtds.start(() => undefined);
    server.trade(OTHER);
    await waitFor(() => rtds.live, 'RTDS live');
    await pass(clock, 5_000, server);
    expect(rtds.live).toBe(true);
    clock.advance(1);
    expect(rtds.live).toBe(false);
  });
});
