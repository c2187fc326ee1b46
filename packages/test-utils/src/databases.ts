import { randomBytes } from 'node:crypto'
import { MARIADB_URL, POSTGRES_URL, requireService } from './services.ts'

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string
  name: string
  /** Drops the database (terminating leftover connections first). */
  drop(): Promise<void>
}

function uniqueName(label: string): string {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)
  return `kit_${safe}_${process.pid}_${randomBytes(3).toString('hex')}`
}

/** A fresh Postgres database for one test file; call drop() in afterAll. */
export async function createPostgresDatabase(label = 'test'): Promise<TestDatabase> {
  await requireService('postgres')
  const { default: pg } = await import('pg')
  const name = uniqueName(label)
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(POSTGRES_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}

/** A fresh MariaDB database for one test file; call drop() in afterAll. */
export async function createMariaDatabase(label = 'test'): Promise<TestDatabase> {
  await requireService('mariadb')
  const mysql = await import('mysql2/promise')
  const name = uniqueName(label)
  const admin = await mysql.createConnection(MARIADB_URL)
  try {
    await admin.query(`CREATE DATABASE \`${name}\``)
  } finally {
    await admin.end()
  }
  const url = new URL(MARIADB_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const conn = await mysql.createConnection(MARIADB_URL)
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``)
      } finally {
        await conn.end()
      }
    },
  }
}
