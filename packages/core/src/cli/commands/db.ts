import { basename, resolve } from 'node:path'
import type { BackupOptions } from '@kit/migrate'
import { type Command, defineCommand, UsageError } from '../command.ts'
import { formatTable } from '../output.ts'
import { embeddedNotice, migrateSetup } from './migrate.ts'

/**
 * `kit db backup` and `kit db verify <backup>`: a pg_dump / mysqldump /
 * PGlite dump with a manifest and a retention count, and the tested restore
 * into a scratch database that a launch checklist asks for.
 */

function backupSettings(settings: { backup?: boolean | BackupOptions }): BackupOptions {
  return typeof settings.backup === 'object' && settings.backup !== null ? settings.backup : {}
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`
}

const backupCommand = defineCommand({
  name: 'db backup',
  summary: 'Back up the database (pg_dump custom format, mysqldump, PGlite dump) with a manifest',
  description: [
    'Writes .kit/backups/kit-<database>-<UTC time>.<dump|sql.gz|tar.gz> and <file>.json (row counts,',
    'migrations, checksum), then deletes the oldest beyond --keep. Needs pg_dump or mysqldump on PATH',
    '(Debian: apt-get install postgresql-client / mariadb-client). --list shows the backups kept.',
    'On Heroku the dyno disk is discarded: use `heroku pg:backups:capture` there, or copy the file off.',
  ].join('\n'),
  options: {
    keep: { type: 'string', valueName: 'n', description: 'Backups to keep (default 7)' },
    dir: { type: 'string', valueName: 'path', description: 'Backup folder (default .kit/backups)' },
    list: { type: 'boolean', description: 'List existing backups instead of taking one' },
  },
  json: true,
  examples: ['kit db backup', 'kit db backup --keep 3', 'kit db backup --list'],
  async run(ctx) {
    const keepText = ctx.values.keep
    if (keepText !== undefined && !/^[1-9]\d*$/.test(keepText)) {
      throw new UsageError(`--keep must be a whole number of 1 or more, got "${keepText}".`)
    }
    const setup = await migrateSetup(ctx)
    const options: BackupOptions = { ...backupSettings(setup.settings) }
    if (keepText) options.keep = Number(keepText)
    if (ctx.values.dir) options.directory = ctx.values.dir
    const { backup, listBackups } = await import('@kit/migrate')
    if (ctx.values.list) {
      const files = await listBackups(resolve(setup.appRoot, options.directory ?? '.kit/backups'))
      if (ctx.json) ctx.out.json({ ok: true, backups: files })
      else if (files.length === 0) ctx.out.line('No backups yet. Take one with `kit db backup`.')
      else ctx.out.line(files.join('\n'))
      return 0
    }
    embeddedNotice(ctx, setup)
    const result = await backup({ ...setup.base, ...options })
    if (ctx.json) {
      ctx.out.json({ ok: true, file: result.file, manifest: result.manifest, deleted: result.deleted })
      return 0
    }
    const m = result.manifest
    const rows = Object.values(m.tables).reduce((sum, n) => sum + n, 0)
    ctx.out.line(`Backup written: ${result.file} (${formatBytes(m.bytes)}, ${result.durationMs} ms)`)
    ctx.out.line(
      `  ${Object.keys(m.tables).length} tables, ${rows} rows, ${m.migrations.count} migrations (last ${m.migrations.last ?? 'none'})`,
    )
    if (result.deleted.length)
      ctx.out.line(
        `  removed ${result.deleted.length} older: ${result.deleted.map((f) => basename(f)).join(', ')}`,
      )
    ctx.out.line(`Prove it restores: kit db verify ${result.file}`)
    return 0
  },
})

const verifyCommand = defineCommand({
  name: 'db verify',
  summary: 'Restore a backup into a scratch database, check it against its manifest, then drop it',
  description: [
    'Checks the checksum, restores (pg_restore / mysql) into kit_verify_<random> on the DATABASE_URL',
    'server (the user needs CREATE DATABASE; PGlite backups restore in memory), compares the',
    'migrations table and every row count with the manifest, reports how long the restore took,',
    'and drops the scratch database. Heroku Postgres does not allow CREATE DATABASE: verify there',
    'with DATABASE_URL pointing at another server, e.g. DATABASE_URL=postgres://localhost/postgres.',
  ].join('\n'),
  positionals: [{ name: 'backup', description: 'A file written by kit db backup' }],
  json: true,
  examples: ['kit db verify .kit/backups/kit-app-20261122T030000000Z.dump'],
  async run(ctx) {
    if (ctx.positionals.length !== 1)
      throw new UsageError('Expected one backup file: kit db verify <backup>.')
    const setup = await migrateSetup(ctx)
    const { verifyBackup } = await import('@kit/migrate')
    const file = resolve(ctx.cwd, ctx.positionals[0]!)
    const options = backupSettings(setup.settings)
    const result = await verifyBackup(file, {
      // A PGlite backup restores in memory: the app's database is never opened for it.
      ...(/\.(?:tar\.gz|tgz)$/.test(file) ? {} : { knex: setup.base.knex }),
      ...(options.binDir ? { binDir: options.binDir } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    })
    if (ctx.json) {
      ctx.out.json({ ok: true, ...result })
      return 0
    }
    const c = ctx.out.color
    ctx.out.line(`${c.green('✓')} ${file} restores: ${result.restoreMs} ms (total ${result.totalMs} ms)`)
    ctx.out.line(`  migrations: ${result.migrations.actual} (last ${result.migrations.last ?? 'none'})`)
    ctx.out.line(
      formatTable(
        result.tables.map((t) => [
          `  ${t.name}`,
          `${t.actual ?? 'missing'} rows`,
          t.expected === t.actual ? c.green('matches') : c.yellow(`manifest ${t.expected ?? 'absent'}`),
        ]),
      ).join('\n'),
    )
    if (result.scratch) ctx.out.line(c.dim(`  scratch database ${result.scratch} dropped`))
    for (const warning of result.warnings) ctx.out.line(`${c.yellow('warning')}: ${warning}`)
    return 0
  },
})

/** `kit db` subcommands, registered with one line in commands/index.ts. */
export const dbCommands: readonly Command<any>[] = [backupCommand, verifyCommand]
