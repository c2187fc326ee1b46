import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describeEnv, renderEnvExample } from '@kit/env'
import { KitError } from '@kit/internal'
import { type Command, defineCommand } from '../command.ts'

export const envExampleCommand: Command = defineCommand({
  name: 'env example',
  summary: 'Write .env.example from the schema: descriptions, defaults, required and secret variables',
  description:
    "Documents every variable of the built-in schema and of kit.config's `env`. Required\nvariables are left empty, the others commented out with their default; no secret\nvalue is ever written. An existing file is kept unless --force is given.",
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: 'file',
      description: 'Where to write (default .env.example; - for stdout)',
    },
    force: { type: 'boolean', short: 'f', description: 'Overwrite the file if it exists' },
  },
  json: true,
  examples: [
    'kit env example',
    'kit env example --output config/.env.example --force',
    'kit env example -o -',
  ],
  async run({ cwd, values, out, json, loadConfig }) {
    const { config } = await loadConfig()
    const text = renderEnvExample(config.env)
    const output = values.output ?? '.env.example'
    if (output === '-') {
      out.write(text)
      return 0
    }
    const path = resolve(cwd, output)
    const shown = relative(cwd, path) || path
    mkdirSync(dirname(path), { recursive: true })
    try {
      // 'wx' fails when the file exists, without a check-then-write race.
      writeFileSync(path, text, { flag: values.force ? 'w' : 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new KitError(
          'KIT_CLI_FILE_EXISTS',
          `${shown} already exists. Pass --force to overwrite it, or --output <file> to write elsewhere.`,
        )
      }
      throw error
    }
    const variables = describeEnv(config.env)
    const required = variables.filter((v) => v.required).length
    if (json) out.json({ path, variables: variables.length, required })
    else out.line(`Wrote ${shown}: ${variables.length} variables, ${required} required.`)
    return 0
  },
})
