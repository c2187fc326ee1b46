import type { Command, CommandOption, CommandOptions } from './command.ts'
import { type Colors, formatTable } from './output.ts'

export const GLOBAL_OPTIONS: CommandOptions = {
  cwd: {
    type: 'string',
    valueName: 'dir',
    description: 'Run in <dir>: where kit.config.* and .env files are read',
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
}

export const JSON_OPTION: CommandOption = { type: 'boolean', description: 'Print JSON instead of text' }

function optionRows(options: CommandOptions): string[][] {
  return Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}`
    const value = option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''
    return [`  ${flag}${value}`, option.description]
  })
}

export function renderGeneralHelp(commands: readonly Command<any>[], c: Colors): string {
  const rows = commands.map((command) => [`  ${c.bold(command.name)}`, command.summary])
  return [
    `${c.bold('kit')}: make an Express or Fastify app production-ready`,
    '',
    `Usage: kit <command> [options]`,
    '',
    'Commands:',
    ...formatTable(rows),
    '',
    'Global options:',
    ...formatTable([...optionRows(GLOBAL_OPTIONS), ['  -v, --version', 'Print the version of kit']]),
    '',
    'Run `kit <command> --help` for the options of a command.',
    'Exit codes: 0 success, 1 a problem was found or the command failed, 2 wrong usage.',
  ].join('\n')
}

export function renderGroupHelp(group: string, commands: readonly Command<any>[], c: Colors): string {
  const rows = commands.map((command) => [`  ${c.bold(command.name)}`, command.summary])
  return [`Usage: kit ${group} <command> [options]`, '', 'Commands:', ...formatTable(rows), ''].join('\n')
}

export function renderCommandHelp(command: Command<any>, c: Colors): string {
  const options: CommandOptions = {
    ...(command.options ?? {}),
    ...(command.json ? { json: JSON_OPTION } : {}),
  }
  const args = (command.positionals ?? []).map((p) => ` <${p.name}>`).join('')
  const lines = [`Usage: kit ${command.name}${args} [options]`, '', command.summary]
  if (command.description) lines.push('', command.description)
  if (command.positionals?.length) {
    lines.push(
      '',
      'Arguments:',
      ...formatTable(command.positionals.map((p) => [`  <${p.name}>`, p.description])),
    )
  }
  lines.push('', 'Options:', ...formatTable([...optionRows(options), ...optionRows(GLOBAL_OPTIONS)]))
  if (command.examples?.length)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${c.dim('$')} ${e}`))
  return lines.join('\n')
}
