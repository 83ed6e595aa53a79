/**
 * Issue 11, "secret-adjacent values redacted everywhere": for each kind of value (URLs carrying an API
 * key or project id, Polymarket API credentials derived at runtime), a venue that quotes it in every
 * message it can produce, run through the real output paths: the human result, the --json result, a
 * warning, an error with its hint (human, --verbose stack, --json). The value never appears; the
 * host and the rest of the message do. The same table with redaction disabled proves every row leaks.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/cli/context.js';
import { readTextFile } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { runCli } from '../../src/cli/program.js';
import { nonInteractivePrompter } from '../../src/cli/prompter.js';
import { Redactor } from '../../src/config/redact.js';
import { NetworkError } from '../../src/core/errors.js';
import { systemClock } from '../../src/core/runtime.js';
import type { AdapterContext, IExchangeAdapter, VenueDefinition } from '../../src/exchanges/adapter.js';
import { defaultRegistry, ExchangeRegistry } from '../../src/exchanges/registry.js';
import { memoryStream, tempConfigDir } from '../support/cli.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ALCHEMY_KEY = 'AbCdEfGh1234567890IjKlMnOpQrStUv';
const PROJECT_ID = '1f0c2b7e-5d4a-4c3b-9e8f-0a1b2c3d4e5f';
const INFURA_KEY = '9aa3d95b3bc440fa88ea12eaa4456161';
const CREDS = {
  apiKey: '6ecb6a2e-0b8f-4c2e-9c1c-4f5a4b1d2e3f',
  apiSecret: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=',
  apiPassphrase: '3f2a9c0d5e8b7a6f1c4d3e2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29',
};
const credsText = `api key ${CREDS.apiKey}, secret ${CREDS.apiSecret}, passphrase ${CREDS.apiPassphrase}`;

interface Kind {
  name: string;
  /** How betmirror is given the value, if at all (a venue library may build a URL on its own). */
  env?: Record<string, string>;
  args?: string[];
  /** Whether authenticate() issues the Polymarket-like credentials (returned as issuedSecrets). */
  issues?: boolean;
  /** What the venue or its library quotes in every message. */
  echo(adapter: EchoAdapter): string;
  secrets: string[];
  visible: string[];
}

const KINDS: Kind[] = [
  {
    name: 'Alchemy RPC URL set in the environment (key in the path)',
    env: { ECHO_RPC_URL: `https://polygon-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}` },
    echo: (adapter) => `URL: ${adapter.context.settings.rpcUrl}`,
    secrets: [ALCHEMY_KEY],
    visible: ['URL: https://polygon-mainnet.g.alchemy.com/v2/'],
  },
  {
    name: 'Infura RPC URL given as a flag, its key also quoted alone',
    args: ['--set', `rpcUrl=https://polygon-mainnet.infura.io/v3/${INFURA_KEY}`],
    echo: (adapter) => `${adapter.context.settings.rpcUrl} refused project ${INFURA_KEY}`,
    secrets: [INFURA_KEY],
    visible: ['https://polygon-mainnet.infura.io/v3/', 'refused project'],
  },
  {
    name: 'ZeroDev bundler URL only the library knows (project id in the path)',
    echo: () => `bundler https://rpc.zerodev.app/api/v3/${PROJECT_ID}/chain/137 did not answer.`,
    secrets: [PROJECT_ID],
    visible: ['https://rpc.zerodev.app/api/v3/', '/chain/137 did not answer.'],
  },
  {
    name: 'ZeroDev project id in BUNDLER_URL, quoted alone by the bundler',
    env: { BUNDLER_URL: `https://rpc.zerodev.app/api/v3/${PROJECT_ID}/chain/137` },
    echo: () => `project ${PROJECT_ID} not found`,
    secrets: [PROJECT_ID],
    visible: ['project', 'not found'],
  },
  {
    name: 'bundler URL with ?apikey=',
    echo: () => `POST https://api.pimlico.io/v2/137/rpc?apikey=pim_Xy12ab34Cd56ef78 failed`,
    secrets: ['pim_Xy12ab34Cd56ef78'],
    visible: ['https://api.pimlico.io/v2/137/rpc?apikey=', 'failed'],
  },
  {
    name: 'short key in a named query parameter',
    env: { ECHO_RPC_URL: 'https://lb.drpc.org/ogrpc?network=polygon&dkey=Sh0rtK3y' },
    echo: (adapter) => `(${adapter.context.settings.rpcUrl})`,
    secrets: ['Sh0rtK3y'],
    visible: ['https://lb.drpc.org/ogrpc?network=polygon&dkey='],
  },
  {
    name: 'basic-auth user and password in the URL',
    echo: () => 'connecting to https://betmirror-user:hunter2-pass@rpc.example.org/polygon',
    secrets: ['hunter2-pass', 'betmirror-user'],
    visible: ['rpc.example.org/polygon'],
  },
  {
    name: 'websocket URL with a key',
    echo: () => `socket wss://polygon-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY} closed`,
    secrets: [ALCHEMY_KEY],
    visible: ['wss://polygon-mainnet.g.alchemy.com/v2/', 'closed'],
  },
  {
    name: 'API credentials issued by authenticate(), echoed by the venue afterwards',
    issues: true,
    echo: (adapter) => (adapter.authenticated ? credsText : 'not yet authenticated'),
    secrets: Object.values(CREDS),
    visible: ['api key', 'passphrase'],
  },
  {
    name: 'API credentials derived lazily inside a call, reported through onSecret',
    echo: (adapter) => {
      adapter.derive();
      return credsText;
    },
    secrets: Object.values(CREDS),
    visible: ['api key', 'passphrase'],
  },
];

/** The real output paths a venue message can take. */
const PATHS: Array<{ name: string; args: string[]; exit: number; expect: (out: { stdout: string; stderr: string }) => void }> = [
  { name: 'human result and warning', args: [], exit: 0, expect: (out) => expect(out.stderr).toContain('warning:') },
  { name: '--json result and warning', args: ['--json'], exit: 0, expect: (out) => expect(JSON.parse(out.stdout).account).toContain('echo-1') },
  { name: 'error with hint and --verbose stack', args: ['--set', 'fail=yes', '-v'], exit: 6, expect: (out) => expect(out.stderr).toMatch(/hint: .*\n[\s\S]*debug: NetworkError/) },
  { name: '--json error', args: ['--set', 'fail=yes', '--json'], exit: 6, expect: (out) => expect(JSON.parse(out.stdout).error.hint).toContain('reachable') },
];

class EchoAdapter implements IExchangeAdapter {
  readonly exchangeName = 'echo';
  readonly has = { cashout: false, orderBook: false, positions: false, openOrders: false, fetchOrder: false, marketableOrders: false, expiringOrders: false };
  authenticated = false;

  constructor(
    readonly context: AdapterContext,
    private readonly kind: Kind,
  ) {}

  /** What the Polymarket adapter does inside createOrder: derive L2 credentials and report them. */
  derive(): void {
    const onSecret = (this.context as AdapterContext & { onSecret?: (secret: string) => void }).onSecret;
    Object.values(CREDS).forEach((secret) => onSecret?.(secret));
  }

  async initialize() {}

  async authenticate() {
    this.authenticated = true;
    return { account: `echo-1 (${this.kind.echo(this)})`, ...(this.kind.issues ? { issuedSecrets: CREDS } : {}) };
  }

  async validatePermissions() {
    const echo = this.kind.echo(this);
    if (this.context.settings.fail) throw new NetworkError(`checking the RPC: HTTP request failed. ${echo}`, { hint: `is ${echo} reachable?` });
    this.context.logger.warn(`slow answer from ${echo}`);
    return { ok: true, checks: [{ name: 'rpc', ok: false, severity: 'warning' as const, detail: echo }] };
  }

  fetchBalance(): never {
    throw new Error('not used');
  }
  getMarketPrice(): never {
    throw new Error('not used');
  }
  createOrder(): never {
    throw new Error('not used');
  }
  cancelOrder(): never {
    throw new Error('not used');
  }
  cashout(): never {
    throw new Error('not used');
  }
}

function echoVenue(kind: Kind): VenueDefinition {
  return {
    id: 'echo',
    title: 'Echo',
    has: { cashout: false, orderBook: false, positions: false, openOrders: false, fetchOrder: false, marketableOrders: false, expiringOrders: false },
    settings: [
      { key: 'rpcUrl', env: 'ECHO_RPC_URL', description: 'JSON-RPC URL' },
      { key: 'fail', description: 'fail the permission check' },
    ],
    secrets: [{ key: 'privateKey', env: 'ECHO_PRIVATE_KEY', description: 'private key', required: true }],
    create: (context) => new EchoAdapter(context, kind),
  };
}

/** Redaction switched off: proves each row of the table would leak without it. */
class NoRedaction extends Redactor {
  override redact(text: string): string {
    return text;
  }
}

async function runEcho(kind: Kind, args: string[], redactor?: Redactor) {
  return runWith(['auth', '--exchange', 'echo', ...(kind.args ?? []), ...args], {
    registry: new ExchangeRegistry([echoVenue(kind)]),
    env: { ECHO_PRIVATE_KEY: KEY, ...kind.env },
    redactor,
  });
}

async function runWith(argv: string[], options: { registry: ExchangeRegistry; env: Record<string, string>; fetch?: typeof fetch; redactor?: Redactor }) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const deps: Deps = {
    io: { stdout, stderr, stdin: { isTTY: false } },
    env: options.env,
    clock: systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    prompter: nonInteractivePrompter(),
    exchanges: options.registry,
    signal: new AbortController().signal,
    configDir: tempConfigDir(),
    version: '0.0.0-test',
    readTextFile,
    scryptLogN: 10,
    ...(options.redactor ? { redactor: options.redactor } : {}),
  };
  const code = await runCli(argv, deps);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('secret-adjacent values never reach the output', () => {
  for (const kind of KINDS) {
    for (const path of PATHS) {
      it(`${kind.name}: ${path.name}`, async () => {
        const out = await runEcho(kind, path.args);
        expect(out.code, out.stderr).toBe(path.exit);
        path.expect(out);
        const all = out.stdout + out.stderr;
        for (const secret of kind.secrets) expect(all).not.toContain(secret);
        for (const part of kind.visible) expect(all).toContain(part);
        expect(all).toContain('[redacted]');
      });
    }
  }
});

describe('with redaction disabled', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: every path leaks`, async () => {
      for (const path of PATHS) {
        const out = await runEcho(kind, path.args, new NoRedaction());
        expect(kind.secrets.some((secret) => (out.stdout + out.stderr).includes(secret)), path.name).toBe(true);
      }
    });
  }
});

describe('cash-out errors', () => {
  it('a Polymarket cash-out whose RPC refuses does not print the RPC key (viem quotes the URL)', async () => {
    // The CLOB never answers, so the RPC's 401 is the error reported.
    const clob = createServer(() => {});
    await new Promise<void>((resolve) => clob.listen(0, '127.0.0.1', resolve));
    const refuse = (async () => new Response('{"error":"unauthorized"}', { status: 401 })) as typeof fetch;
    const env = {
      POLYMARKET_PRIVATE_KEY: KEY,
      POLYMARKET_API_KEY: CREDS.apiKey,
      POLYMARKET_API_SECRET: CREDS.apiSecret,
      POLYMARKET_API_PASSPHRASE: CREDS.apiPassphrase,
      POLYMARKET_CLOB_URL: `http://127.0.0.1:${(clob.address() as AddressInfo).port}`,
      POLYGON_RPC_URL: `https://polygon-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}`,
    };
    try {
      for (const json of [[], ['--json']]) {
        const argv = ['cashout', '--exchange', 'polymarket', '--all', '--to', '0x90F79bf6EB2c4f870365E785982E1f101E93b906', '--dry-run', ...json];
        const out = await runWith(argv, { registry: defaultRegistry(), env, fetch: refuse });
        const all = out.stdout + out.stderr;
        expect(all).toContain('URL: https://polygon-mainnet.g.alchemy.com/v2/[redacted]');
        expect(all).not.toContain(ALCHEMY_KEY);
        const leaked = await runWith(argv, { registry: defaultRegistry(), env, fetch: refuse, redactor: new NoRedaction() });
        expect(leaked.stdout + leaked.stderr).toContain(ALCHEMY_KEY);
      }
    } finally {
      clob.closeAllConnections();
      clob.close();
    }
  }, 20_000);
});

describe('the entry point', () => {
  it('reports a crash outside any command redacted, including ids it learned from the flags', async () => {
    const proc = fakeProcess(['auth', '--bundler-url', `https://rpc.zerodev.app/api/v3/${PROJECT_ID}/chain/137`, '--help']);
    await main(proc as unknown as NodeJS.Process);
    proc.emit('uncaughtException', new Error(`project ${PROJECT_ID} unknown at https://polygon-mainnet.g.alchemy.com/v2/${ALCHEMY_KEY}`));
    expect(proc.exits).toEqual([1]);
    expect(proc.stderr.text()).toContain('error: project [redacted] unknown at https://polygon-mainnet.g.alchemy.com/v2/[redacted]');
    expect(proc.stderr.text()).not.toContain(PROJECT_ID);
    proc.removeAllListeners();
  });
});

function fakeProcess(argv: string[]) {
  return Object.assign(new EventEmitter(), {
    argv: ['node', 'betmirror', ...argv],
    env: { HOME: tempConfigDir() },
    // The real stdout is a stream the entry point listens on (a closed pipe stops the command).
    stdout: Object.assign(new EventEmitter(), memoryStream()),
    stderr: memoryStream(),
    stdin: { isTTY: false },
    exitCode: undefined as number | undefined,
    exits: [] as number[],
    exit(code: number) {
      this.exits.push(code);
    },
  });
}
