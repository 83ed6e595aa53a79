/** `betmirror completion bash|zsh|fish`: scripts generated from the declared commands and flags. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { run } from '../support/cli.js';

async function script(shell: string): Promise<string> {
  const result = await run(['completion', shell], { registry: defaultRegistry() });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

/** What bash offers after typing `line` (the last word is the one being completed). */
function bashComplete(source: string, line: string): string[] {
  const words = line.split(' ');
  const program = `${source}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _betmirror; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('betmirror completion', () => {
  it('bash completes commands, flags, flag values and subcommands from the declarations', async () => {
    const bash = await script('bash');
    expect(bashComplete(bash, 'betmirror bal')).toEqual(['balance']);
    expect(bashComplete(bash, 'betmirror st')).toEqual(['status']);
    expect(bashComplete(bash, 'betmirror balance --exchange ')).toEqual(['polymarket', 'kalshi', 'predictbase']);
    expect(bashComplete(bash, 'betmirror mirror --sizing ')).toEqual(['proportional', 'fixed', 'percent']);
    expect(bashComplete(bash, 'betmirror mirror --source ')).toEqual(['data-api', 'rtds', 'onchain']);
    expect(bashComplete(bash, 'betmirror cashout --exchange kalshi --a')).toEqual(['--amount', '--all']);
    expect(bashComplete(bash, 'betmirror -p work order --ty')).toEqual(['--type']);
    expect(bashComplete(bash, 'betmirror profile ')).toEqual(['list', 'use', 'show', 'remove', '-V', '--version', '-p', '--profile', '--json', '-y', '--yes', '-v', '--verbose', '--help']);
    expect(bashComplete(bash, 'betmirror profile remove --y')).toEqual(['--yes']);
    expect(bashComplete(bash, 'betmirror completion --he')).toEqual(['--help']);
  });

  it('bash: the script registers itself for the betmirror command', async () => {
    expect((await script('bash')).trimEnd().split('\n').at(-1)).toBe('complete -o default -F _betmirror betmirror');
  });

  it('zsh: a #compdef function per command, with descriptions, choices and file values', async () => {
    const zsh = await script('zsh');
    expect(zsh.split('\n')[0]).toBe('#compdef betmirror');
    expect(zsh).toContain("    '(-e --exchange)'{-e,--exchange}'[venue (default: the profile'\\''s exchange, else polymarket)]:id:(polymarket kalshi predictbase)' \\\n");
    expect(zsh).toContain("    '--market-map[Kalshi, PredictBase: JSON map from Polymarket outcomes to their markets (see README)]:file:_files' \\\n");
    expect(zsh).toContain("    '*--source[where whale fills are seen, raced: the first to see a fill is acted on (repeat or comma-separate)]:name:(data-api rtds onchain)' \\\n");
    expect(zsh).toContain("    '--follow-file[a file of wallets to follow: one address per line, # comments (adds to --follow)]:path:_files' \\\n");
    expect(zsh).toContain("commands=('list:List the profiles; the active one is marked *' ");
    for (const name of ['auth', 'balance', 'mirror', 'status', 'order', 'cancel', 'cashout', 'profile', 'profile_use', 'sandbox', 'completion']) {
      expect(zsh, name).toContain(`\n_betmirror_${name}() {\n`);
    }
    expect(zsh.trimEnd().split('\n').at(-1)).toBe('_betmirror "$@"');
  });

  it('fish: commands offered until one is typed, then that command\'s flags and values', async () => {
    const fish = await script('fish');
    const top = 'not __fish_seen_subcommand_from auth balance mirror status order cancel cashout profile sandbox discover vet backtest completion';
    expect(fish).toContain(`complete -c betmirror -n '${top}' -a status -d 'Show the mirror\\'s state from its store: running or not, positions, cash, PnL today, last signals'\n`);
    expect(fish).toContain("complete -c betmirror -n '__fish_seen_subcommand_from order' -l side -x -a 'buy sell' -d 'buy or sell'\n");
    expect(fish).toContain("complete -c betmirror -n '__fish_seen_subcommand_from mirror' -l market-map -r -F -d");
    expect(fish).toContain("complete -c betmirror -n '__fish_seen_subcommand_from profile; and not __fish_seen_subcommand_from list use show remove' -a use -d");
    expect(fish).toContain("complete -c betmirror -s y -l yes -d 'do not ask for confirmation'\n");
  });

  it('an unknown shell is refused naming the ones there are', async () => {
    const result = await run(['completion', 'powershell'], { registry: defaultRegistry() });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'error: no completion for "powershell": choose one of bash, zsh, fish\n' });
  });
});
