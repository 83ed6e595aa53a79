/** `betmirror mirror` in-process: argv -> NDJSON / human output and exit codes. */
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/cli/context.js';
import { COMMANDS, runCli } from '../../src/cli/program.js';
import { nonInteractivePrompter } from '../../src/cli/prompter.js';
import { systemClock } from '../../src/core/runtime.js';
import * as mirror from '../../src/commands/mirror.js';
import { MICRO } from '../../src/core/money.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { parseMirrorSettings } from '../../src/mirror/settings.js';
import { memoryStream, run, tempConfigDir } from '../support/cli.js';
import { assertValidEvent } from './support/event-schema.js';

const commands = COMMANDS.includes(mirror) ? COMMANDS : [...COMMANDS, mirror];

describe('betmirror mirror', () => {
  it('--sandbox --json streams NDJSON events of copied whale trades and ends with a summary', async () => {
    const controller = new AbortController();
    const stdout = memoryStream(false);
    const stderr = memoryStream(false);
    const running = runCli(['mirror', '--sandbox', '--whale-interval', '150', '--json'], {
      io: { stdout, stderr, stdin: { isTTY: false } },
      env: {},
      clock: systemClock,
      fetch: globalThis.fetch,
      prompter: nonInteractivePrompter(),
      exchanges: defaultRegistry(),
      signal: controller.signal,
      configDir: tempConfigDir(),
      version: 'test',
      readTextFile,
    }, commands);
    // Let the scripted whales trade a while after the start, then Ctrl-C.
    const until = Date.now() + 15_000;
    while (Date.now() < until && !stdout.text().includes('"type":"order"')) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
    controller.abort();
    const result = { code: await running, stdout: stdout.text(), stderr: stderr.text() };
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    lines.forEach(assertValidEvent);
    const orders = lines.filter((l) => l.type === 'order');
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(Object.keys(o)).toEqual(expect.arrayContaining(['type', 'wallet', 'token', 'side', 'whaleSize', 'copySize', 'orderId', 'status', 'reason']));
    expect(orders.some((o) => (o.filledSize as number) > 0 && typeof o.orderId === 'string')).toBe(true);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', exchange: 'polymarket' });
    expect((summary.signals as { copied: number }).copied).toBe(orders.filter((o) => (o.filledSize as number) > 0).length);
  });

  it('refuses to start with nothing to follow (exit 2, nothing sent)', async () => {
    const result = await run(['mirror', '--exchange', 'polymarket'], { registry: defaultRegistry(), commands });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--follow');
  });

  it('names the flag of a bad value', async () => {
    const result = await run(['mirror', '--sandbox', '--sizing', 'fixed'], { registry: defaultRegistry(), commands });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--fixed-usd');
  });

  it('refuses a whale interval a timer cannot hold (it would trade in a busy loop)', async () => {
    for (const value of ['1e309', '99999999999', '0', '1.5']) {
      const result = await run(['mirror', '--sandbox', '--whale-interval', value], { registry: defaultRegistry(), commands });
      expect([value, result.code]).toEqual([value, 2]);
      expect(result.stderr).toContain('--whale-interval must be a whole number of ms between 1 and 2147483647');
    }
  });

  it('auto-cashout destinations follow the cash-out rules: no zero address, no token contract, checksum first', async () => {
    const zero = await run(['mirror', '--sandbox', '--cashout-to', `0x${'0'.repeat(40)}`], { registry: defaultRegistry(), commands });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--cashout-to');
    expect(zero.stderr).toContain('zero address');
    const pusd = await run(['mirror', '--sandbox', '--cashout-to', '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB'], { registry: defaultRegistry(), commands });
    expect(pusd.code).toBe(2);
    expect(pusd.stderr).toContain('--cashout-to');
    // One character's case flipped: the EIP-55 checksum catches the typo.
    const typo = await run(['mirror', '--sandbox', '--cashout-to', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267'.replace('f39F', 'f39f')], { registry: defaultRegistry(), commands });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('checksum');
  });
});

describe('mirror settings', () => {
  it('defaults: proportional, x1, 2% slippage, FAK, every source available, polls every 2 s', () => {
    const s = parseMirrorSettings({});
    expect(s.sources).toBeUndefined(); // the engine races defaultSources(endpoints)
    expect(s.pollIntervalMs).toBe(2000);
    expect(s.risk).toMatchObject({ sizing: { mode: 'proportional', multiplier: MICRO }, maxSlippage: 20_000n, orderType: 'FAK', caps: {} });
    expect(s.cashout).toBeUndefined();
  });
  it('parses caps, lists, sources and cashout', () => {
    const s = parseMirrorSettings({
      source: ['onchain,data-api'],
      'max-per-trade': '25',
      'daily-loss-limit': '100',
      'max-slippage': '0.5',
      deny: 'a,b',
      'cashout-to': '0x' + '1'.repeat(40),
      retain: '200',
      'dry-run': true,
    });
    expect(s.sources).toEqual(['onchain', 'data-api']);
    expect(s.risk.caps).toMatchObject({ maxPerTrade: 25n * MICRO, dailyLossLimit: 100n * MICRO });
    expect(s.risk.maxSlippage).toBe(5_000n);
    expect(s.risk.deny).toEqual(['a', 'b']);
    expect(s.cashout).toMatchObject({ retain: 200n * MICRO, minimum: 10n * MICRO, intervalMs: 3_600_000 });
    expect(s.dryRun).toBe(true);
  });
  it('refuses bad values with the flag name', () => {
    expect(() => parseMirrorSettings({ source: 'twitter' })).toThrow('--source');
    expect(() => parseMirrorSettings({ 'max-per-trade': '-3' })).toThrow('--max-per-trade');
    expect(() => parseMirrorSettings({ 'poll-interval': 'soon' })).toThrow('--poll-interval');
    expect(() => parseMirrorSettings({ retain: '5' })).toThrow('--cashout-to');
    expect(() => parseMirrorSettings({ 'cashout-to': 'me' })).toThrow('--cashout-to');
  });
});
