import type { Knex } from 'knex'
import { type Dialect, dialectOf } from './dialect.ts'
import { AUDIT_TABLE, FLAGS_TABLE } from './schema.ts'

/** A row of kit_feature_flags, its state still JSON text (checked by the caller against the definitions). */
export interface StoredFlag {
  name: string
  stateText: string
  version: number
  updatedAt: Date | undefined
  updatedBy: string | undefined
}

/** A row of kit_feature_flag_audit. */
export interface AuditEntry {
  id: number
  flag: string
  action: string
  actor: string
  before: unknown
  after: unknown
  at: Date
}

export interface WriteResult {
  before: unknown
  after: unknown
  version: number
  at: Date
}

function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined
  const date = value instanceof Date ? value : new Date(value as string)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export async function readStoredFlags(knex: Knex): Promise<StoredFlag[]> {
  const rows = (await knex(FLAGS_TABLE).select('name', 'state', 'version', 'updated_at', 'updated_by')) as {
    name: string
    state: string
    version: number | string
    updated_at: unknown
    updated_by: string | null
  }[]
  return rows.map((row) => ({
    name: row.name,
    stateText: row.state,
    version: Number(row.version),
    updatedAt: toDate(row.updated_at),
    updatedBy: row.updated_by ?? undefined,
  }))
}

export async function readAudit(knex: Knex, flag: string | undefined, limit: number): Promise<AuditEntry[]> {
  const query = knex(AUDIT_TABLE)
    .select('id', 'flag', 'action', 'actor', 'before', 'after', 'created_at')
    .orderBy('id', 'desc')
    .limit(limit)
  if (flag !== undefined) query.where({ flag })
  const rows = (await query) as {
    id: number
    flag: string
    action: string
    actor: string
    before: string | null
    after: string | null
    created_at: unknown
  }[]
  return rows.map((row) => ({
    id: Number(row.id),
    flag: row.flag,
    action: row.action,
    actor: row.actor,
    before: parseJson(row.before),
    after: parseJson(row.after),
    at: toDate(row.created_at) ?? new Date(0),
  }))
}

export interface WriteRequest {
  name: string
  action: string
  actor: string
  /** The new state from the stored one (parsed JSON, or undefined); undefined deletes the row. Throwing aborts the change. */
  change(before: unknown): unknown
  /** Postgres NOTIFY in the same transaction, so it is sent only if the change commits. */
  notify?: { channel: string; payload(version: number): string }
}

/**
 * Two first changes of a flag race to insert its row (duplicate key), or,
 * on MySQL/MariaDB, their gap locks on the missing row deadlock: both are
 * safe to run again.
 */
function isRetryable(error: unknown): boolean {
  const e = error as { code?: string; errno?: number }
  return (
    e?.code === '23505' ||
    e?.code === '40P01' ||
    e?.code === 'ER_DUP_ENTRY' ||
    e?.code === 'ER_LOCK_DEADLOCK' ||
    e?.errno === 1062 ||
    e?.errno === 1213
  )
}

const ATTEMPTS = 5

/**
 * One change in one transaction: the flag row (locked while read), its audit
 * row and, on Postgres, the notification. Retried (a few times, after a
 * short random pause) when concurrent changes collide.
 */
export async function writeStoredFlag(knex: Knex, request: WriteRequest): Promise<WriteResult> {
  const dialect = dialectOf(knex)
  for (let attempt = 1; ; attempt++) {
    try {
      return await knex.transaction((trx) => writeInTransaction(trx, request, dialect))
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryable(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt))
    }
  }
}

async function writeInTransaction(
  trx: Knex.Transaction,
  request: WriteRequest,
  dialect: Dialect,
): Promise<WriteResult> {
  const row = (await trx(FLAGS_TABLE)
    .select('state', 'version')
    .where({ name: request.name })
    .forUpdate()
    .first()) as { state: string; version: number | string } | undefined
  const before = row ? parseJson(row.state) : undefined
  const after = request.change(before)
  const version = row ? Number(row.version) + 1 : 1
  const at = new Date()
  if (after === undefined) {
    if (row) await trx(FLAGS_TABLE).where({ name: request.name }).delete()
  } else if (row) {
    await trx(FLAGS_TABLE)
      .where({ name: request.name })
      .update({ state: JSON.stringify(after), version, updated_at: at, updated_by: request.actor })
  } else {
    await trx(FLAGS_TABLE).insert({
      name: request.name,
      state: JSON.stringify(after),
      version,
      updated_at: at,
      updated_by: request.actor,
    })
  }
  await trx(AUDIT_TABLE).insert({
    flag: request.name,
    action: request.action,
    actor: request.actor,
    before: before === undefined ? null : JSON.stringify(before),
    after: after === undefined ? null : JSON.stringify(after),
    created_at: at,
  })
  if (request.notify && dialect === 'postgres') {
    await trx.raw('select pg_notify(?, ?)', [request.notify.channel, request.notify.payload(version)])
  }
  return { before, after, version, at }
}
