// `kit migrate make` then a real `kit release`, in real Node processes: the file it writes must be
// one the project's module system and language load.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isKitError } from '@kit/internal'
import { spawnTs } from '@kit/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import { release } from '../src/index.ts'
import { cliEnv, createTarget, KIT_BIN, rows, type TestTarget } from './helpers.ts'

const targets: TestTarget[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(targets.map((t) => t.cleanup()))
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function kit(target: TestTarget, cwd: string, ...args: string[]) {
  const p = spawnTs(KIT_BIN, [...args, '--cwd', cwd], { env: cliEnv(target) })
  const exit = await Promise.race([p.exited, new Promise((r) => setTimeout(() => r('timeout'), 120_000))])
  if (exit === 'timeout') p.child.kill('SIGKILL')
  return { exit, output: p.stdout() + p.stderr(), stdout: p.stdout() }
}

const PROJECTS = {
  commonjs: { 'package.json': '{ "name": "app", "type": "commonjs" }\n' },
  esm: { 'package.json': '{ "name": "app", "type": "module" }\n' },
  typescript: {
    'package.json': '{ "name": "app" }\n',
    'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
  },
} as const

describe.each(Object.keys(PROJECTS) as (keyof typeof PROJECTS)[])(
  'kit migrate make in a %s project',
  (kind) => {
    it('writes a migration that a real kit release then applies', async () => {
      const cwd = mkdtempSync(join(tmpdir(), `kit-make-${kind}-`))
      dirs.push(cwd)
      for (const [name, body] of Object.entries(PROJECTS[kind])) writeFileSync(join(cwd, name), body)
      const target = await createTarget('postgres', `make_${kind}`)
      targets.push(target)

      const made = await kit(target, cwd, 'migrate', 'make', 'create_notes', '--json')
      expect(made.exit, made.output).toEqual({ code: 0, signal: null })
      const file = JSON.parse(made.stdout).file as string
      expect(file.endsWith(kind === 'typescript' ? '_create_notes.ts' : '_create_notes.js')).toBe(true)
      const written = readFileSync(file, 'utf8')
      expect(written.includes('exports.up =')).toBe(kind === 'commonjs')
      // Fill in the body the way a developer would, keeping the generated shape.
      writeFileSync(
        file,
        written.replace(
          /(up[^{]*\{)\n\}/,
          "$1\n  await knex.schema.createTable('notes', (t) => {\n    t.increments()\n  })\n}",
        ),
      )

      const released = await kit(target, cwd, 'release')
      expect(released.exit, released.output).toEqual({ code: 0, signal: null })
      expect(released.output).toContain('Applied 1 migration(s)')
      const knex = target.knex()
      expect(await knex.schema.hasTable('notes')).toBe(true)
      await knex.destroy()
    }, 180_000)
  },
)

it('an ESM migration that Node loads as CommonJS fails with a load error that says what to do', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'kit-make-mismatch-'))
  dirs.push(cwd)
  writeFileSync(join(cwd, 'package.json'), '{ "name": "app", "type": "commonjs" }\n')
  mkdirSync(join(cwd, 'migrations'))
  // Plain Node refuses \`export\` in a CommonJS file with "SyntaxError: Unexpected token 'export'"; tsx and
  // vitest (which run this test and the CLI from sources) compile any syntax, so the file raises
  // Node's own error the same way: by compiling ESM syntax as a CommonJS function body.
  writeFileSync(
    join(cwd, 'migrations', '20000101000000_esm.cjs'),
    'new Function("export async function up(knex) {}")\n',
  )
  const target = await createTarget('postgres', 'make_mismatch')
  targets.push(target)
  const error = await release({ knex: target.knex, cwd }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isKitError(error, 'KIT_MIGRATE_INVALID_MIGRATION'), String(error)).toBe(true)
  expect((error as Error).message).toContain("Unexpected token 'export'")
  expect((error as Error).message).toContain('rename it to .mjs, add "type": "module" to package.json')
}, 60_000)

it('kit release with flags configured and no migrations folder creates the flag tables and says there are no migrations', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'kit-noflder-'))
  dirs.push(cwd)
  writeFileSync(
    join(cwd, 'kit.config.mjs'),
    'export default { flags: { newCheckout: { default: false } } }\n',
  )
  const target = await createTarget('postgres', 'no_folder_flags')
  targets.push(target)
  const released = await kit(target, cwd, 'release')
  expect(released.exit, released.output).toEqual({ code: 0, signal: null })
  expect(released.output).toContain('No migrations: there is no migrations folder')
  expect(existsSync(join(cwd, 'migrations'))).toBe(false)
  const knex = target.knex()
  const tables = await rows<{ tablename: string }>(
    knex,
    "select tablename from pg_tables where schemaname = 'public'",
  )
  await knex.destroy()
  expect(tables.map((r) => r.tablename)).toEqual(
    expect.arrayContaining(['kit_feature_flags', 'knex_migrations']),
  )

  // A directory named in kit.config that does not exist is still an error.
  writeFileSync(
    join(cwd, 'kit.config.mjs'),
    "export default { migrations: { directory: 'db/migrations' }, flags: { newCheckout: { default: false } } }\n",
  )
  const configured = await kit(target, cwd, 'release')
  expect(configured.exit).toEqual({ code: 1, signal: null })
  expect(configured.output).toContain('KIT_MIGRATE_DIRECTORY_NOT_FOUND')
}, 180_000)
