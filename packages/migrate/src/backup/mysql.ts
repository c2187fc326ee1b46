import { createReadStream, createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import type { Knex } from 'knex'
import { connectionSettings } from '../connection.ts'
import { type RawClient, rawQuery } from '../raw.ts'
import { mysqlOptionFile, serverTarget } from './credentials.ts'
import { countTables, migrationsInfo, type Query } from './manifest.ts'
import { withDatabase } from './postgres.ts'
import { findTool, runTool, toolVersion } from './tools.ts'
import type { DumpResult, ScratchRestore } from './types.ts'

/**
 * mysqldump (or mariadb-dump) with --single-transaction, gzipped. Its
 * snapshot cannot be shared, so the manifest's row counts come from our own
 * consistent snapshot taken just before (exact unless the app writes meanwhile).
 */
export async function dumpMysql(
  knex: Knex,
  file: string,
  options: { binDir: string | undefined; timeoutMs: number; tableName: string },
): Promise<DumpResult> {
  const dump = await findTool(['mariadb-dump', 'mysqldump'], options.binDir)
  const tool = await toolVersion(dump)
  const flavour = /mariadb/i.test(tool) ? 'mariadb' : 'mysql'
  const target = serverTarget(connectionSettings(knex))
  const client = knex.client as unknown as RawClient
  const connection = await client.acquireRawConnection()
  const query: Query = (sql, values = []) => rawQuery('mysql', connection, sql, values)
  let tables: Record<string, number>
  let migrations: DumpResult['migrations']
  try {
    await query('start transaction with consistent snapshot')
    tables = await countTables(query, 'mysql')
    migrations = await migrationsInfo(query, 'mysql', options.tableName, tables)
    await query('commit')
  } finally {
    await client.destroyRawConnection(connection).catch(() => {})
  }
  const optionFile = await mysqlOptionFile(target, flavour)
  const gzip = createGzip()
  const out = createWriteStream(file)
  gzip.pipe(out)
  try {
    const args = [
      `--defaults-extra-file=${optionFile.path}`,
      '--single-transaction',
      '--quick',
      '--routines',
      '--triggers',
      '--hex-blob',
      '--no-tablespaces',
      '--default-character-set=utf8mb4',
      ...(flavour === 'mysql' ? ['--set-gtid-purged=OFF'] : []),
      target.database,
    ]
    await runTool(dump, args, { stdout: gzip, timeoutMs: options.timeoutMs })
    await finished(out)
  } catch (error) {
    gzip.destroy()
    out.destroy()
    throw error
  } finally {
    await optionFile.remove()
  }
  return { database: target.database, tables, migrations, consistent: false, tool }
}

/** Creates a scratch database on the same server and feeds the dump to the mysql client. */
export async function restoreMysqlScratch(
  knex: Knex,
  file: string,
  scratch: string,
  options: { binDir: string | undefined; timeoutMs: number },
): Promise<ScratchRestore> {
  const cli = await findTool(['mariadb', 'mysql'], options.binDir)
  const flavour = /mariadb/i.test(await toolVersion(cli)) ? 'mariadb' : 'mysql'
  const settings = connectionSettings(knex)
  await knex.raw(`create database \`${scratch}\``)
  const drop = async () => {
    await knex.raw(`drop database if exists \`${scratch}\``)
  }
  const optionFile = await mysqlOptionFile(serverTarget(settings), flavour)
  try {
    const input = createReadStream(file).pipe(createGunzip())
    await runTool(cli, [`--defaults-extra-file=${optionFile.path}`, scratch], {
      stdin: input,
      timeoutMs: options.timeoutMs,
    })
  } catch (error) {
    await drop().catch(() => {})
    throw error
  } finally {
    await optionFile.remove()
  }
  return { connection: withDatabase(settings, scratch), drop }
}
