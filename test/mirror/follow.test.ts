/** `--follow-file`, `--follow` and the profile's follow list: parsing, precedence, and the command's errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/cli/context.js';
import { COMMANDS, runCli } from '../../src/cli/program.js';
import { nonInteractivePrompter } from '../../src/cli/prompter.js';
import { systemClock } from '../../src/core/runtime.js';
import * as mirror from '../../src/commands/mirror.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { renderAddresses as vetAddresses, type VetResult } from '../../src/commands/vet.js';
import { parseFollowFile, resolveFollow } from '../../src/mirror/follow.js';
import { internalAddress } from '../../src/sandbox/polymarket/liquidity.js';
import { memoryStream, run, tempConfigDir } from '../support/cli.js';

const commands = COMMANDS.includes(mirror) ? COMMANDS : [...COMMANDS, mirror];
const A = '0x1f2e00000000000000000000000000000000009a';
const B = '0xAbCd00000000000000000000000000000000ef01';
const C = '0x3333333333333333333333333333333333333333';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'betmirror-follow-')), 'wallets.txt');
  writeFileSync(path, text);
  return path;
}

describe('follow file', () => {
  it('one address per line, # comments and blank lines, lower-cased, each once', () => {
    expect(parseFollowFile(`# whales I follow\n${A}\n\n  ${B}   # the big one\r\n${A.toUpperCase().replace('0X', '0x')}\n`, 'w.txt')).toEqual([A, B.toLowerCase()]);
  });
  it('reads the follow list `betmirror vet --addresses` writes', () => {
    const vet = { wallets: [{ wallet: A, verdict: 'follow', reason: 'PnL +120 on 40 resolved (#1)' }, { wallet: C, verdict: 'avoid', reason: 'lucky' }] } as unknown as VetResult;
    expect(parseFollowFile(vetAddresses(vet), 'vet.txt')).toEqual([A]);
  });
  it('a bad line names the file and the line', () => {
    expect(() => parseFollowFile(`${A}\n# ok\n0xnope\n`, 'w.txt')).toThrow('w.txt:3: not a wallet address: 0xnope');
    expect(() => parseFollowFile(`${A} ${B}\n`, 'w.txt')).toThrow(`w.txt:1: not a wallet address: ${A} ${B}`);
  });
});

describe('which wallets are followed', () => {
  const files: Record<string, string> = { '/f': `${B}\n${C}\n`, '/p': `${C}\n` };
  const read = async (path: string) => files[path] ?? Promise.reject(new Error('ENOENT: no such file'));
  it('--follow and --follow-file together, each wallet once, in order', async () => {
    expect(await resolveFollow({ follow: [A, C], followFile: '/f', profile: { follow: '0x' + '4'.repeat(40) } }, read)).toEqual([A, C, B.toLowerCase()]);
  });
  it('with no flag, the profile\'s follow list and follow file', async () => {
    expect(await resolveFollow({ profile: { follow: `${A}, ${B}`, 'follow-file': '/p' } }, read)).toEqual([A, B.toLowerCase(), C]);
  });
  it('an unreadable file or a bad profile entry is a clear error', async () => {
    await expect(resolveFollow({ followFile: '/missing' }, read)).rejects.toThrow('--follow-file: cannot read /missing: ENOENT: no such file');
    await expect(resolveFollow({ profile: { follow: `${A},0x12` } }, read)).rejects.toThrow("the profile's mirror.follow: not a wallet address: 0x12");
  });
});

describe('betmirror mirror --follow-file', () => {
  it('a bad line: exit 2, the file and line named, nothing sent', async () => {
    const path = file(`${A}\n\n0xnope\n`);
    const requests: string[] = [];
    const fetch = (async (input: string | URL) => (requests.push(String(input)), new Response('{}'))) as typeof globalThis.fetch;
    const result = await run(['mirror', '--exchange', 'polymarket', '--follow', B, '--follow-file', path], { registry: defaultRegistry(), commands, fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}:3: not a wallet address: 0xnope`);
    expect(requests).toEqual([]);
  });

  it('a bad line in the profile\'s follow file: exit 2, nothing sent', async () => {
    const path = file(`# mine\n${A}x\n`);
    const configDir = tempConfigDir();
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ profiles: { default: { exchange: 'polymarket', mirror: { 'follow-file': path } } } }));
    const requests: string[] = [];
    const fetch = (async (input: string | URL) => (requests.push(String(input)), new Response('{}'))) as typeof globalThis.fetch;
    const result = await run(['mirror'], { registry: defaultRegistry(), commands, fetch, configDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path}:2: not a wallet address: ${A}x`);
    expect(requests).toEqual([]);
  });

  it('--sandbox follows --follow plus the file', async () => {
    const [whale1, whale2] = [internalAddress('whale-1'), internalAddress('whale-2')];
    const path = file(`# the second scripted whale\n${whale2}\n`);
    const controller = new AbortController();
    const stdout = memoryStream(false);
    const running = runCli(['mirror', '--sandbox', '--json', '--follow', whale1, '--follow-file', path], {
      io: { stdout, stderr: memoryStream(false), stdin: { isTTY: false } },
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
    const until = Date.now() + 10_000;
    while (Date.now() < until && !stdout.text().includes('"type":"started"')) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(await running).toBe(0);
    const summary = JSON.parse(stdout.text().trim().split('\n').at(-1)!) as { type: string; wallets: string[] };
    expect(summary.type).toBe('summary');
    expect(summary.wallets).toEqual([whale1.toLowerCase(), whale2.toLowerCase()]);
  });
});
