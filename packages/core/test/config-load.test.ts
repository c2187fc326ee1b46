import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { int, type KitEnvWith, loadEnv, secret, z } from '@kit/env'
import { isKitError } from '@kit/internal'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import { CONFIG_FILES, defineConfig, type KitConfig, loadConfig } from '../src/config/index.ts'

const dirs: string[] = []
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kit-config-'))
  dirs.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function loadError(cwd: string, file?: string): Promise<any> {
  try {
    await loadConfig(file ? { cwd, file } : { cwd })
  } catch (error) {
    return error
  }
  throw new Error('expected loadConfig to fail')
}

describe('finding the file', () => {
  it('returns an empty config when there is none', async () => {
    expect(await loadConfig({ cwd: folder() })).toEqual({ config: {}, path: undefined })
  })

  it.each(CONFIG_FILES.map((name) => [name]))('loads %s', async (name) => {
    const dir = folder({ [name]: 'export default { preset: "fly" }\n' })
    expect(await loadConfig({ cwd: dir })).toEqual({ config: { preset: 'fly' }, path: join(dir, name) })
  })

  it('prefers .ts, then .mts, .mjs, .js', async () => {
    const dir = folder({
      'kit.config.js': 'export default { preset: "heroku" }\n',
      'kit.config.mjs': 'export default { preset: "render" }\n',
      'kit.config.ts': 'export default { preset: "fly" }\n',
    })
    expect((await loadConfig({ cwd: dir })).config.preset).toBe('fly')
  })

  it('finds src/kit.config.ts (a TypeScript app with rootDir "src"), after the app folder', async () => {
    const dir = folder({ 'src/kit.config.ts': 'export default { preset: "render" }\n' })
    expect(await loadConfig({ cwd: dir })).toEqual({
      config: { preset: 'render' },
      path: join(dir, 'src', 'kit.config.ts'),
    })
    writeFileSync(join(dir, 'kit.config.mjs'), 'export default { preset: "fly" }\n')
    expect((await loadConfig({ cwd: dir })).config.preset).toBe('fly')
  })

  it('follows package.json "kit": { "config" } before looking anywhere else', async () => {
    const dir = folder({
      'package.json': JSON.stringify({ name: 'app', kit: { config: 'app/kit.config.ts' } }),
      'app/kit.config.ts': 'export default { preset: "heroku" }\n',
      'kit.config.ts': 'export default { preset: "fly" }\n',
    })
    expect(await loadConfig({ cwd: dir })).toEqual({
      config: { preset: 'heroku' },
      path: join(dir, 'app', 'kit.config.ts'),
    })
  })

  it('KIT_CONFIG_NOT_FOUND when package.json "kit.config" names no file, or is not a path', async () => {
    const missing = await loadError(
      folder({ 'package.json': JSON.stringify({ kit: { config: 'app/kit.config.ts' } }) }),
    )
    expect(isKitError(missing, 'KIT_CONFIG_NOT_FOUND')).toBe(true)
    expect(missing.message).toContain('"app/kit.config.ts" } names a file that does not exist')
    const notPath = await loadError(folder({ 'package.json': JSON.stringify({ kit: { config: true } }) }))
    expect(isKitError(notPath, 'KIT_CONFIG_NOT_FOUND')).toBe(true)
    expect(notPath.message).toContain('got true')
  })

  it('loads an explicit file', async () => {
    const dir = folder()
    mkdirSync(join(dir, 'config'))
    writeFileSync(join(dir, 'config/kit.ts'), 'export default { preset: false }\n')
    expect(await loadConfig({ cwd: dir, file: 'config/kit.ts' })).toEqual({
      config: { preset: false },
      path: join(dir, 'config/kit.ts'),
    })
  })

  it('reads the current directory by default', async () => {
    const dir = folder({ 'kit.config.mjs': 'export default { preset: "railway" }\n' })
    const previous = process.cwd()
    process.chdir(dir)
    try {
      expect((await loadConfig()).config.preset).toBe('railway')
    } finally {
      process.chdir(previous)
    }
  })
})

describe('loading', () => {
  it('runs TypeScript without a build step', async () => {
    const dir = folder({
      'kit.config.ts': [
        "import { int } from '@kit/env'",
        'interface Limits { workers: number }',
        'const limits: Limits = { workers: 3 }',
        'enum Region { Eu = "eu" }',
        'export default { env: { WORKERS: int().default(limits.workers) }, region: Region.Eu }',
      ].join('\n'),
    })
    const { config } = await loadConfig({ cwd: dir })
    expect(loadEnv({ schema: config.env, source: {}, dotenv: false, preset: false }).WORKERS).toBe(3)
    expect((config as { region?: string }).region).toBe('eu')
  })

  it('hands the config the @kit/* modules of this process (one instance, no build needed)', async () => {
    const dir = folder({
      'kit.config.ts':
        "import { loadEnv, secret, z } from '@kit/env'\nexport default { env: { S: secret() }, loadEnv, Z: z.ZodType }\n",
    })
    const { config } = (await loadConfig({ cwd: dir })) as unknown as {
      config: KitConfig & { loadEnv: unknown; Z: unknown }
    }
    expect(config.loadEnv).toBe(loadEnv)
    expect(config.Z).toBe(z.ZodType)
    expect(config.env?.S).toBeInstanceOf(z.ZodType)
  })

  it('sees changes to the file on the next load', async () => {
    const dir = folder({ 'kit.config.ts': 'export default { preset: "fly" }\n' })
    expect((await loadConfig({ cwd: dir })).config.preset).toBe('fly')
    writeFileSync(join(dir, 'kit.config.ts'), 'export default { preset: "render" }\n')
    expect((await loadConfig({ cwd: dir })).config.preset).toBe('render')
  })

  it('accepts a CommonJS config', async () => {
    const dir = folder({ 'kit.config.js': 'module.exports = { preset: "heroku" }\n' })
    expect((await loadConfig({ cwd: dir })).config.preset).toBe('heroku')
  })
})

describe('errors', () => {
  it('KIT_CONFIG_LOAD_FAILED for a syntax error, with the line', async () => {
    const dir = folder({ 'kit.config.ts': 'export default {\n  preset: "fly"\n  env: {}\n}\n' })
    const error = await loadError(dir)
    expect(isKitError(error, 'KIT_CONFIG_LOAD_FAILED')).toBe(true)
    expect(error.message).toMatch(
      new RegExp(`^Could not load kit.config.ts \\(${dir}/kit.config.ts:3:2\\): `),
    )
    expect(error.cause).toBeInstanceOf(Error)
  })

  it('KIT_CONFIG_LOAD_FAILED for a config that throws, with its message', async () => {
    const dir = folder({ 'kit.config.mjs': 'throw new RangeError("bad limits")\n' })
    const error = await loadError(dir)
    expect(error.code).toBe('KIT_CONFIG_LOAD_FAILED')
    expect(error.message).toBe(`Could not load kit.config.mjs (${dir}/kit.config.mjs): bad limits`)
  })

  it('KIT_CONFIG_LOAD_FAILED for an import that does not resolve', async () => {
    const dir = folder({ 'kit.config.ts': "import x from 'kit-no-such-package'\nexport default { x }\n" })
    const error = await loadError(dir)
    expect(error.code).toBe('KIT_CONFIG_LOAD_FAILED')
    expect(error.message).toContain('kit-no-such-package')
  })

  it('KIT_CONFIG_LOAD_FAILED for an explicit file that does not exist', async () => {
    const dir = folder()
    const error = await loadError(dir, 'missing.ts')
    expect(error.code).toBe('KIT_CONFIG_LOAD_FAILED')
    expect(error.message).toContain(`Could not load missing.ts (${dir}/missing.ts): ENOENT`)
  })

  it('scrubs secrets out of the message', async () => {
    const dir = folder({
      'kit.config.mjs': 'throw new Error("cannot reach postgres://app:pw-very-secret@db/app")\n',
    })
    const error = await loadError(dir)
    expect(error.message).toContain('postgres://app:[REDACTED]@db/app')
    expect(error.message).not.toContain('pw-very-secret')
  })

  it('KIT_CONFIG_INVALID for a zod 3 schema', async () => {
    const dir = folder({
      'kit.config.mjs': 'export default { env: { OLD: { _def: { typeName: "ZodString" } } } }\n',
    })
    const error = await loadError(dir)
    expect(error.code).toBe('KIT_CONFIG_INVALID')
    expect(error.message).toBe(
      'kit.config.mjs: env.OLD is a zod 3 schema; kit needs zod 4. Import z from @kit/core (or from zod >= 4).',
    )
  })

  it.each([
    ['export default null\n', 'got null'],
    ['export default "kit"\n', 'got string'],
    ['export default [1]\n', 'got an array'],
    ['export default function config() {}\n', 'got function'],
  ])('KIT_CONFIG_INVALID for %j', async (source, got) => {
    const error = await loadError(folder({ 'kit.config.mjs': source }))
    expect(error.code).toBe('KIT_CONFIG_INVALID')
    expect(error.message).toMatch(new RegExp(`${got}\\.$`))
  })
})

describe('defineConfig()', () => {
  it('returns the config unchanged', () => {
    const config = { env: { A: z.string() }, preset: 'heroku' as const }
    expect(defineConfig(config)).toBe(config)
  })

  it('keeps the type of env, so the app env is typed', () => {
    const config = defineConfig({ env: { WORKERS: int().default(2), TOKEN: secret() } })
    type Env = KitEnvWith<NonNullable<typeof config.env>>
    expectTypeOf<Env['WORKERS']>().toEqualTypeOf<number>()
    expectTypeOf<Env['TOKEN']>().toEqualTypeOf<string>()
    expectTypeOf<Env['PORT']>().toEqualTypeOf<number>()
    expectTypeOf(config).toMatchTypeOf<KitConfig>()
  })

  it('rejects misspelt keys and wrong values at compile time', () => {
    // @ts-expect-error `presets` is not a KitConfig key
    defineConfig({ presets: 'heroku' })
    // @ts-expect-error not a preset name
    defineConfig({ preset: 'vercel' })
    // @ts-expect-error env values are zod schemas
    defineConfig({ env: { PORT: 3000 } })
    expect(defineConfig({})).toEqual({})
  })
})
