/**
 * stdout carries data, stderr carries chatter (spinners, progress, warnings, errors, prompts). With
 * --json, stdout gets exactly one JSON document (or NDJSON events for long-running commands) and
 * nothing else. Colours as color.ts decides; spinners only on a terminal stderr and never with --json.
 * Everything written passes through the Redactor.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import ora from 'ora';
import type { Redactor } from '../config/redact.js';
import { colorLevel } from './color.js';
import type { Env } from './env.js';
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
  /** For the colour decision (NO_COLOR, FORCE_COLOR, TERM). */
  env: Env;
}

export class Output {
  /** Colours for stdout (results) and for stderr (chatter): each stream decides for itself. */
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;
  readonly json: boolean;
  readonly verbose: boolean;

  constructor(
    private readonly io: IO,
    options: OutputOptions,
    private readonly redactor: Redactor,
  ) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.color = new Chalk({ level: colorLevel(io.stdout, options.env) });
    this.errColor = new Chalk({ level: colorLevel(io.stderr, options.env) });
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
    this.err(`${this.errColor.yellow('warning:')} ${message}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.err(`debug: ${message}\n`);
  }

  /** The error first, then what to do about it. */
  error(report: ErrorReport): void {
    const chalk = this.errColor;
    this.err(`${chalk.red('error:')} ${report.message}\n${report.hint ? `${chalk.dim('hint:')} ${report.hint}\n` : ''}`);
    if (this.json) this.out(`${toJson({ error: report })}\n`);
  }

  /**
   * A spinner on a terminal stderr outside --json; elsewhere a no-op, so piped output stays stable.
   * ora is told it is enabled (the terminal test is made here, not by ora's own look at CI variables),
   * and its colours follow the same decision as everything else on stderr.
   */
  spinner(text: string): Spinner {
    // ora needs a real terminal stream (cursor control); anything else gets no spinner at all.
    const terminal = this.io.stderr.isTTY && typeof (this.io.stderr as { clearLine?: unknown }).clearLine === 'function';
    if (!terminal || this.json) {
      return { update() {}, succeed() {}, fail() {}, stop() {} };
    }
    const colored = this.errColor.level > 0;
    const spinner = ora({
      text: this.redactor.redact(text),
      stream: this.io.stderr as NodeJS.WritableStream,
      isEnabled: true,
      // Keys typed while it spins stay for the prompt that may follow; Ctrl-C stays a signal.
      discardStdin: false,
      color: colored ? 'cyan' : false,
    }).start();
    const end = (symbol: string, next?: string) => void spinner.stopAndPersist({ symbol, ...(next ? { text: this.redactor.redact(next) } : {}) });
    return {
      update: (next) => void (spinner.text = this.redactor.redact(next)),
      succeed: (next) => end(this.errColor.green('✔'), next),
      fail: (next) => end(this.errColor.red('✖'), next),
      stop: () => void spinner.stop(),
    };
  }

  /** Runs `work` under a spinner (a no-op where spinners are off); the spinner is gone when it settles. */
  async busy<T>(text: string, work: () => Promise<T>): Promise<T> {
    const spinner = this.spinner(text);
    try {
      const result = await work();
      spinner.stop();
      return result;
    } catch (error) {
      spinner.fail();
      throw error;
    }
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
