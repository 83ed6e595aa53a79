/**
 * The commander program, built by a factory so tests run the whole CLI in-process
 * (argv -> stdout, stderr, exit code). Only main.ts turns the returned code into process.exit.
 */
import { Command, CommanderError } from 'commander';
import * as auth from '../commands/auth.js';
import * as backtest from '../commands/backtest.js';
import * as balance from '../commands/balance.js';
import * as cancel from '../commands/cancel.js';
import * as cashout from '../commands/cashout.js';
import * as discover from '../commands/discover.js';
import * as mirror from '../commands/mirror.js';
import * as order from '../commands/order.js';
import * as sandbox from '../commands/sandbox.js';
import * as vet from '../commands/vet.js';
import { CommandContext, type Deps, type GlobalOptions } from './context.js';
import { describeError, ExitCode } from './exit.js';
import { Output } from './output.js';
import { Redactor } from '../config/redact.js';

export interface CommandModule {
  register(program: Command, context: (command: Command) => CommandContext): void;
}

// backtest after mirror: it takes mirror's decision flags from mirror's own declarations.
export const COMMANDS: CommandModule[] = [auth, balance, mirror, order, cancel, cashout, sandbox, discover, vet, backtest];

export function createProgram(deps: Deps, context: (command: Command) => CommandContext, commands = COMMANDS): Command {
  const program = new Command('betmirror')
    .description('Copy-trade prediction-market whales: follow wallets, mirror their trades safely.')
    .version(deps.version, '-V, --version')
    .option('-p, --profile <name>', 'configuration profile (default: the active profile)')
    .option('--json', 'machine-readable output: one JSON document (NDJSON events for mirror) on stdout')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('-v, --verbose', 'more detail on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
      outputError: () => {}, // usage errors are reported by runCli, once, in the usual format
    })
    .addHelpText(
      'after',
      '\nExamples:\n  $ betmirror mirror --sandbox                       # watch it copy trades on a local venue\n  $ betmirror auth --exchange polymarket\n  $ betmirror mirror --exchange polymarket --follow 0x1f2e...9a\n  $ betmirror balance --json\n',
    );
  for (const command of commands) command.register(program, context);
  return program;
}

export async function runCli(argv: readonly string[], deps: Deps, commands = COMMANDS): Promise<number> {
  let ctx: CommandContext | undefined;
  const context = (command: Command): CommandContext => {
    ctx ??= new CommandContext(deps, globalOptions(command.optsWithGlobals()));
    return ctx;
  };
  const program = createProgram(deps, context, commands);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')) {
      return ExitCode.OK;
    }
    if (deps.signal.aborted && isAbort(error, deps.signal)) {
      (ctx?.output ?? fallbackOutput(deps, argv)).info('interrupted');
      return ExitCode.INTERRUPTED;
    }
    const report = describeError(error);
    const output = ctx?.output ?? fallbackOutput(deps, argv);
    output.error(report);
    if (output.verbose && error instanceof Error && error.stack) output.debug(error.stack);
    return report.exitCode;
  }
}

/** The interruption itself, as opposed to a real failure that happened to come after Ctrl-C. */
function isAbort(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError'));
}

function globalOptions(options: Record<string, unknown>): GlobalOptions {
  return {
    ...(typeof options.profile === 'string' ? { profile: options.profile } : {}),
    json: Boolean(options.json),
    yes: Boolean(options.yes),
    verbose: Boolean(options.verbose),
  };
}

/** For errors raised before any command ran (usage errors): honour --json if it was given. */
function fallbackOutput(deps: Deps, argv: readonly string[]): Output {
  return new Output(deps.io, { json: argv.includes('--json'), verbose: argv.includes('--verbose') || argv.includes('-v') }, deps.redactor ?? new Redactor());
}
