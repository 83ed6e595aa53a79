/** A websocket relay in front of a JSON-RPC node (anvil) that records the frames sent to it, and can drop and refuse connections. */
import WebSocket, { WebSocketServer } from 'ws';

export interface WsRelay {
  url: string;
  frames: Array<{ method: string; params: unknown[] }>;
  /** Connections open now. */
  readonly clients: number;
  /** Drops every connection and refuses new ones until `accept()`. */
  cut(): void;
  accept(): void;
  close(): Promise<void>;
}

export async function wsRelay(target: string): Promise<WsRelay> {
  const frames: WsRelay['frames'] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  let refusing = false;
  server.on('connection', (client) => {
    if (refusing) return client.terminate();
    const upstream = new WebSocket(target);
    const queue: string[] = [];
    upstream.on('open', () => queue.splice(0).forEach((m) => upstream.send(m)));
    client.on('message', (data) => {
      const text = data.toString();
      frames.push(JSON.parse(text));
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else queue.push(text);
    });
    upstream.on('message', (data) => client.readyState === WebSocket.OPEN && client.send(data.toString()));
    client.on('close', () => upstream.terminate());
    upstream.on('close', () => client.terminate());
    upstream.on('error', () => client.terminate());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    get clients() {
      return [...server.clients].filter((c) => c.readyState === WebSocket.OPEN).length;
    },
    cut() {
      refusing = true;
      for (const client of server.clients) client.terminate();
    },
    accept() {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}
