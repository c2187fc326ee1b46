import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { KitError } from '@kit/internal'
import { invalidOption, rejectUnknownKeys } from './options.ts'

export interface MakeOptions {
  /** What the migration does, in snake_case: `add_users_email_index`. Required. */
  name: string
  /** @default 'migrations' */
  directory?: string
  /** @default process.cwd() */
  cwd?: string
  /** @default 'ts' when the project has a tsconfig.json or TS migrations, else 'js' */
  extension?: 'ts' | 'js'
  /** Write a migration that runs outside a transaction (for CREATE INDEX CONCURRENTLY). @default false */
  noTransaction?: boolean
}

const MAKE_KEYS = ['name', 'directory', 'cwd', 'extension', 'noTransaction'] as const

/** `kit migrate make <name>`: writes `<directory>/<UTC timestamp>_<name>.<ext>` and returns its path. */
export async function migrateMake(options: MakeOptions): Promise<string> {
  rejectUnknownKeys(options, MAKE_KEYS, 'migrateMake()')
  const { name } = options
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(name)) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_NAME',
      `Migration name ${JSON.stringify(name)} is not usable in a file name. Use letters, digits, - and _, e.g. \`kit migrate make add_users_email_index\`.`,
    )
  }
  const cwd = options.cwd ?? process.cwd()
  const directory = resolve(cwd, options.directory ?? 'migrations')
  await mkdir(directory, { recursive: true })
  const extension = options.extension ?? (await guessExtension(cwd, directory))
  if (extension !== 'ts' && extension !== 'js') throw invalidOption('extension', extension, "'ts' or 'js'")
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const path = join(directory, `${stamp}_${name}.${extension}`)
  await writeFile(path, template(extension, options.noTransaction === true), { flag: 'wx' })
  return path
}

async function guessExtension(cwd: string, directory: string): Promise<'ts' | 'js'> {
  const existing = await readdir(directory)
  if (existing.some((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file))) return 'ts'
  if (existing.some((file) => /\.[cm]?js$/.test(file))) return 'js'
  return existsSync(join(cwd, 'tsconfig.json')) ? 'ts' : 'js'
}

function template(extension: 'ts' | 'js', noTransaction: boolean): string {
  const typed = extension === 'ts'
  const lines = [
    typed ? "import type { Knex } from 'knex'\n" : "/** @typedef {import('knex').Knex} Knex */\n",
  ]
  if (noTransaction) {
    lines.push(
      '// Runs outside a transaction (needed by CREATE INDEX CONCURRENTLY). Make it safe to run twice:',
      '// a release killed half-way runs it again.',
      'export const config = { transaction: false }\n',
    )
  }
  const param = typed ? 'knex: Knex' : 'knex'
  const ret = typed ? ': Promise<void>' : ''
  const doc = typed ? '' : '/** @param {Knex} knex */\n'
  lines.push(`${doc}export async function up(${param})${ret} {\n}\n`)
  lines.push(`${doc}export async function down(${param})${ret} {\n}\n`)
  return lines.join('\n')
}
