// Tests the packages as users install them: `pnpm pack` every public package,
// install the tarballs into a scratch project (npm, not workspace links), then
// import every entry point from ESM and require() it from CommonJS
// (require(esm) works on Node >= 20.19), and run a tiny Express app through
// productionize().
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const scratch = mkdtempSync(join(tmpdir(), 'kit-consumer-'))
const tarballs = join(scratch, 'tarballs')
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter(({ json }) => !json.private)

const specs = {}
for (const { dir, json } of packages) {
  const out = run('pnpm', ['pack', '--pack-destination', tarballs], dir).trim().split('\n').pop()
  specs[json.name] = `file:${out}`
}

const entryPoints = []
for (const { json } of packages) {
  for (const key of Object.keys(json.exports)) {
    if (key === './package.json' || key.includes('*')) continue
    entryPoints.push(key === '.' ? json.name : `${json.name}/${key.slice(2)}`)
  }
}

writeFileSync(
  join(scratch, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { ...specs, express: '^5', fastify: '^5', '@openfeature/server-sdk': '^1' },
      overrides: specs,
    },
    null,
    2,
  ),
)
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], scratch)

// @openfeature/server-sdk: the optional peer an app installs to use @kit/flags/openfeature.
// Entry points that run side effects on import (the Sentry preload) are still safe without a DSN.
writeFileSync(
  join(scratch, 'esm.mjs'),
  `${entryPoints.map((e, i) => `import * as m${i} from '${e}'`).join('\n')}\nconsole.log('esm ok', ${entryPoints.length})\n`,
)
writeFileSync(
  join(scratch, 'cjs.cjs'),
  `${entryPoints.map((e) => `require('${e}')`).join('\n')}\nconsole.log('cjs ok', ${entryPoints.length})\n`,
)
writeFileSync(
  join(scratch, 'app.mjs'),
  `import express from 'express'
import { productionize } from '@kit/core'
const app = express()
const kit = await productionize(app, { env: {} })
app.get('/hello', (req, res) => res.json({ hello: 'world' }))
const server = await kit.listen({ port: 0, host: '127.0.0.1' })
const res = await fetch('http://127.0.0.1:' + server.address().port + '/hello')
const body = await res.json()
if (res.status !== 200 || body.hello !== 'world' || !res.headers.get('x-request-id')) throw new Error('unexpected response ' + res.status)
await kit.shutdown()
console.log('app ok')
`,
)

try {
  console.log(run(process.execPath, ['esm.mjs'], scratch).trim())
  console.log(run(process.execPath, ['cjs.cjs'], scratch).trim())
  console.log(run(process.execPath, ['app.mjs'], scratch).trim())
  console.log(run(join(scratch, 'node_modules/.bin/kit'), ['--help'], scratch).split('\n')[0])
  console.log(`consumer test passed: ${packages.length} packages, ${entryPoints.length} entry points`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
