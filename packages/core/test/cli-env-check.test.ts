import { afterAll, describe, expect, it } from 'vitest'
import { runInProcess, runKit, type TempProject, tempProject } from './cli-helpers.ts'

/** Fed through valid and invalid secrets: must never be printed. */
const CANARY = 'CANARY4b2d9f0e7a'
const STRONG = `${CANARY}-Qm8vX2rT5wZ1yB7nK3pL9sD4fG6hJ0c`

// TypeScript on purpose: type annotations and `satisfies` must load without a build step.
const CONFIG_TS = `
import type { KitConfig } from '@kit/core'
import { int, secret, z } from '@kit/env'

const workers: number = 2

export default {
  env: {
    OPENAI_API_KEY: z.string().startsWith('sk-').describe('OpenAI API key'),
    SESSION_SECRET: secret(),
    WORKERS: int({ min: 1 }).default(workers),
  },
} satisfies KitConfig
`

const projects: TempProject[] = []
function project(files: Record<string, string>): TempProject {
  const created = tempProject(files)
  projects.push(created)
  return created
}
afterAll(() => {
  for (const p of projects) p.remove()
})

describe('kit env check (spawned)', () => {
  it('validates the environment against kit.config.ts and lists every variable, secrets masked', async () => {
    const app = project({ 'kit.config.ts': CONFIG_TS })
    const { code, stdout, stderr } = await runKit(['env', 'check'], {
      cwd: app.dir,
      env: { OPENAI_API_KEY: 'sk-test-1', SESSION_SECRET: STRONG, PORT: '4000' },
    })
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toMatch(
      new RegExp(`^Config: +${app.dir}/kit.config.ts\nNODE_ENV: +test\nPlatform: +none detected\n`),
    )
    expect(stdout).toMatch(/\nOPENAI_API_KEY +set +\*\*\*\* \(9 characters\) +environment\n/)
    expect(stdout).toMatch(/\nSESSION_SECRET +set +\*\*\*\* \(48 characters\) +environment\n/)
    expect(stdout).toMatch(/\nWORKERS +default +2\n/)
    expect(stdout).toMatch(/\nPORT +set +4000 +environment\n/)
    expect(stdout).toMatch(/\nDATABASE_URL +unset\n/)
    expect(stdout).toMatch(
      /\n✔ Environment is valid: 4 set, 0 from the platform, \d+ defaults, \d+ unset\.\n$/,
    )
    expect(stdout).not.toContain(CANARY)
  })

  it('exits 1 with every problem listed, never printing a secret (--cwd from elsewhere)', async () => {
    const app = project({ 'kit.config.ts': CONFIG_TS })
    const { code, stdout, stderr } = await runKit(['env', 'check', '--cwd', app.dir], {
      env: {
        NODE_ENV: 'production',
        SESSION_SECRET: `changeme-${CANARY}`,
        PORT: 'eighty',
        DATABASE_URL: `mysqlx://app:${CANARY}@db.example.com/app`,
        KIT_HEALTH_TOKEN: CANARY,
        OPENAI_APIKEY: `sk-${CANARY}`,
      },
    })
    expect(code).toBe(1)
    expect(stderr).toBe('')
    expect(stdout).toContain(
      [
        '✖ Invalid environment (5 problems):',
        '  - PORT: expected a whole number between 0 and 65535, got "eighty".',
        '    Fix: Correct PORT, or unset it to use the default (3000).',
        '  - DATABASE_URL: expected a URL starting with postgres://, postgresql://, mysql:// or mariadb://.',
      ].join('\n'),
    )
    expect(stdout).toContain('  - KIT_HEALTH_TOKEN: is too short: 16 characters, at least 32 are required.')
    expect(stdout).toContain('  - OPENAI_API_KEY: is required but not set (OPENAI_APIKEY is set: a typo?).')
    expect(stdout).toContain('  - SESSION_SECRET: is a placeholder (like "changeme"), not a real secret.')
    expect(stdout).toMatch(
      /\nDATABASE_URL +invalid +mysqlx:\/\/\*\*\*\*@db\.example\.com\/app +environment\n/,
    )
    expect(stdout).toMatch(/\nOPENAI_API_KEY +missing\n/)
    expect(stdout + stderr).not.toContain(CANARY)
  })

  it('names the config file that failed to load, without a stack trace', async () => {
    const app = project({ 'kit.config.ts': 'export default {\n  env: { A: \n' })
    const { code, stdout, stderr } = await runKit(['env', 'check'], { cwd: app.dir })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr.split('\n')[0]).toBe(
      `error KIT_CONFIG_LOAD_FAILED: Could not load kit.config.ts (${app.dir}/kit.config.ts:3:0): ParseError: Unexpected token`,
    )
    expect(stderr).toMatch(/\ndocs: https:\/\/\S+#kit_config_load_failed\n$/)
    expect(stderr).not.toMatch(/\n\s+at /)
  })
})

describe('kit env check', () => {
  it('prints JSON with --json', async () => {
    const app = project({ 'kit.config.ts': CONFIG_TS })
    const { code, stdout } = await runInProcess(['env', 'check', '--json', '--cwd', app.dir], {
      env: { OPENAI_API_KEY: 'sk-1', SESSION_SECRET: STRONG },
    })
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({
      ok: true,
      config: `${app.dir}/kit.config.ts`,
      nodeEnv: 'test',
      preset: null,
      problems: [],
    })
    expect(report.variables.find((v: { name: string }) => v.name === 'SESSION_SECRET')).toEqual({
      name: 'SESSION_SECRET',
      status: 'set',
      value: '**** (48 characters)',
      origin: 'environment',
      secret: true,
      required: true,
      requiredWhen: null,
      default: null,
      description: null,
      builtin: false,
    })
    expect(stdout).not.toContain(CANARY)
  })

  it('reports problems in JSON and exits 1', async () => {
    const app = project({ 'kit.config.ts': CONFIG_TS })
    const { code, stdout } = await runInProcess(['env', 'check', '--json', '--cwd', app.dir], { env: {} })
    expect(code).toBe(1)
    const report = JSON.parse(stdout)
    expect(report.ok).toBe(false)
    expect(report.problems.map((p: { name: string }) => p.name)).toEqual(['OPENAI_API_KEY', 'SESSION_SECRET'])
  })

  it('checks the built-in variables when there is no kit.config', async () => {
    const app = project({})
    const { code, stdout } = await runInProcess(['env', 'check', '--cwd', app.dir], { env: { PORT: '5000' } })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Config: +none \(checking the built-in variables only\)\n/)
    expect(stdout).toMatch(/\nPORT +set +5000 +environment\n/)
  })

  it('reads .env and .env.local outside production, and says so', async () => {
    const app = project({ '.env': 'PORT=4100\nLOG_LEVEL=debug\n', '.env.local': 'LOG_LEVEL=trace\n' })
    const { stdout } = await runInProcess(['env', 'check', '--cwd', app.dir])
    expect(stdout).toMatch(/\n\.env files: +\.env, \.env\.local\n/)
    expect(stdout).toMatch(/\nPORT +set +4100 +\.env\n/)
    expect(stdout).toMatch(/\nLOG_LEVEL +set +trace +\.env\.local\n/)
  })

  it('ignores .env in production', async () => {
    const app = project({ '.env': 'PORT=4100\n' })
    const { stdout } = await runInProcess(['env', 'check', '--cwd', app.dir], {
      env: { NODE_ENV: 'production' },
    })
    expect(stdout).toMatch(/\n\.env files: +none\n/)
    expect(stdout).toMatch(/\nPORT +default +3000\n/)
  })

  it('shows the platform preset and what it filled in', async () => {
    const app = project({})
    const { stdout } = await runInProcess(['env', 'check', '--cwd', app.dir], {
      env: { DYNO: 'web.1', HEROKU_SLUG_COMMIT: 'abc123' },
    })
    expect(stdout).toMatch(/\nPlatform: +heroku\n/)
    expect(stdout).toMatch(/\nTRUST_PROXY +preset +1 +heroku preset\n/)
    expect(stdout).toMatch(/\nSENTRY_RELEASE +preset +abc123 +platform\n/)
  })

  it('uses the preset and env of a plain .mjs config', async () => {
    const app = project({
      'kit.config.mjs':
        "import { z } from '@kit/env'\nexport default { preset: 'render', env: { REGION: z.enum(['eu', 'us']) } }\n",
    })
    const { code, stdout } = await runInProcess(['env', 'check', '--cwd', app.dir], {
      env: { REGION: 'mars' },
    })
    expect(code).toBe(1)
    expect(stdout).toMatch(/\nPlatform: +render\n/)
    expect(stdout).toContain('  - REGION: Invalid option: expected one of "eu"|"us", got "mars".')
  })

  it.each([
    [
      'export default 42\n',
      'kit.config.mjs must export a config object as its default export (export default defineConfig({ ... })), got number.',
    ],
    [
      'export const config = {}\n',
      'kit.config.mjs must export a config object as its default export (export default defineConfig({ ... })), got undefined.',
    ],
    [
      "export default { env: { PORT: 'number' } }\n",
      'kit.config.mjs: env.PORT is not a zod schema (got string). Use z.string(), int(), bool(), url()... from @kit/core.',
    ],
    [
      'export default { env: [] }\n',
      'kit.config.mjs: env must be an object of zod schemas ({ NAME: z.string() }), got an array.',
    ],
  ])('rejects a config whose export is wrong: %j', async (source, message) => {
    const app = project({ 'kit.config.mjs': source })
    const { code, stderr } = await runInProcess(['env', 'check', '--cwd', app.dir])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `error KIT_CONFIG_INVALID: ${message}\ndocs: https://github.com/kit-dev/kit/blob/main/docs/reference/errors.md#kit_config_invalid\n`,
    )
  })

  it('reports a config that throws while it runs', async () => {
    const app = project({ 'kit.config.ts': "throw new Error('no config for you')\n" })
    const { code, stderr } = await runInProcess(['env', 'check', '--cwd', app.dir])
    expect(code).toBe(1)
    expect(stderr).toContain('error KIT_CONFIG_LOAD_FAILED: Could not load kit.config.ts')
    expect(stderr).toContain('no config for you')
  })
})
