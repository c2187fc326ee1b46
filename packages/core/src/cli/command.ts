import type { LoadedConfig } from '../config/load.ts'
import type { Output } from './output.ts'

/** One option of a command, as `node:util` parseArgs reads it, plus help text. */
export interface CommandOption {
  type: 'string' | 'boolean'
  short?: string
  description: string
  /** Placeholder shown in help: --bytes <n>. @default 'value' */
  valueName?: string
}

export type CommandOptions = Record<string, CommandOption>

export type OptionValues<O extends CommandOptions> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined
}

export interface CommandContext<O extends CommandOptions = CommandOptions> {
  values: OptionValues<O>
  positionals: string[]
  /** Absolute folder the command works in (--cwd, else the process's). */
  cwd: string
  /** True when --json was given (only for commands with `json: true`). */
  json: boolean
  /** The process environment (what `kit env check` validates). */
  env: Readonly<Record<string, string | undefined>>
  out: Output
  /** Loads kit.config.* from `cwd` (once; later calls return the same result). */
  loadConfig(): Promise<LoadedConfig>
}

/**
 * A `kit` subcommand. Add one by writing `commands/<name>.ts` that exports
 * `defineCommand({...})`, and listing it in `commands/index.ts`.
 */
export interface Command<O extends CommandOptions = CommandOptions> {
  /** Words after `kit`: 'secret', 'env check'. */
  name: string
  /** One line for `kit --help`. */
  summary: string
  /** Paragraphs for `kit <name> --help`. */
  description?: string
  options?: O
  /** Accepts --json and prints machine-readable output with it. */
  json?: boolean
  /** Positional arguments, for help; without them extra words are a usage error. */
  positionals?: readonly { name: string; description: string }[]
  examples?: readonly string[]
  /** Returns the exit code (undefined: 0). Throw UsageError for bad input, KitError for problems. */
  run(ctx: CommandContext<O>): Promise<number | undefined> | number | undefined
}

export function defineCommand<const O extends CommandOptions = Record<never, never>>(
  command: Command<O>,
): Command<O> {
  return command
}

/** Bad invocation (unknown option, missing value...): exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
