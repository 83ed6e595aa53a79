/**
 * kill -9 in the worst place: the order reached the venue (and executed) but its answer never reached
 * the mirror. The restarted mirror must reconcile it and never send a second order for that fill.
 * The child runs the real engine + adapter; a forwarding proxy in front of the CLOB holds the answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { tempStateDir } from './support/engine-harness.js';
import { fundedKey, orderPosts, waitFor } from './support/sandbox-harness.js';

let sandbox: PolymarketSandbox;
let proxy: Server;
let proxyUrl: string;
let hold = false;
let heldOrders = 0;
const children: ChildProcess[] = [];

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const upstream = await fetch(`${sandbox.clobUrl}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
    const text = await upstream.text();
    if (hold && req.method === 'POST' && req.url?.split('?')[0] === '/order') {
      heldOrders++;
      return; // the venue took the order; its answer never comes back
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.close();
});

function startChild(config: object): { child: ChildProcess; events: Array<Record<string, unknown>> } {
  const script = fileURLToPath(new URL('./support/mirror-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const events: Array<Record<string, unknown>> = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
  });
  return { child, events };
}

it('after kill -9 with an order in flight, the restart reconciles it and never copies a whale fill twice', async () => {
  const whale = sandbox.whales[0]!;
  const token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  const { key, address } = fundedKey(sandbox, 500n * MICRO);
  const config = { clobUrl: proxyUrl, dataApiUrl: sandbox.dataApiUrl, gammaUrl: sandbox.gammaUrl, privateKey: key, stateDir: tempStateDir(), wallets: [whale] };
  const before = sandbox.requests.length;
  const filled = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'order' && e.status === 'filled');

  const first = startChild(config);
  await waitFor(() => first.events.some((e) => e.type === 'started'), 'the first mirror to start', 20_000);
  await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.99 });
  await waitFor(() => filled(first.events).length === 1, 'the first copy');

  hold = true;
  await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 11, price: 0.99 });
  await waitFor(() => heldOrders === 1, 'the second order to reach the venue');
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  hold = false;
  const sharesAtCrash = sandbox.sharesOf(address, token);

  const second = startChild(config);
  await waitFor(() => second.events.some((e) => e.type === 'started'), 'the restarted mirror', 20_000);
  expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ token, side: 'buy', status: 'filled' });
  await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 12, price: 0.99 });
  await waitFor(() => filled(second.events).length === 1, 'the copy after the restart');
  await new Promise((r) => setTimeout(r, 300)); // more polls: nothing else may be sent
  second.child.kill('SIGTERM');
  const code = await new Promise((resolve) => second.child.once('exit', resolve));

  expect(code).toBe(0);
  expect(second.events.at(-1)).toMatchObject({ type: 'summary' });
  // Three whale fills, three orders at the venue: the in-flight one was not sent again.
  expect(orderPosts(sandbox, before)).toHaveLength(3);
  expect(sandbox.sharesOf(address, token)).toBeGreaterThan(sharesAtCrash);
});
