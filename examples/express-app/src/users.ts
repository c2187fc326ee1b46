import { scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import type { Knex } from 'knex'

const scryptAsync = promisify(scrypt) as (password: string, salt: string, length: number) => Promise<Buffer>

export interface User {
  id: number
  email: string
}

/** Control characters (NUL above all: Postgres refuses it in text, and the query would fail with a 500). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 32 || code === 127) return true
  }
  return false
}

/**
 * The login form's fields, or undefined when they are missing, not strings,
 * too long, or hold control characters: hostile input gets a 400 here and
 * never reaches the database.
 */
export function readLoginForm(body: unknown): { email: string; password: string } | undefined {
  const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as {
    email?: unknown
    password?: unknown
  }
  if (typeof email !== 'string' || email.length < 3 || email.length > 254 || !email.includes('@'))
    return undefined
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) return undefined
  if (hasControlCharacter(email) || password.includes('\u0000')) return undefined
  return { email, password }
}

/** The user whose password matches, or undefined; the same work is done for unknown emails (no timing oracle). */
export async function verifyLogin(db: Knex, email: string, password: string): Promise<User | undefined> {
  const row = await db('users').where({ email: email.toLowerCase() }).first('id', 'email', 'password_hash')
  const [salt, expected] = String(row?.password_hash ?? '0:00').split(':') as [string, string]
  const actual = await scryptAsync(password, salt, 32)
  const expectedBytes = Buffer.from(expected.padEnd(64, '0').slice(0, 64), 'hex')
  return row && timingSafeEqual(actual, expectedBytes) ? { id: row.id, email: row.email } : undefined
}
