import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { closestName, isKitError, redactString } from '@kit/internal'
import { type LoadedConfig, loadConfig } from '../config/load.ts'
import { type Command, type CommandContext, type CommandOptions, UsageError } from './command.ts'
import { COMMANDS } from './commands/index.ts'
import { GLOBAL_OPTIONS, JSON_OPTION, renderCommandHelp, renderGeneralHelp, renderGroupHelp } from './help.ts'
import { createOutput, type Output, type WritableLike } from './output.ts'

export interface CliIO {
  stdout: WritableLike
  stderr: WritableLike
  /** @default process.env */
  env: Readonly<Record<string, string | undefined>>
  /** @default process.cwd() */
  cwd: string
}

export const EXIT_OK = 0
export const EXIT_PROBLEM = 1
export const EXIT_USAGE = 2

function version(): string {
  // By the package's own name (its exports list ./package.json): the same from src/ and from
  // the bundled dist/, where this code sits in a file at another depth.
  const pkg = createRequire(import.meta.url)('@kit/core/package.json') as { version: string }
  return pkg.version
}

/** Splits argv into the command words and the rest, skipping global options that come first. */
function splitArgv(argv: readonly string[]): { words: string[]; rest: string[] } {
  const rest: string[] = []
  let i = 0
  while (i < argv.length && argv[i]!.startsWith('-')) {
    rest.push(argv[i]!)
    if (argv[i] === '--cwd' && i + 1 < argv.length) rest.push(argv[++i]!)
    i++
  }
  const words: string[] = []
  while (i < argv.length && !argv[i]!.startsWith('-')) words.push(argv[i++]!)
  return { words, rest: [...rest, ...argv.slice(i)] }
}

function resolveCommand(
  words: readonly string[],
  commands: readonly Command<any>[],
): { command?: Command<any>; group?: string; extra: string[] } {
  for (let k = words.length; k > 0; k--) {
    const name = words.slice(0, k).join(' ')
    const command = commands.find((c) => c.name === name)
    if (command) return { command, extra: words.slice(k) }
  }
  for (let k = words.length; k > 0; k--) {
    const group = words.slice(0, k).join(' ')
    if (commands.some((c) => c.name.startsWith(`${group} `))) return { group, extra: words.slice(k) }
  }
  return { extra: [...words] }
}

function suggest(input: string, commands: readonly Command<any>[]): string | undefined {
  const names = [...new Set(commands.flatMap((c) => [c.name, c.name.split(' ')[0]!]))]
  return closestName(input, names, { maxDistance: 2 }) ?? names.find((name) => name.startsWith(input))
}

function parse(rest: string[], options: CommandOptions, allowPositionals: boolean) {
  const config: ParseArgsConfig = {
    args: rest,
    options: options as ParseArgsConfig['options'],
    allowPositionals,
    strict: true,
  }
  try {
    return parseArgs(config) as {
      values: Record<string, string | boolean | undefined>
      positionals: string[]
    }
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function workingDirectory(base: string, option: string | boolean | undefined): string {
  const dir = resolve(base, typeof option === 'string' ? option : '.')
  let isDir = false
  try {
    isDir = statSync(dir).isDirectory()
  } catch {
    isDir = false
  }
  if (!isDir) throw new UsageError(`--cwd ${dir} is not a folder.`)
  return dir
}

function report(error: unknown, out: Output, env: CliIO['env'], usageHint: string, json: boolean): number {
  const c = out.errColor
  const debug = env.KIT_DEBUG === '1' || env.KIT_DEBUG === 'true'
  if (error instanceof UsageError) {
    out.error(`${c.red('error')}: ${redactString(error.message)}`)
    out.error(usageHint)
    return EXIT_USAGE
  }
  const message = redactString(error instanceof Error ? error.message : String(error))
  if (isKitError(error)) {
    out.error(`${c.red('error')} ${c.bold(error.code)}: ${message}`)
    out.error(`${c.dim('docs:')} ${error.docs}`)
    if (json) out.json({ ok: false, error: { code: error.code, message, docs: error.docs } })
  } else {
    out.error(`${c.red('error')}: ${message}`)
    if (json) out.json({ ok: false, error: { message } })
  }
  if (debug && error instanceof Error && error.stack) out.error(c.dim(redactString(error.stack)))
  else if (!isKitError(error)) out.error(c.dim('Set KIT_DEBUG=1 to see the stack trace.'))
  return EXIT_PROBLEM
}

/** Runs `kit` with `argv` (without node and the script) and resolves with the exit code. */
export async function runCli(
  argv: readonly string[],
  io: Partial<CliIO> = {},
  commands: readonly Command<any>[] = COMMANDS,
): Promise<number> {
  const env = io.env ?? process.env
  const out = createOutput(io.stdout ?? process.stdout, io.stderr ?? process.stderr, env)
  const { words, rest } = splitArgv(argv)
  const { command, group, extra } = resolveCommand(words, commands)
  const name = command?.name ?? group
  const usageHint = `Run \`kit${name ? ` ${name}` : ''} --help\` for usage.`
  let json = false
  try {
    if (!command) {
      const globals: CommandOptions = {
        ...GLOBAL_OPTIONS,
        version: { type: 'boolean', short: 'v', description: 'Print the version of kit' },
      }
      const { values } = parse(rest, globals, false)
      if (extra.length > 0 || (words.length > 0 && !group)) {
        const unknown = words.join(' ')
        const hint = suggest(unknown, commands)
        throw new UsageError(`Unknown command "${unknown}".${hint ? ` Did you mean "${hint}"?` : ''}`)
      }
      if (values.version && !group) {
        out.line(version())
        return EXIT_OK
      }
      const members = commands.filter((c) => group && c.name.startsWith(`${group} `))
      out.line(group ? renderGroupHelp(group, members, out.color) : renderGeneralHelp(commands, out.color))
      return EXIT_OK
    }
    const options: CommandOptions = {
      ...GLOBAL_OPTIONS,
      ...(command.options ?? {}),
      ...(command.json ? { json: JSON_OPTION } : {}),
    }
    const { values, positionals } = parse([...extra, ...rest], options, Boolean(command.positionals?.length))
    json = values.json === true
    if (values.help) {
      out.line(renderCommandHelp(command, out.color))
      return EXIT_OK
    }
    const cwd = workingDirectory(io.cwd ?? process.cwd(), values.cwd)
    let loaded: Promise<LoadedConfig> | undefined
    const ctx: CommandContext = {
      values: values as CommandContext['values'],
      positionals,
      cwd,
      json,
      env,
      out,
      loadConfig: () => {
        loaded ??= loadConfig({ cwd })
        return loaded
      },
    }
    return (await command.run(ctx)) ?? EXIT_OK
  } catch (error) {
    return report(error, out, env, usageHint, json)
  }
}
