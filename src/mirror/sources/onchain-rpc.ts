/**
 * Minimal Ethereum JSON-RPC for the on-chain source, over HTTP (injected fetch) or a websocket (which
 * also carries `eth_subscribe` notifications). Raw requests so the one log filter goes out exactly as
 * built (tests assert its shape), whichever transport carries it.
 * https://ethereum.org/en/developers/docs/apis/json-rpc/ ; eth_subscribe: https://geth.ethereum.org/docs/interacting-with-geth/rpc/pubsub
 */
import WebSocket from 'ws';
import { NetworkError } from '../../core/errors.js';

export interface RpcTransport {
  request<T>(method: string, params: unknown[]): Promise<T>;
  close(): void;
}

export function httpRpc(url: string, fetchFn: typeof fetch): RpcTransport {
  let id = 0;
  return {
    async request<T>(method: string, params: unknown[]): Promise<T> {
      const response = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
      if (!response.ok) throw new NetworkError(`RPC ${method} answered HTTP ${response.status}`);
      return unwrap<T>(method, await response.json());
    },
    close() {},
  };
}

/** A websocket JSON-RPC connection; `onNotification` receives `eth_subscription` params, `onClose` a dropped socket. */
export async function wsRpc(
  url: string,
  handlers: { onNotification: (params: { subscription: string; result: unknown }) => void; onClose: () => void },
): Promise<RpcTransport> {
  const socket = new WebSocket(url);
  const pending = new Map<number, { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let id = 0;
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (error) => reject(new NetworkError(`RPC websocket: ${error.message}`)));
  });
  socket.on('error', () => undefined); // 'close' follows and says it
  socket.on('message', (data) => {
    let message: { id?: number; method?: string; params?: { subscription: string; result: unknown } };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (message.method === 'eth_subscription' && message.params) return handlers.onNotification(message.params);
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    try {
      waiter.resolve(unwrap(waiter.method, message));
    } catch (error) {
      waiter.reject(error as Error);
    }
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new NetworkError('RPC websocket closed'));
    pending.clear();
    handlers.onClose();
  });
  return {
    request<T>(method: string, params: unknown[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return reject(new NetworkError('RPC websocket is not open'));
        const key = ++id;
        pending.set(key, { method, resolve: resolve as (v: unknown) => void, reject });
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: key, method, params }));
      });
    },
    close() {
      socket.removeAllListeners('close');
      socket.on('error', () => undefined);
      socket.terminate();
    },
  };
}

function unwrap<T>(method: string, body: unknown): T {
  const message = body as { result?: T; error?: { message?: string } };
  if (message.error) throw new NetworkError(`RPC ${method}: ${message.error.message ?? 'error'}`, { info: message.error });
  return message.result as T;
}
