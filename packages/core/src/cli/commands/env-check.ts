import { dirname, resolve } from 'node:path'
import { checkEnv, type EnvStatus, envError } from '@kit/env'
import { type Command, defineCommand } from '../command.ts'
import { type Colors, formatTable } from '../output.ts'

const MAX_VALUE_WIDTH = 60

function paintStatus(status: EnvStatus, c: Colors): string {
  if (status === 'set') return c.green(status)
  if (status === 'preset') return c.cyan(status)
  if (status === 'missing' || status === 'invalid') return c.red(status)
  return c.dim(status)
}

function shorten(text: string): string {
  return text.length > MAX_VALUE_WIDTH ? `${text.slice(0, MAX_VALUE_WIDTH - 3)}...` : text
}

export const envCheckCommand: Command = defineCommand({
  name: 'env check',
  summary: 'Validate the environment against kit.config and list every variable',
  description: [
    'Reads the environment the way productionize() does: the process environment,',
    'plus .env and .env.local outside production, plus platform presets, validated',
    "against the built-in schema extended by kit.config's `env`. Prints every variable",
    'with its status (set, preset, default, unset, missing, invalid) and where it came',
    'from; secret values are masked. Exits with 1 when anything is missing or invalid.',
  ].join('\n'),
  json: true,
  examples: ['kit env check', 'NODE_ENV=production kit env check', 'kit env check --json'],
  async run({ cwd, env, out, json, loadConfig }) {
    const { config, path } = await loadConfig()
    const appRoot = config.cwd ? resolve(path ? dirname(path) : cwd, config.cwd) : cwd
    const result = checkEnv({ schema: config.env, preset: config.preset, cwd: appRoot, source: env })

    if (json) {
      out.json({
        ok: result.ok,
        config: path ?? null,
        nodeEnv: result.nodeEnv,
        preset: result.preset ?? null,
        dotenvFiles: result.dotenvFiles,
        variables: result.variables.map((v) => ({
          name: v.name,
          status: v.status,
          value: v.display ?? null,
          origin: v.origin ?? null,
          secret: v.secret,
          required: v.required,
          requiredWhen: v.requiredWhen ?? null,
          default: v.default ?? null,
          description: v.description ?? null,
          builtin: v.builtin,
        })),
        problems: result.problems,
      })
      return result.ok ? 0 : 1
    }

    const c = out.color
    const relativeFiles = result.dotenvFiles.map((file) => file.slice(appRoot.length + 1) || file)
    out.line(
      formatTable([
        ['Config:', path ? path : c.dim('none (checking the built-in variables only)')],
        ['NODE_ENV:', result.nodeEnv],
        ['Platform:', result.preset ?? c.dim('none detected')],
        ['.env files:', relativeFiles.length ? relativeFiles.join(', ') : c.dim('none')],
      ]).join('\n'),
    )
    out.line()
    // The app's own variables first: they are the ones most often missing.
    const ordered = [
      ...result.variables.filter((v) => !v.builtin),
      ...result.variables.filter((v) => v.builtin),
    ]
    const rows = ordered.map((v) => [
      v.status === 'missing' || v.status === 'invalid' ? c.red(v.name) : v.name,
      paintStatus(v.status, c),
      v.display === '' ? c.dim('(empty)') : shorten(v.display ?? ''),
      c.dim(v.origin ?? ''),
    ])
    out.line(
      formatTable([[c.bold('NAME'), c.bold('STATUS'), c.bold('VALUE'), c.bold('FROM')], ...rows]).join('\n'),
    )
    out.line()
    if (result.ok) {
      const count = (status: EnvStatus) => result.variables.filter((v) => v.status === status).length
      out.line(
        `${c.green('✔')} Environment is valid: ${count('set')} set, ${count('preset')} from the platform, ${count('default')} defaults, ${count('unset')} unset.`,
      )
      return 0
    }
    const [first, ...rest] = envError(result.problems).message.split('\n')
    out.line(`${c.red('✖')} ${c.bold(first!)}`)
    for (const line of rest) out.line(line)
    return 1
  },
})
