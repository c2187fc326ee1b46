import { scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { Knex } from 'knex'

const scryptAsync = promisify(scrypt) as (password: string, salt: string, length: number) => Promise<Buffer>

export interface User {
  id: number
  email: string
}

/** The user whose password matches, or undefined; the same work is done for unknown emails (no timing oracle). */
export async function verifyLogin(db: Knex, email: string, password: string): Promise<User | undefined> {
  const row = await db('users').where({ email: email.toLowerCase() }).first('id', 'email', 'password_hash')
  const [salt, expected] = String(row?.password_hash ?? '0:00').split(':') as [string, string]
  const actual = await scryptAsync(password, salt, 32)
  const expectedBytes = Buffer.from(expected.padEnd(64, '0').slice(0, 64), 'hex')
  return row && timingSafeEqual(actual, expectedBytes) ? { id: row.id, email: row.email } : undefined
}
