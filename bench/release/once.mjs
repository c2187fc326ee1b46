// One cold run, as a release phase runs it: a fresh Node process that
// connects, migrates (nothing pending), disconnects and exits.
//   node bench/release/once.mjs <kit|knex> <client> <url> <migrations dir>
// `kit` imports @kit/migrate's build (dist): run `pnpm build` first.
import { performance } from 'node:perf_hooks'

const started = performance.now()
const [variant, client, url, directory] = process.argv.slice(2)
const { default: knexFactory } = await import('knex')
const knex = () => knexFactory({ client, connection: url })
let applied
if (variant === 'kit') {
  const { release } = await import('@kit/migrate')
  applied = (await release({ knex, directory })).applied.length
} else {
  const db = knex()
  // knex's documented CLI path: migrate.latest with the directory; ESM .js files load through import().
  const [, log] = await db.migrate.latest({ directory, loadExtensions: ['.js'] })
  applied = log.length
  await db.destroy()
}
process.send?.({ ms: performance.now() - started, applied })
