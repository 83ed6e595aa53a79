/** The entry point: builds the real dependencies from the process, runs the CLI, exits. */
import { readFileSync } from 'node:fs';
import { defaultConfigDir } from '../config/config.js';
import { Redactor } from '../config/redact.js';
import { systemClock } from '../core/runtime.js';
import { defaultRegistry } from '../exchanges/registry.js';
import { readTextFile, type Deps } from './context.js';
import { presentEnv } from './env.js';
import { describeError, ExitCode } from './exit.js';
import { Output } from './output.js';
import { runCli } from './program.js';
import { inquirerPrompter, nonInteractivePrompter } from './prompter.js';

export async function main(proc: NodeJS.Process): Promise<void> {
  const interrupt = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C a moment later means "now". Signals within the first second are echoes: libraries
    // (conf's atomic writes via when-exit) re-raise the same SIGINT to the process right away.
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt > 1000) proc.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    interrupt.abort(new Error(`received ${signal}`));
  };
  proc.on('SIGINT', onSignal);
  proc.on('SIGTERM', onSignal);

  const argv = proc.argv.slice(2);
  const env = presentEnv(proc.env);
  // One Redactor for the process: it learns the URLs given as flags (--bundler-url, --set rpcUrl=...)
  // before any command runs, and the secrets commands load, so a crash is reported as redacted as an error.
  const redactor = new Redactor();
  argv.forEach((arg) => redactor.addUrls(arg));
  const io = { stdout: proc.stdout, stderr: proc.stderr, stdin: proc.stdin };
  // The reader of our output went away (`betmirror ... | head`): nobody is listening, so stop as on
  // Ctrl-C (a mirror finishes its in-flight orders and flushes its state) and say nothing more.
  proc.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!interrupt.signal.aborted) interrupt.abort(new Error('stdout closed'));
  });
  proc.on('uncaughtException', (error) => {
    // A library's stray rejection or unhandled 'error' event would otherwise be printed by Node, unredacted.
    const output = new Output(io, { json: argv.includes('--json'), verbose: argv.includes('--verbose') || argv.includes('-v'), env }, redactor);
    output.error(describeError(error));
    if (output.verbose && error.stack) output.debug(error.stack);
    proc.exit(ExitCode.ERROR);
  });
  const deps: Deps = {
    io,
    env,
    clock: systemClock,
    fetch: globalThis.fetch,
    // Questions go to stderr, so a person must be able to see it as well as type.
    prompter: proc.stdin.isTTY && proc.stderr.isTTY ? inquirerPrompter({ input: proc.stdin, output: proc.stderr }) : nonInteractivePrompter(),
    exchanges: defaultRegistry(),
    signal: interrupt.signal,
    configDir: defaultConfigDir(env),
    version: packageVersion(),
    readTextFile,
    redactor,
  };
  const code = await runCli(argv, deps);
  proc.exitCode = code;
  // Let stdout drain, then leave even if a library kept a socket open.
  setTimeout(() => proc.exit(code), 50).unref();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
