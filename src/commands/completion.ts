/** `betmirror completion bash|zsh|fish`: prints a shell completion script (install: see the README). */
import type { Command } from 'commander';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { completionScript, SHELLS, type Shell } from '../cli/completion.js';
import { BadInputError } from '../core/errors.js';

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'completion',
    summary: 'Print a shell completion script for bash, zsh or fish',
    arguments: [['<shell>', `one of ${SHELLS.join(', ')}`]],
    flags: {},
    examples: [
      '$ betmirror completion bash > ~/.local/share/bash-completion/completions/betmirror',
      '$ betmirror completion zsh > "${fpath[1]}/_betmirror"',
      '$ betmirror completion fish > ~/.config/fish/completions/betmirror.fish',
    ],
    action: async (_options, ctx, [shell]) => {
      if (!SHELLS.includes(shell as Shell)) throw new BadInputError(`no completion for "${shell}": choose one of ${SHELLS.join(', ')}`);
      ctx.deps.io.stdout.write(completionScript(shell as Shell, program));
    },
  });
}
