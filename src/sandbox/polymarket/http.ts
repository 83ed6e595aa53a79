/** Small HTTP plumbing: a route table, raw bodies (L2 HMAC signs the exact bytes), JSON replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Request {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
  params: Record<string, string>;
}

export interface Reply {
  status: number;
  body: unknown;
  /** Extra response headers (e.g. Gamma's deprecation headers, retry-after on a 429). */
  headers?: Record<string, string>;
  /** Sent as is with this content type instead of JSON (e.g. a Cloudflare HTML block page). */
  contentType?: string;
}

export type Handler = (req: Request) => Reply | Promise<Reply>;

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const fail = (status: number, error: string): Reply => ({ status, body: { error } });

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const source = path.replace(/:([a-zA-Z_]+)/g, (_, k: string) => {
      keys.push(k);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  async dispatch(req: Omit<Request, 'params'>): Promise<Reply> {
    for (const r of this.routes) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1]!)));
      return r.handler({ ...req, params });
    }
    return fail(404, 'not found');
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function send(res: ServerResponse, reply: Reply): void {
  const text = reply.contentType ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType ?? 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Parses a JSON body; undefined when empty or malformed (handlers answer with the venue's payload error). */
export function jsonBody(req: Request): unknown {
  if (!req.rawBody) return undefined;
  try {
    return JSON.parse(req.rawBody) as unknown;
  } catch {
    return undefined;
  }
}
