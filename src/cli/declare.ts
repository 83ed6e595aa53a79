/**
 * A command declared once (wrangler's `args` + handler): its name, summary, arguments, table of flags,
 * examples and environment, and the handler that receives the typed options and the context. The help,
 * the parsing and the completion scripts all come from this declaration.
 */
import type { Command } from 'commander';
import type { VenueInfo } from '../exchanges/adapter.js';
import type { CommandContext } from './context.js';
import { addFlags, optionsOf, type Flags, type Options } from './flags.js';
import { environmentHelp, type EnvironmentEntry } from './help.js';

/** What the program knows when commands are declared: the venue ids, and (when help is shown) the venues as known without loading them. */
export interface ProgramInfo {
  exchangeIds: readonly string[];
  /** The venues as known without loading them, given when help is printed (empty otherwise: help is not shown then). */
  venues(): readonly VenueInfo[];
}

export interface CommandDeclaration<F extends Flags> {
  name: string;
  summary: string;
  /** Commander argument syntax and its help, e.g. ['[orderIds...]', 'ids of the orders to cancel']. */
  arguments?: ReadonlyArray<readonly [string, string]>;
  flags: F;
  /** Lines of the Examples section: `$ betmirror ...` commands, or `# ...` comments. */
  examples: readonly string[];
  /** Lists the venues' settings and secrets in the Environment section (commands that talk to a venue). */
  venueEnvironment?: boolean;
  /** Other variables the command reads. */
  environment?: readonly EnvironmentEntry[];
  /** Reads `profile.mirror` for flags declared `profile: true`. */
  profileSettings?: (ctx: CommandContext) => Readonly<Record<string, string>>;
  action(options: Options<F>, ctx: CommandContext, args: string[], command: Command): Promise<void>;
}

export type ContextFactory = (command: Command) => CommandContext;

export function declare<F extends Flags>(program: Command, context: ContextFactory, info: ProgramInfo, declaration: CommandDeclaration<F>): Command {
  const command = program.command(declaration.name).description(declaration.summary);
  for (const [syntax, description] of declaration.arguments ?? []) command.argument(syntax, description);
  addFlags(command, declaration.flags);
  command.addHelpText('after', `\nExamples:\n${declaration.examples.map((line) => `  ${line}`).join('\n')}`);
  command.addHelpText('after', () => environmentHelp(declaration.venueEnvironment ? info.venues() : [], declaration.environment ?? []));
  command.action(async (...received: unknown[]) => {
    const cmd = received.at(-1) as Command;
    const ctx = context(cmd);
    const options = optionsOf(cmd, declaration.flags, declaration.profileSettings?.(ctx) ?? {});
    await declaration.action(options, ctx, cmd.args, cmd);
  });
  return command;
}
