import type { Dialect } from './dialect.ts'

/** The part of a knex client that opens connections outside its pool. */
export interface RawClient {
  acquireRawConnection(): Promise<RawConnection>
  destroyRawConnection(connection: RawConnection): Promise<void>
}

/** A pg Client or a mysql2 (callback API) connection. */
export type RawConnection = {
  query: (...args: any[]) => any
  on?: (event: string, listener: (...args: unknown[]) => void) => void
}

/** One query on a raw driver connection: pg returns a promise, mysql2's callback API does not. */
export function rawQuery(
  dialect: Dialect,
  connection: RawConnection,
  sql: string,
  values: unknown[],
): Promise<Record<string, any>[]> {
  if (dialect === 'mysql') {
    return new Promise((resolve, reject) => {
      connection.query(sql, values, (error: Error | null, rows: Record<string, any>[]) =>
        error ? reject(error) : resolve(rows),
      )
    })
  }
  // pg numbers its placeholders; callers write `?` for both dialects.
  let n = 0
  const numbered = sql.replace(/\?/g, () => `$${++n}`)
  return Promise.resolve(connection.query(numbered, values)).then(
    (result: { rows: Record<string, any>[] }) => result.rows,
  )
}
