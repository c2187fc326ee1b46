import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, extname, join, resolve } from 'node:path'
import { KitError } from '@kit/internal'
import { invalidOption, rejectUnknownKeys } from './options.ts'

export interface MakeOptions {
  /** What the migration does, in snake_case: `add_users_email_index`. Required. */
  name: string
  /** @default 'migrations' */
  directory?: string
  /** @default process.cwd() */
  cwd?: string
  /** @default what the folder's migrations use, else 'ts' when the project has a tsconfig.json, else 'js' */
  extension?: 'ts' | 'js'
  /** Write a migration that runs outside a transaction (for CREATE INDEX CONCURRENTLY). @default false */
  noTransaction?: boolean
  /** knex's `migrations.loadExtensions`: only these files count as existing migrations. @default every script */
  loadExtensions?: readonly string[]
}

const MAKE_KEYS = ['name', 'directory', 'cwd', 'extension', 'noTransaction', 'loadExtensions'] as const

/** The file kit writes: its extension, and whether its syntax is ESM or CommonJS. */
interface Flavour {
  extension: 'ts' | 'mts' | 'cts' | 'js' | 'mjs' | 'cjs'
  esm: boolean
}

/**
 * `kit migrate make <name>`: writes `<directory>/<UTC timestamp>_<name>.<ext>`
 * in the form the project loads: TypeScript next to a tsconfig.json (kit
 * compiles .ts itself), otherwise JavaScript in the module system Node picks
 * for that folder (`"type"` of the nearest package.json): `export` in an ESM
 * project, `exports.up =` in a CommonJS one. An existing migration's
 * extension wins. Returns the file's path.
 */
export async function migrateMake(options: MakeOptions): Promise<string> {
  rejectUnknownKeys(options, MAKE_KEYS, 'migrateMake()')
  const { name } = options
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_NAME',
      `Migration name ${JSON.stringify(name)} is not usable in a file name. Use letters, digits, - and _, e.g. \`kit migrate make add_users_email_index\`.`,
    )
  }
  if (options.extension !== undefined && options.extension !== 'ts' && options.extension !== 'js') {
    throw invalidOption('extension', options.extension, "'ts' or 'js'")
  }
  const cwd = options.cwd ?? process.cwd()
  const directory = resolve(cwd, options.directory ?? 'migrations')
  await mkdir(directory, { recursive: true })
  const flavour = await chooseFlavour(cwd, directory, options.extension, options.loadExtensions)
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const path = join(directory, `${stamp}_${name}.${flavour.extension}`)
  await writeFile(path, template(flavour, options.noTransaction === true), { flag: 'wx' })
  return path
}

async function chooseFlavour(
  cwd: string,
  directory: string,
  forced: 'ts' | 'js' | undefined,
  loadExtensions: readonly string[] | undefined,
): Promise<Flavour> {
  const esmPackage = await packageIsEsm(directory)
  const wanted = loadExtensions?.map((ext) => (ext.startsWith('.') ? ext : `.${ext}`).toLowerCase())
  // With loadExtensions ['.js'], the .ts sources beside compiled migrations are not migrations: write .js.
  const existing = (await readdir(directory))
    .filter((file) => /\.(?:[cm]?[jt]s)$/.test(file) && !/\.d\.[cm]?ts$/.test(file))
    .filter((file) => !wanted || wanted.includes(extname(file).toLowerCase()))
    .sort()
  const last = existing.at(-1)?.replace(/^.*\./, '') as Flavour['extension'] | undefined
  const typed = forced ? forced === 'ts' : last ? last.endsWith('ts') : existsSync(join(cwd, 'tsconfig.json'))
  if (typed) {
    // kit compiles .ts with jiti, which takes ESM syntax whatever the package type (docs/internals/migration-files.md).
    return { extension: last === 'cts' || last === 'mts' ? last : 'ts', esm: true }
  }
  if (last === 'mjs' || last === 'cjs') return { extension: last, esm: last === 'mjs' }
  return { extension: 'js', esm: esmPackage }
}

/** Node's rule: a .js file is ESM when the nearest package.json says `"type": "module"`. */
async function packageIsEsm(from: string): Promise<boolean> {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(await readFile(manifest, 'utf8')) as { type?: unknown }).type === 'module'
      } catch {
        return false
      }
    }
    if (dirname(dir) === dir) return false
  }
}

function template(flavour: Flavour, noTransaction: boolean): string {
  const typed = flavour.extension.endsWith('ts')
  const lines: string[] = []
  if (typed) lines.push("import type { Knex } from 'knex'\n")
  else lines.push("/** @typedef {import('knex').Knex} Knex */\n")
  const exported = (what: string, value: string) =>
    flavour.esm ? `export const ${what} = ${value}` : `exports.${what} = ${value}`
  if (noTransaction) {
    lines.push(
      '// Runs outside a transaction (needed by CREATE INDEX CONCURRENTLY). If a release is killed while it',
      '// runs, the next release refuses until `kit migrate resolve` says whether its work was done.',
      `${exported('config', '{ transaction: false }')}\n`,
    )
  }
  const param = typed ? 'knex: Knex' : 'knex'
  const ret = typed ? ': Promise<void>' : ''
  const doc = typed ? '' : '/** @param {Knex} knex */\n'
  for (const direction of ['up', 'down']) {
    lines.push(
      flavour.esm
        ? `${doc}export async function ${direction}(${param})${ret} {\n}\n`
        : `${doc}exports.${direction} = async function ${direction}(${param}) {\n}\n`,
    )
  }
  return lines.join('\n')
}
