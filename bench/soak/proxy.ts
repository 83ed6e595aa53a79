/**
 * A forwarding proxy in front of the stand-in's CLOB (127.0.0.1 only). Armed with a trap, the next
 * POST /order calls `kill` either before the order is forwarded (it never reaches the venue) or after
 * the venue executed it (its answer never reaches the mirror): the two worst moments for a crash.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type OrderTrap = 'before-venue' | 'after-venue';

export interface ClobProxy {
  url: string;
  /** Arms a trap for the next POST /order; `kill` must stop the mirror synchronously (SIGKILL). */
  arm(trap: OrderTrap, kill: () => void): void;
  disarm(): void;
  /** Orders whose answer was withheld (after-venue) or that were dropped (before-venue). */
  trapped: Record<OrderTrap, number>;
  close(): Promise<void>;
}

const UPSTREAM_TIMEOUT_MS = 10_000;

export async function startClobProxy(upstream: string): Promise<ClobProxy> {
  let armed: { trap: OrderTrap; kill: () => void } | undefined;
  const trapped: Record<OrderTrap, number> = { 'before-venue': 0, 'after-venue': 0 };

  const server: Server = createServer((req, res) => {
    void (async () => {
      let body: Buffer;
      try {
        body = await readAll(req);
      } catch {
        res.destroy(); // the mirror died mid-request
        return;
      }
      const isOrder = req.method === 'POST' && req.url?.split('?')[0] === '/order';
      const trap = isOrder ? armed : undefined;
      if (trap) armed = undefined;
      if (trap?.trap === 'before-venue') {
        trapped['before-venue']++;
        trap.kill();
        res.destroy();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length' && k !== 'connection'),
      ) as Record<string, string>;
      let status: number;
      let contentType: string;
      let text: string;
      try {
        const answer = await fetch(`${upstream}${req.url}`, {
          method: req.method,
          headers,
          body: body.length > 0 ? body : undefined,
          signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
        });
        status = answer.status;
        contentType = answer.headers.get('content-type') ?? 'application/json';
        text = await answer.text();
      } catch {
        res.destroy();
        return;
      }
      if (trap?.trap === 'after-venue') {
        trapped['after-venue']++;
        trap.kill(); // the venue took the order; its answer never comes back
        res.destroy();
        return;
      }
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': contentType });
      res.end(text);
    })();
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    arm(trap, kill) {
      armed = { trap, kill };
    },
    disarm() {
      armed = undefined;
    },
    trapped,
    async close() {
      armed = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}
