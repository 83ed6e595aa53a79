/** One life of the mirror child: spawn, NDJSON events, waits bounded in time, SIGKILL or SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SoakChildConfig } from './child.js';

export type ChildEvent = Record<string, unknown> & { type: string };

export interface MirrorLife {
  readonly child: ChildProcess;
  readonly events: ChildEvent[];
  readonly spawnedAt: number;
  startedAt: number | undefined;
  /** Last lines the child wrote on stderr (a crash's stack trace). */
  readonly stderrTail: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  lastEventAt: number;
  isAlive(): boolean;
  kill(): void;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const STDERR_LINES = 20;

export function spawnMirror(config: SoakChildConfig): MirrorLife {
  // stdin stays open: the child exits when it closes, so it never outlives a dead parent.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: ChildEvent[] = [];
  const stderrTail: string[] = [];
  let exitedAt: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedAt = { code, signal };
      resolve(exitedAt);
    });
  });
  const life: MirrorLife = {
    child,
    events,
    spawnedAt: Date.now(),
    startedAt: undefined,
    stderrTail,
    exited,
    lastEventAt: Date.now(),
    isAlive: () => exitedAt === undefined,
    kill: () => {
      if (exitedAt === undefined) child.kill('SIGKILL');
    },
  };
  child.stdin!.on('error', () => undefined); // EPIPE once the child is gone
  lines(child.stdout!, (line) => {
    let event: ChildEvent;
    try {
      event = JSON.parse(line) as ChildEvent;
    } catch {
      return;
    }
    events.push(event);
    life.lastEventAt = Date.now();
    if (event.type === 'started') life.startedAt = Date.now();
  });
  lines(child.stderr!, (line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_LINES) stderrTail.shift();
  });
  return life;
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const part of parts) if (part.trim()) onLine(part);
  });
}

/** Polls `predicate` every 10 ms until it holds (true) or `timeoutMs` passes (false). */
export async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
