/**
 * A local RTDS firehose for bench/scale-rtds.ts, run in its own process so its CPU is not counted as
 * the mirror's. Speaks the RTDS protocol (subscribe message, text ping/pong, `{connection_id, topic,
 * type, timestamp, payload}` frames; https://docs.polymarket.com/developers/RTDS/RTDS-overview) and
 * sends RATE activity/trades messages per second, production-shaped (the payload fields the live
 * stream carries), MATCH_EVERY-th one from a followed wallet. The followed wallets come from the
 * parent over IPC; when told to stop it reports, over IPC, when it sent each matching message
 * (process.hrtime, one monotonic clock for both processes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

interface Start {
  wallets: string[];
  rate: number;
  matchEvery: number;
}

const hex = (bytes: number) => `0x${randomBytes(bytes).toString('hex')}`;
const others = Array.from({ length: 50_000 }, () => hex(20));
const markets = Array.from({ length: 500 }, (_, i) => ({
  conditionId: hex(32),
  asset: BigInt(hex(32)).toString(),
  slug: `will-market-${i}-resolve-yes-by-december-31-2026`,
  title: `Will market ${i} resolve Yes by December 31, 2026?`,
  icon: `https://polymarket-upload.s3.us-east-2.amazonaws.com/market-${i}.png`,
}));

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
const clients = new Map<WebSocket, string>();
const sent = new Map<string, string>(); // tx hash of a matching message -> hrtime (ns) when sent
let config: Start | undefined;
let count = 0;

wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === 'ping') return void ws.send('pong');
    if (text.includes('"subscribe"')) clients.set(ws, randomUUID());
  });
  ws.on('close', () => clients.delete(ws));
});

function message(connectionId: string, i: number): { text: string; tx: string; match: boolean } {
  const match = i % config!.matchEvery === 0;
  const wallet = match ? config!.wallets[(i / config!.matchEvery) % config!.wallets.length]! : others[i % others.length]!;
  const market = markets[i % markets.length]!;
  const tx = hex(32);
  const now = Date.now();
  const payload = {
    asset: market.asset,
    bio: '',
    conditionId: market.conditionId,
    eventSlug: market.slug,
    icon: market.icon,
    name: `trader-${i % 997}`,
    outcome: i % 2 ? 'No' : 'Yes',
    outcomeIndex: i % 2,
    price: 0.01 * (1 + (i % 98)),
    profileImage: '',
    proxyWallet: wallet,
    pseudonym: `Quick-Fox-${i % 991}`,
    side: i % 3 ? 'BUY' : 'SELL',
    size: 5 + (i % 200),
    slug: market.slug,
    timestamp: Math.floor(now / 1000),
    title: market.title,
    transactionHash: tx,
  };
  return { text: JSON.stringify({ connection_id: connectionId, topic: 'activity', type: 'trades', timestamp: now, payload }), tx, match };
}

let timer: NodeJS.Timeout | undefined;
process.on('message', (msg: { start?: Start; stop?: true }) => {
  if (msg.start) {
    config = msg.start;
    const began = process.hrtime.bigint();
    // Every 2 ms, whatever is due by now: the rate holds even when a tick runs late.
    timer = setInterval(() => {
      const due = Number(((process.hrtime.bigint() - began) * BigInt(config!.rate)) / 1_000_000_000n);
      for (; count < due; count++) {
        for (const [ws, id] of clients) {
          const m = message(id, count);
          if (m.match) sent.set(m.tx, process.hrtime.bigint().toString());
          ws.send(m.text);
        }
      }
    }, 2);
  }
  if (msg.stop) {
    clearInterval(timer);
    process.send!({ sent: [...sent], count }, () => {
      wss.close();
      process.exit(0);
    });
  }
});

wss.on('listening', () => process.send!({ port: (wss.address() as { port: number }).port }));
