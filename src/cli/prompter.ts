/**
 * Interactive questions. Only asked when stdin and stderr are a terminal; otherwise the question fails
 * at once, naming the flag or environment variable that supplies the value (cron and CI never hang).
 * Questions are written to stderr: stdout carries data, so `betmirror auth --json > out.json` keeps the
 * question on the screen and the file holds only the result.
 */
import { BadInputError, CancelledError } from '../core/errors.js';

export interface Prompter {
  readonly interactive: boolean;
  /** `source` names what supplies the value without a terminal, e.g. "--to or BETMIRROR_CASHOUT_TO". */
  input(message: string, source: string): Promise<string>;
  password(message: string, source: string): Promise<string>;
  confirm(message: string, source: string): Promise<boolean>;
  select<T extends string>(message: string, choices: readonly T[], source: string): Promise<T>;
}

export function nonInteractivePrompter(): Prompter {
  const refuse = (message: string, source: string): never => {
    throw new BadInputError(`${message.replace(/[:?]\s*$/, '')}: no terminal to ask; supply it with ${source}`);
  };
  return {
    interactive: false,
    input: async (message, source) => refuse(message, source),
    password: async (message, source) => refuse(message, source),
    confirm: async (message, source) => refuse(message, source),
    select: async (message, _choices, source) => refuse(message, source),
  };
}

export interface PromptStreams {
  input: NodeJS.ReadableStream;
  /** Where questions are drawn: the process's stderr. */
  output: NodeJS.WritableStream;
}

export function inquirerPrompter(streams: PromptStreams): Prompter {
  // Loaded lazily: inquirer is only needed when a person is at the keyboard.
  const prompt = async <T>(question: Record<string, unknown>): Promise<T> => {
    const { createPromptModule } = await import('inquirer');
    try {
      const ask = createPromptModule({ input: streams.input, output: streams.output });
      const answers = (await ask([{ name: 'value', ...question } as never])) as { value: T };
      return answers.value;
    } catch (error) {
      if (error instanceof Error && error.name === 'ExitPromptError') throw new CancelledError('cancelled at the prompt');
      throw error;
    }
  };
  return {
    interactive: true,
    input: (message) => prompt<string>({ type: 'input', message }),
    password: (message) => prompt<string>({ type: 'password', message, mask: '*' }),
    confirm: (message) => prompt<boolean>({ type: 'confirm', message, default: false }),
    select: (message, choices) => prompt({ type: 'list', message, choices: [...choices] }),
  };
}
