/**
 * `kit release` with nothing pending against bare `knex migrate:latest`, in
 * the same run, on the same database (issue 9: target within 300 ms).
 *
 *  cold: each run is a fresh Node process (what a Procfile `release:` line
 *        costs): import, connect, migrate, disconnect; variants interleaved.
 *  warm: in one process with a connected knex, release() vs migrate.latest()
 *        (tinybench), isolating what kit adds per call.
 *
 * Run: pnpm build && node --import tsx --conditions=@kit/source bench/release/run.ts
 */
import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { release } from '@kit/migrate'
import { createMariaDatabase, createPostgresDatabase, type TestDatabase } from '@kit/test-utils'
import knexFactory from 'knex'
import { Bench } from 'tinybench'

const ROUNDS = Number(process.env.ROUNDS ?? 15)
const MIGRATIONS = Number(process.env.MIGRATIONS ?? 30)
const once = fileURLToPath(new URL('./once.mjs', import.meta.url))

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'kit-bench-release-'))
  writeFileSync(join(cwd, 'package.json'), '{ "type": "module" }\n')
  mkdirSync(join(cwd, 'migrations'))
  for (let i = 1; i <= MIGRATIONS; i++) {
    const name = `${String(i).padStart(3, '0')}_table_${i}.js`
    writeFileSync(
      join(cwd, 'migrations', name),
      `export async function up(knex) { await knex.schema.createTable('t${i}', (t) => { t.increments(); t.string('v') }) }\nexport async function down(knex) { await knex.schema.dropTable('t${i}') }\n`,
    )
  }
  return cwd
}

/** Wall time of the whole process (fork to exit); the child also reports its own time, import included. */
function coldRun(variant: 'kit' | 'knex', client: string, url: string, directory: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = fork(once, [variant, client, url, directory], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let reported: { ms: number; applied: number } | undefined
    child.once('message', (m) => {
      reported = m as { ms: number; applied: number }
    })
    child.once('exit', (code) => {
      if (code !== 0 || !reported) return reject(new Error(`${variant} exited with ${code}`))
      if (reported.applied !== 0)
        return reject(new Error(`${variant} applied ${reported.applied}: not a no-op run`))
      resolve(performance.now() - started)
    })
  })
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!
const median = (xs: number[]) => quantile(xs, 0.5)
const fmt = (ms: number) => `${ms.toFixed(1)} ms`
const spread = (xs: number[]) => `${fmt(quantile(xs, 0.25))} – ${fmt(quantile(xs, 0.75))}`

async function measure(label: string, client: 'pg' | 'mysql2', db: TestDatabase) {
  const cwd = project()
  const directory = join(cwd, 'migrations')
  try {
    // Apply everything once, so every run below has nothing pending.
    await release({ knex: () => knexFactory({ client, connection: db.url }), directory })

    const cold = { kit: [] as number[], knex: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['kit', 'knex'] as const) : (['knex', 'kit'] as const)
      for (const variant of order) cold[variant].push(await coldRun(variant, client, db.url, directory))
    }

    const shared = knexFactory({ client, connection: db.url })
    const bench = new Bench({ time: 2000, warmupTime: 300 })
    bench
      .add('knex migrate.latest()', async () => {
        await shared.migrate.latest({ directory, loadExtensions: ['.js'] })
      })
      .add('kit release()', async () => {
        await release({ knex: shared, directory })
      })
    await bench.run()
    await shared.destroy()
    const warm = Object.fromEntries(bench.tasks.map((t) => [t.name, t.result!.latency.p50!]))
    const warmKnex = warm['knex migrate.latest()']!
    const warmKit = warm['kit release()']!

    const coldKit = median(cold.kit)
    const coldKnex = median(cold.knex)
    console.log(`\n${label} — ${MIGRATIONS} migrations applied, nothing pending, ${ROUNDS} cold rounds`)
    console.table({
      'cold process (p25 – p75)': {
        'knex migrate:latest': spread(cold.knex),
        'kit release': spread(cold.kit),
        'kit − knex': '',
        ratio: '',
      },
      'cold process (median)': {
        'knex migrate:latest': fmt(coldKnex),
        'kit release': fmt(coldKit),
        'kit − knex': fmt(coldKit - coldKnex),
        ratio: (coldKit / coldKnex).toFixed(2),
      },
      'warm call (p50)': {
        'knex migrate:latest': fmt(warmKnex),
        'kit release': fmt(warmKit),
        'kit − knex': fmt(warmKit - warmKnex),
        ratio: (warmKit / warmKnex).toFixed(2),
      },
    })
    const within = coldKit - coldKnex <= 300 && warmKit - warmKnex <= 300
    console.log(`${within ? 'within' : 'OVER'} the 300 ms target (load average ${loadavg()[0]!.toFixed(1)})`)
  } finally {
    rmSync(cwd, { recursive: true, force: true })
  }
}

const pg = await createPostgresDatabase('bench_release')
const maria = await createMariaDatabase('bench_release')
try {
  await measure('PostgreSQL', 'pg', pg)
  await measure('MariaDB', 'mysql2', maria)
} finally {
  await pg.drop()
  await maria.drop()
}
