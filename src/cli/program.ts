/**
 * The commander program, built by a factory so tests run the whole CLI in-process
 * (argv -> stdout, stderr, exit code). Only main.ts turns the returned code into process.exit.
 * Every command is declared once (declare.ts); this file lists them, declares the global flags and
 * maps whatever is thrown to an exit code and a message (exit.ts).
 */
import { Command, CommanderError, type Option } from 'commander';
import * as auth from '../commands/auth.js';
import * as backtest from '../commands/backtest.js';
import * as balance from '../commands/balance.js';
import * as cancel from '../commands/cancel.js';
import * as cashout from '../commands/cashout.js';
import * as completion from '../commands/completion.js';
import * as discover from '../commands/discover.js';
import * as mirror from '../commands/mirror.js';
import * as order from '../commands/order.js';
import * as profile from '../commands/profile.js';
import * as sandbox from '../commands/sandbox.js';
import * as status from '../commands/status.js';
import * as vet from '../commands/vet.js';
import { Redactor } from '../config/redact.js';
import type { VenueInfo } from '../exchanges/adapter.js';
import { CommandContext, type Deps, type GlobalOptions } from './context.js';
import { presentEnv } from './env.js';
import type { ContextFactory, ProgramInfo } from './declare.js';
import { describeError, ExitCode } from './exit.js';
import { addFlags, toggle, value } from './flags.js';
import { environmentHelp } from './help.js';
import { Output } from './output.js';

export interface CommandModule {
  register(program: Command, context: ContextFactory, info: ProgramInfo): void;
}

export const COMMANDS: CommandModule[] = [auth, balance, mirror, status, order, cancel, cashout, profile, sandbox, discover, vet, backtest, completion];

/** Flags every command takes; shown as "Global Options" in each command's help. */
export const GLOBAL_FLAGS = {
  profile: value('-p, --profile <name>', 'configuration profile (default: BETMIRROR_PROFILE, else the active profile)', (name) => name),
  json: toggle('--json', 'machine-readable output: one JSON document (NDJSON events for mirror) on stdout'),
  yes: toggle('-y, --yes', 'do not ask for confirmation'),
  verbose: toggle('-v, --verbose', 'more detail on stderr'),
};

/** Columns of help text when stdout is not a terminal: stable for pipes, files and tests. */
const PIPED_HELP_WIDTH = 80;

export function createProgram(deps: Deps, context: ContextFactory, commands = COMMANDS, venues: readonly VenueInfo[] = []): Command {
  const program = new Command('betmirror')
    .description('Copy-trade prediction-market whales: follow wallets, mirror their trades safely.')
    .version(deps.version, '-V, --version')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, optionDescription: describeOption })
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
      getOutHelpWidth: () => helpWidth(deps.io.stdout),
      getErrHelpWidth: () => helpWidth(deps.io.stderr),
      outputError: () => {}, // usage errors are reported by runCli, once, in the usual format
    });
  addFlags(program, GLOBAL_FLAGS);
  program.addHelpText(
    'after',
    '\nExamples:\n  $ betmirror mirror --sandbox                       # watch it copy trades on a local venue\n  $ betmirror auth --exchange polymarket\n  $ betmirror mirror --exchange polymarket --follow 0x1f2e...9a\n  $ betmirror status --json\n  $ betmirror balance --json',
  );
  program.addHelpText('after', () => environmentHelp([], []));
  const info: ProgramInfo = { exchangeIds: deps.exchanges.ids(), venues: () => venues };
  for (const command of commands) command.register(program, context, info);
  return program;
}

/**
 * An option's help: its text, then its choices and its default. A default applied elsewhere (the
 * mirror's settings) is declared as text only (flags.ts `defaultText`) and shown all the same.
 */
function describeOption(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(', ')}`);
  if (option.defaultValueDescription !== undefined) extra.push(`default: ${option.defaultValueDescription}`);
  else if (option.defaultValue !== undefined && !option.isBoolean()) extra.push(`default: ${String(option.defaultValue)}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
}

function helpWidth(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY && stream.columns ? stream.columns : PIPED_HELP_WIDTH;
}

export async function runCli(argv: readonly string[], deps: Deps, commands = COMMANDS): Promise<number> {
  let ctx: CommandContext | undefined;
  const context = (command: Command): CommandContext => {
    ctx ??= new CommandContext(deps, globalOptions(command.optsWithGlobals()));
    return ctx;
  };
  let program: Command | undefined;
  try {
    // A command's help lists the venues' environment variables, from the registry's light venue infos:
    // no venue module is loaded for help.
    const venues = wantsCommandHelp(argv) ? deps.exchanges.infos() : [];
    program = createProgram(deps, context, commands, venues);
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
    const report = describeError(error, usageOf(program, argv));
    const output = ctx?.output ?? fallbackOutput(deps, argv);
    output.error(report);
    if (output.verbose && error instanceof Error && error.stack) output.debug(error.stack);
    return report.exitCode;
  }
}

function wantsCommandHelp(argv: readonly string[]): boolean {
  const operands = argv.filter((arg) => !arg.startsWith('-'));
  return operands.length > 0 && (operands[0] === 'help' ? operands.length > 1 : argv.includes('--help') || argv.includes('-h'));
}

/** "betmirror order" for `betmirror order --bogus`: whose help explains a usage error. */
function usageOf(program: Command | undefined, argv: readonly string[]): string {
  const name = argv.find((arg) => program?.commands.some((command) => command.name() === arg));
  return name ? `betmirror ${name}` : 'betmirror';
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
  const env = presentEnv(deps.env);
  return new Output(deps.io, { json: argv.includes('--json'), verbose: argv.includes('--verbose') || argv.includes('-v'), env }, deps.redactor ?? new Redactor());
}
