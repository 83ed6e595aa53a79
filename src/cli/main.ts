/** The entry point: builds the real dependencies from the process, runs the CLI, exits. */
import { readFileSync } from 'node:fs';
import { defaultConfigDir } from '../config/config.js';
import { systemClock } from '../core/runtime.js';
import { defaultRegistry } from '../exchanges/registry.js';
import { readTextFile, type Deps } from './context.js';
import { presentEnv } from './env.js';
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

  const env = presentEnv(proc.env);
  const deps: Deps = {
    io: { stdout: proc.stdout, stderr: proc.stderr, stdin: proc.stdin },
    env,
    clock: systemClock,
    fetch: globalThis.fetch,
    prompter: proc.stdin.isTTY ? inquirerPrompter() : nonInteractivePrompter(),
    exchanges: defaultRegistry(),
    signal: interrupt.signal,
    configDir: defaultConfigDir(env),
    version: packageVersion(),
    readTextFile,
  };
  const code = await runCli(proc.argv.slice(2), deps);
  proc.exitCode = code;
  // Let stdout drain, then leave even if a library kept a socket open.
  setTimeout(() => proc.exit(code), 50).unref();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
