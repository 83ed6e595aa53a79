/** Shared test wiring: an adapter over an injected context, and generated (never real) keys. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger, systemClock, type Clock } from '../../../src/core/runtime.js';
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/adapter.js';

export function newKey(): { key: `0x${string}`; address: `0x${string}` } {
  const key = generatePrivateKey();
  return { key, address: privateKeyToAccount(key).address };
}

export function adapterFor(
  settings: Record<string, string | undefined>,
  secrets: Record<string, string | undefined>,
  options: { fetch?: typeof fetch; clock?: Clock } = {},
): PolymarketAdapter {
  return new PolymarketAdapter({
    settings,
    secrets,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
    logger: silentLogger,
  });
}

/** A fetch that records every call and answers nothing: proves that no request left the adapter. */
export function refusingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    calls.push(String(input instanceof Request ? input.url : input));
    throw new Error('network disabled in this test');
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

export interface Interposer {
  url: string;
  /** method + path (with query) of every request that reached the interposer. */
  seen: string[];
  close(): Promise<void>;
}

/** What the interposer does with one request: forward it untouched (undefined), answer in its place, or forward and then misbehave. */
export type Intercept =
  | undefined
  | { answer: { status: number; body: unknown } }
  | { forwardThenDestroy: true }
  | { forwardAndRewrite: (body: string) => string };

/**
 * An HTTP server between the adapter and a sandbox, for venue behaviours the sandbox does not script:
 * lost answers, version switches, rewritten responses. Port 0, closed in afterAll by the caller.
 */
export async function startInterposer(
  target: string,
  intercept: (request: { method: string; path: string; body: string }) => Intercept,
): Promise<Interposer> {
  const { createServer } = await import('node:http');
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const method = req.method ?? 'GET';
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push(`${method} ${path}`);
        const action = intercept({ method, path, body });
        if (action && 'answer' in action) {
          res.writeHead(action.answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(action.answer.body));
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
        }
        const upstream = await fetch(`${target}${path}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
        let text = await upstream.text();
        if (action && 'forwardThenDestroy' in action) {
          req.socket.destroy();
          return;
        }
        if (action && 'forwardAndRewrite' in action) text = action.forwardAndRewrite(text);
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(text);
      })().catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A server on 127.0.0.1 that answers `{}` and counts every request it receives, for tests that prove
 * a refusal happened before anything was sent. Starts in beforeAll, closes in afterAll.
 */
export function countingServer(): { url: () => string; hits: () => number } {
  let hits = 0;
  let url = '';
  const server = createServer((_req, res) => {
    hits++;
    res.end('{}');
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: () => url, hits: () => hits };
}
