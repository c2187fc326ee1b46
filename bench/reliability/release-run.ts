/**
 * Five concurrent `kit release` runs against one throwaway Postgres
 * database, and the one that holds the lock SIGKILLed in the middle of a
 * slow migration (found through pg_stat_activity and `ss`: the backend
 * running pg_sleep, its client port, the process owning that port). Then:
 * every migration applied exactly once (history rows and the rows each
 * migration inserts), and a sixth `kit release` finds nothing to do and
 * exits 0.
 *
 *   node bench/run.mjs reliability release
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createPostgresDatabase,
  POSTGRES_URL,
  type SpawnedProcess,
  spawnTs,
  WORKSPACE_ROOT,
} from '@kit/test-utils'
import pg from 'pg'
import { deadline, sleep, verdict } from './lib.ts'

deadline('release', 240_000)
const KIT = join(WORKSPACE_ROOT, 'packages/core/src/cli/bin.ts')

const MIGRATIONS: Record<string, string> = {
  '001_events.mjs': `export async function up(knex) {
  await knex.raw('create table bench_events (id serial primary key, migration text not null)')
  await knex.raw("insert into bench_events (migration) values ('001')")
}
export async function down(knex) { await knex.raw('drop table bench_events') }
`,
  '002_slow.mjs': `export async function up(knex) {
  await knex.raw('select pg_sleep(3)')
  await knex.raw('alter table bench_events add column note text')
  await knex.raw("insert into bench_events (migration) values ('002')")
}
export async function down(knex) { await knex.raw('alter table bench_events drop column note') }
`,
  '003_more.mjs': `export async function up(knex) {
  await knex.raw('create table bench_more (id serial primary key)')
  await knex.raw("insert into bench_events (migration) values ('003')")
}
export async function down(knex) { await knex.raw('drop table bench_more') }
`,
}

function release(cwd: string, url: string): SpawnedProcess {
  return spawnTs(KIT, ['release', '--json', '--cwd', cwd], {
    env: { NODE_ENV: 'production', DATABASE_URL: url },
  })
}

/** The pid of the process that owns the TCP connection whose local port is `port`. */
function pidOwningPort(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${port} )`], {
      encoding: 'utf8',
    })
    const m = /pid=(\d+)/.exec(out)
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

const help = spawnTs(KIT, ['--help'])
await help.exited
if (!/\brelease\b/.test(help.stdout() + help.stderr())) {
  verdict('release', false, 'not run: the kit CLI has no `release` command yet')
  process.exit(0)
}

const db = await createPostgresDatabase('bench-release')
const dir = mkdtempSync(join(tmpdir(), 'kit-release-'))
mkdirSync(join(dir, 'migrations'))
for (const [name, text] of Object.entries(MIGRATIONS)) writeFileSync(join(dir, 'migrations', name), text)
const admin = new pg.Client({ connectionString: POSTGRES_URL })
await admin.connect()
try {
  const runs = Array.from({ length: 5 }, () => release(dir, db.url))
  // Find the lock holder while it sleeps inside 002, and kill it.
  let killed: SpawnedProcess | undefined
  const searchStart = Date.now()
  while (!killed && Date.now() - searchStart < 90_000) {
    const { rows } = await admin.query(
      "select client_port from pg_stat_activity where datname = $1 and query ilike '%pg_sleep%' and state = 'active'",
      [db.name],
    )
    const pid = rows[0] ? pidOwningPort(rows[0].client_port) : undefined
    killed = runs.find((r) => r.child.pid === pid)
    if (killed) killed.child.kill('SIGKILL')
    else await sleep(50)
  }
  const exits = await Promise.all(runs.map((r) => r.exited))
  const jsonOf = (r: SpawnedProcess) => {
    try {
      return JSON.parse(r.stdout()) as { ok?: boolean; applied?: string[] }
    } catch {
      return undefined
    }
  }
  const survivors = runs.filter((r) => r !== killed)
  const appliedBy = survivors.map((r) => jsonOf(r)?.applied ?? [])
  // knex_migrations lives in the app database: read it through a client of that database.
  const app = new pg.Client({ connectionString: db.url })
  await app.connect()
  const names = (await app.query('select name from knex_migrations order by id')).rows.map(
    (r) => r.name as string,
  )
  const events = (
    await app.query('select migration, count(*)::int as n from bench_events group by migration order by 1')
  ).rows as { migration: string; n: number }[]
  await app.end()
  const sixth = release(dir, db.url)
  const sixthExit = await sixth.exited
  const sixthJson = jsonOf(sixth)

  const exactlyOnce =
    names.length === 3 && new Set(names).size === 3 && events.length === 3 && events.every((e) => e.n === 1)
  const survivorsOk = survivors.every((r) => exits[runs.indexOf(r)]!.code === 0 && jsonOf(r)?.ok === true)
  const sixthClean = sixthExit.code === 0 && (sixthJson?.applied?.length ?? -1) === 0
  const pass = Boolean(killed) && exactlyOnce && survivorsOk && sixthClean
  if (!pass) {
    for (const r of runs)
      process.stderr.write(`--- pid ${r.child.pid}\n${r.stdout().slice(-1500)}\n${r.stderr().slice(-1500)}\n`)
  }
  verdict(
    'release',
    pass,
    `5 concurrent kit release, ${killed ? `lock holder (pid ${killed.child.pid}) SIGKILLed during the 3 s migration` : 'NO lock holder found to kill'}; exits ${exits.map((e) => e.code ?? e.signal).join(',')}; applied by the survivors: ${appliedBy.map((a) => `[${a.join(' ')}]`).join(' ')}; history ${names.length} rows (${new Set(names).size} distinct), rows written per migration ${events.map((e) => `${e.migration}×${e.n}`).join(' ')}; 6th release exit ${sixthExit.code}, applied ${sixthJson?.applied?.length ?? '?'}`,
  )
} finally {
  await admin.end()
  await db.drop()
  rmSync(dir, { recursive: true, force: true })
}
process.exit(0)
