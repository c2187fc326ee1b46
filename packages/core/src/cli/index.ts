export {
  type Command,
  type CommandContext,
  type CommandOption,
  type CommandOptions,
  defineCommand,
  type OptionValues,
  UsageError,
} from './command.ts'
export { COMMANDS } from './commands/index.ts'
export { cliErrors } from './errors.ts'
export { type CliIO, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, runCli } from './main.ts'
export type { Colors, Output, WritableLike } from './output.ts'
