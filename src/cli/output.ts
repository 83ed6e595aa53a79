/**
 * stdout carries data, stderr carries chatter. With --json, stdout gets exactly one JSON document
 * (or NDJSON events for long-running commands) and nothing else. Colours and spinners only on a TTY.
 * Everything written passes through the Redactor.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import ora from 'ora';
import type { Redactor } from '../config/redact.js';
import type { ErrorReport } from './exit.js';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface IO {
  stdout: OutStream;
  stderr: OutStream;
  stdin: { isTTY?: boolean };
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface OutputOptions {
  json: boolean;
  verbose: boolean;
}

export class Output {
  readonly color: ChalkInstance;
  readonly json: boolean;
  readonly verbose: boolean;

  constructor(
    private readonly io: IO,
    options: OutputOptions,
    private readonly redactor: Redactor,
  ) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.color = new Chalk({ level: io.stdout.isTTY ? 1 : 0 });
  }

  get stdoutIsTTY(): boolean {
    return Boolean(this.io.stdout.isTTY);
  }

  /** The command's result: one JSON document with --json, else the human rendering of the same object. */
  result<T>(value: T, human: (value: T, color: ChalkInstance) => string): void {
    if (this.json) this.out(`${toJson(value)}\n`);
    else this.out(ensureNewline(human(value, this.color)));
  }

  /** One event of a long-running command: an NDJSON line with --json, else a human line. */
  event<T extends object>(value: T, human: (value: T, color: ChalkInstance) => string): void {
    if (this.json) this.out(`${JSON.stringify(value, bigintReplacer)}\n`);
    else this.out(ensureNewline(human(value, this.color)));
  }

  info(message: string): void {
    this.err(`${message}\n`);
  }

  warn(message: string): void {
    this.err(`${new Chalk({ level: this.io.stderr.isTTY ? 1 : 0 }).yellow('warning:')} ${message}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.err(`debug: ${message}\n`);
  }

  error(report: ErrorReport): void {
    const chalk = new Chalk({ level: this.io.stderr.isTTY ? 1 : 0 });
    this.err(`${chalk.red('error:')} ${report.message}\n${report.hint ? `${chalk.dim('hint:')} ${report.hint}\n` : ''}`);
    if (this.json) this.out(`${toJson({ error: report })}\n`);
  }

  /** A spinner on a TTY stderr outside --json; elsewhere a no-op, so piped output stays stable. */
  spinner(text: string): Spinner {
    // ora needs a real terminal stream (cursor control); anything else gets no spinner at all.
    const terminal = this.io.stderr.isTTY && typeof (this.io.stderr as { clearLine?: unknown }).clearLine === 'function';
    if (!terminal || this.json) {
      return { update() {}, succeed() {}, fail() {}, stop() {} };
    }
    const spinner = ora({ text: this.redactor.redact(text), stream: this.io.stderr as NodeJS.WritableStream }).start();
    return {
      update: (next) => void (spinner.text = this.redactor.redact(next)),
      succeed: (next) => void spinner.succeed(next && this.redactor.redact(next)),
      fail: (next) => void spinner.fail(next && this.redactor.redact(next)),
      stop: () => void spinner.stop(),
    };
  }

  private out(text: string): void {
    this.io.stdout.write(this.redactor.redact(text));
  }

  private err(text: string): void {
    this.io.stderr.write(this.redactor.redact(text));
  }
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, bigintReplacer, 2);
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
