import type { Knex } from 'knex'
import { connectionSettings } from '../connection.ts'
import { type RawClient, rawQuery } from '../raw.ts'
import { postgresEnv, serverTarget } from './credentials.ts'
import { countTables, migrationsInfo, type Query } from './manifest.ts'
import { findTool, runTool, toolVersion } from './tools.ts'
import type { DumpResult, ScratchRestore } from './types.ts'

/**
 * pg_dump in custom format, from a snapshot exported by our own
 * REPEATABLE READ transaction: the row counts in the manifest are taken in
 * that same snapshot, so they match the dump exactly even while the app writes.
 */
export async function dumpPostgres(
  knex: Knex,
  file: string,
  options: { binDir: string | undefined; timeoutMs: number; tableName: string },
): Promise<DumpResult> {
  const pgDump = await findTool(['pg_dump'], options.binDir)
  const target = serverTarget(connectionSettings(knex))
  const client = knex.client as unknown as RawClient
  const connection = await client.acquireRawConnection()
  const query: Query = (sql, values = []) => rawQuery('postgres', connection, sql, values)
  try {
    await query('begin isolation level repeatable read read only')
    const snapshot = String((await query('select pg_export_snapshot() as s'))[0]?.s)
    const tables = await countTables(query, 'postgres')
    const migrations = await migrationsInfo(query, 'postgres', options.tableName, tables)
    await runTool(pgDump, ['--format=custom', `--file=${file}`, `--snapshot=${snapshot}`, '--no-password'], {
      env: postgresEnv(target),
      timeoutMs: options.timeoutMs,
    })
    await query('commit')
    return {
      database: target.database,
      tables,
      migrations,
      consistent: true,
      tool: await toolVersion(pgDump),
    }
  } finally {
    await client.destroyRawConnection(connection).catch(() => {})
  }
}

/** Creates a scratch database on the same server and pg_restores the dump into it. */
export async function restorePostgresScratch(
  knex: Knex,
  file: string,
  scratch: string,
  options: { binDir: string | undefined; timeoutMs: number },
): Promise<ScratchRestore> {
  const pgRestore = await findTool(['pg_restore'], options.binDir)
  const target = serverTarget(connectionSettings(knex))
  await knex.raw(`create database "${scratch}"`)
  const drop = async () => {
    await knex.raw(`drop database if exists "${scratch}" with (force)`).catch(async () => {
      // Postgres < 13 has no WITH (FORCE).
      await knex.raw(`drop database if exists "${scratch}"`)
    })
  }
  try {
    await runTool(
      pgRestore,
      ['--no-owner', '--no-privileges', '--exit-on-error', '--no-password', `--dbname=${scratch}`, file],
      {
        env: postgresEnv(target, scratch),
        timeoutMs: options.timeoutMs,
      },
    )
  } catch (error) {
    await drop().catch(() => {})
    throw error
  }
  return { connection: withDatabase(connectionSettings(knex), scratch), drop }
}

/** The same server settings, pointed at another database. */
export function withDatabase(
  settings: Record<string, unknown> | string,
  database: string,
): Record<string, unknown> | string {
  if (typeof settings === 'string') return pointUrl(settings, database)
  const connectionString = settings.connectionString
  if (typeof connectionString === 'string') {
    return { ...settings, connectionString: pointUrl(connectionString, database), database }
  }
  return { ...settings, database }
}

function pointUrl(text: string, database: string): string {
  const url = new URL(text)
  url.pathname = `/${encodeURIComponent(database)}`
  return url.toString()
}
