/** In-process CLI runs for tests: argv in; stdout, stderr and exit code out. Never spawns the binary. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../../src/cli/context.js';
import { readTextFile } from '../../src/cli/context.js';
import { runCli, COMMANDS, type CommandModule } from '../../src/cli/program.js';
import { nonInteractivePrompter, type Prompter } from '../../src/cli/prompter.js';
import { systemClock, type Clock } from '../../src/core/runtime.js';
import type { ExchangeRegistry } from '../../src/exchanges/registry.js';

export interface MemoryStream {
  isTTY: boolean;
  chunks: string[];
  write(chunk: string): boolean;
  text(): string;
}

export function memoryStream(isTTY = false): MemoryStream {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (chunk) => (chunks.push(chunk), true), text: () => chunks.join('') };
}

/** A terminal user who gives scripted answers, in order, and records every question. */
export function scriptedPrompter(answers: { confirm?: boolean[]; password?: string[]; input?: string[]; select?: string[] }): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = <T>(queue: T[] | undefined, message: string): T => {
    asked.push(message);
    if (!queue || queue.length === 0) throw new Error(`unexpected prompt: ${message}`);
    return queue.shift()!;
  };
  return {
    interactive: true,
    asked,
    input: async (message) => next(answers.input, message),
    password: async (message) => next(answers.password, message),
    confirm: async (message) => next(answers.confirm, message),
    select: async (message) => next(answers.select, message) as never,
  };
}

export function tempConfigDir(): string {
  return mkdtempSync(join(tmpdir(), 'betmirror-test-'));
}

export interface RunOptions {
  registry: ExchangeRegistry;
  env?: Record<string, string | undefined>;
  prompter?: Prompter;
  configDir?: string;
  tty?: boolean;
  clock?: Clock;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  commands?: CommandModule[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(argv: string[], options: RunOptions): Promise<RunResult> {
  const stdout = memoryStream(Boolean(options.tty));
  const stderr = memoryStream(Boolean(options.tty));
  const deps: Deps = {
    io: { stdout, stderr, stdin: { isTTY: Boolean(options.tty) } },
    env: options.env ?? {},
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    prompter: options.prompter ?? nonInteractivePrompter(),
    exchanges: options.registry,
    signal: options.signal ?? new AbortController().signal,
    configDir: options.configDir ?? tempConfigDir(),
    version: '0.0.0-test',
    readTextFile,
    scryptLogN: 10,
  };
  const code = await runCli(argv, deps, options.commands ?? COMMANDS);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
