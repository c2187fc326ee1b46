/**
 * Start-up: time from process start to the first successful GET /hello, the
 * RSS and CPU time at that moment, for bare, README-style hand-wired and
 * productionize() apps on both frameworks. The apps are plain JavaScript
 * (startup/app.mjs) running the built packages (dist/), as in production:
 * no TypeScript loader. Variants interleaved over --rounds rounds. Then, in
 * an untimed pass, which modules each app loaded, to prove that with no
 * optional service configured nothing heavy is imported.
 *
 * A --cpu-prof of each app's start-up (one more untimed pass) gives the
 * self time by package.
 *
 *   node bench/run.mjs startup [--rounds 10] [--no-profile] [--no-write]
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '@kit/test-utils'
import { analyse } from './cpu-profile.ts'
import { BENCH_DIR, ensureBuilt, median } from './harness.ts'
import { loadAverage, machineLine, saveJson, table, writeSection } from './report.ts'
import { kitEnv, SCENARIOS } from './shared.ts'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: true },
    'no-write': { type: 'boolean', default: false },
  },
})
const ROUNDS = Number(args.rounds)
const APP = fileURLToPath(new URL('./startup/app.mjs', import.meta.url))
const RECORDER = fileURLToPath(new URL('./startup/record-modules.mjs', import.meta.url))
const VARIANTS = [
  'express bare',
  'express README-style',
  'express kit',
  'fastify bare',
  'fastify README-style',
  'fastify kit',
] as const
type Variant = (typeof VARIANTS)[number]
/** Modules that must not load unless their service is configured (DESIGN §4, GOTCHAS: Sentry costs ~430 ms). */
const HEAVY = [
  '@sentry',
  'knex',
  'pg',
  'mysql2',
  '@electric-sql/pglite',
  'nodemailer',
  'ioredis',
  'prom-client',
  '@opentelemetry',
] as const

// The same request as the HTTP run: through the trusted loopback proxy, so kit does not redirect to https.
const HELLO_REQUEST: RequestInit = { headers: SCENARIOS['GET /hello'].headers, redirect: 'manual' }

interface Start {
  ms: number
  rss: number
  cpuMs: number
}

function spawnApp(
  variant: Variant,
  port: number,
  extra: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
) {
  return fork(APP, [variant], {
    cwd: BENCH_DIR,
    execArgv: extra.execArgv ?? [],
    env: { ...process.env, ...kitEnv(), PORT: String(port), ...extra.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T))
    child.send(message)
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

/** Spawns the app, waits for it to listen, sends GET /hello; resolves at the first 200. */
async function startOnce(variant: Variant): Promise<Start> {
  const port = await freePort()
  const started = performance.now()
  const child = spawnApp(variant, port)
  try {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve())
      child.once('exit', (code) => reject(new Error(`${variant} exited with ${code} before listening`)))
    })
    const res = await fetch(`http://127.0.0.1:${port}/hello`, HELLO_REQUEST)
    await res.text()
    const ms = performance.now() - started
    clearTimeout(timer)
    if (res.status !== 200) throw new Error(`${variant}: first request answered ${res.status}`)
    const stats = await ask<{ rss: number; cpuMs: number }>(child, 'stats')
    return { ms, ...stats }
  } finally {
    await stop(child)
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** Package name of a loaded file (node_modules path or a workspace package's dist/). */
function packageOf(file: string): string | undefined {
  const path = file.replace(/^file:\/\//, '')
  if (path.startsWith('node:')) return undefined
  const inModules = path.lastIndexOf('/node_modules/')
  if (inModules !== -1) {
    const parts = path.slice(inModules + '/node_modules/'.length).split('/')
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  const kit = /\/packages\/([^/]+)\//.exec(path)
  return kit ? `@kit/${kit[1]}` : undefined
}

async function modulesOf(variant: Variant) {
  const dir = mkdtempSync(join(tmpdir(), 'kit-startup-'))
  const port = await freePort()
  const child = spawnApp(variant, port, {
    execArgv: ['--import', RECORDER],
    env: { KIT_LOAD_LOG: join(dir, 'loads.txt') },
  })
  try {
    await new Promise<void>((resolve) => child.once('message', () => resolve()))
    await (await fetch(`http://127.0.0.1:${port}/hello`, HELLO_REQUEST)).text()
    const { cjs, esm } = await ask<{ cjs: string[]; esm: string[] }>(child, 'modules')
    const files = new Set(
      [...cjs, ...esm.filter((u) => u.startsWith('file:'))].map((f) => f.replace(/^file:\/\//, '')),
    )
    const packages = new Map<string, number>()
    const bytes = new Map<string, number>()
    for (const file of files) {
      const pkg = packageOf(file)
      if (!pkg) continue
      packages.set(pkg, (packages.get(pkg) ?? 0) + 1)
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + sizeOf(file))
    }
    const heavy = HEAVY.map((name) => {
      const count = [...packages]
        .filter(([p]) => p === name || p.startsWith(`${name}/`))
        .reduce((n, [, c]) => n + c, 0)
      return [name, count] as const
    })
    return { files: files.size, packages, bytes, heavy }
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** --cpu-prof from process start to the first 200 (the app exits cleanly so the profile is written). */
async function startupProfile(variant: Variant): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-startup-prof-'))
  const port = await freePort()
  const child = spawnApp(variant, port, { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] })
  try {
    await new Promise<void>((resolve) => child.once('message', () => resolve()))
    await (await fetch(`http://127.0.0.1:${port}/hello`, HELLO_REQUEST)).text()
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.send('exit')
    })
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!)
    const { functions } = analyse(file, 7)
    return functions
      .filter((f) => f.what.trim() !== '(idle)')
      .map((f) => `${f.what.trim()} ${f.percent.toFixed(0)} %`)
      .join(', ')
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
}

ensureBuilt([
  'internal',
  'env',
  'logger',
  'security',
  'rate-limit',
  'health',
  'sentry',
  'mailer',
  'migrate',
  'core',
])
const loadAtStart = loadAverage()
const samples = new Map<Variant, Start[]>(VARIANTS.map((v) => [v, []]))
for (const variant of VARIANTS) await startOnce(variant) // warm the disk cache
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of VARIANTS) samples.get(variant)!.push(await startOnce(variant))
  process.stderr.write(`start-up round ${round + 1}/${ROUNDS}\n`)
}
const modules = new Map<Variant, Awaited<ReturnType<typeof modulesOf>>>()
for (const variant of VARIANTS) modules.set(variant, await modulesOf(variant))
const profiles = new Map<Variant, string>()
if (args.profile) for (const variant of VARIANTS) profiles.set(variant, await startupProfile(variant))

/** Median over rounds of a's value ÷ b's value in the same round. */
const ratio = (a: Variant, b: Variant, key: keyof Start) =>
  median(samples.get(a)!.map((s, i) => s[key] / samples.get(b)![i]![key]))

const rows = VARIANTS.map((v) => {
  const s = samples.get(v)!
  const framework = v.split(' ')[0]!
  const hand = `${framework} README-style` as Variant
  const m = modules.get(v)!
  return [
    v,
    median(s.map((x) => x.ms)).toFixed(0),
    Math.min(...s.map((x) => x.ms)).toFixed(0),
    median(s.map((x) => x.cpuMs)).toFixed(0),
    (median(s.map((x) => x.rss)) / 2 ** 20).toFixed(1),
    v === hand ? '' : `${ratio(v, hand, 'ms').toFixed(2)}×`,
    v === hand ? '' : `${ratio(v, hand, 'cpuMs').toFixed(2)}×`,
    String(m.files),
    m.heavy
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ') || 'none',
  ]
})
const targetRows = (['express', 'fastify'] as const).map((f) => {
  const r = ratio(`${f} kit`, `${f} README-style`, 'ms')
  const heavy = modules.get(`${f} kit`)!.heavy.filter(([, n]) => n > 0)
  return [
    f,
    `${r.toFixed(2)}×`,
    r <= 1.2 ? 'met' : '**missed**',
    heavy.length ? `**${heavy.map(([n, c]) => `${n} (${c})`).join(', ')}**` : 'none',
  ]
})
const kitPackages = (v: Variant) => {
  const m = modules.get(v)!
  return [...m.bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([p, b]) => `${p} ${Math.round(b / 1024)} KB/${m.packages.get(p)} files`)
    .join(', ')
}
const totalKb = (v: Variant) =>
  Math.round([...modules.get(v)!.bytes.values()].reduce((a, b) => a + b, 0) / 1024)

/** Files of the framework the app does not use (kit's adapters for it). */
const otherFramework = (v: Variant, framework: 'express' | 'fastify') =>
  [...modules.get(v)!.packages]
    .filter(([p]) =>
      framework === 'fastify'
        ? ['fastify', 'avvio', 'find-my-way', 'fastify-plugin', 'light-my-request'].includes(p)
        : ['express', 'router', 'body-parser', 'finalhandler', 'serve-static', 'send'].includes(p),
    )
    .reduce((n, [, c]) => n + c, 0)

const markdown = [
  `Run ${new Date().toISOString()} with \`node bench/run.mjs startup${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`: ${ROUNDS} rounds, variants interleaved, each a fresh \`node startup/app.mjs <variant>\` (plain JS, @kit/* from dist/, no loader), timed from spawn to the first 200 of GET /hello; RSS and CPU read in the app right after. No optional service configured (no DATABASE_URL, REDIS_URL, SENTRY_DSN, MAIL_PROVIDER). Load average at start ${loadAtStart}, at end ${loadAverage()}.`,
  '',
  machineLine(),
  '',
  table(
    [
      'app',
      'start → first 200, ms (median)',
      'min ms',
      'CPU ms',
      'RSS MB',
      'time vs README-style',
      'CPU vs README-style',
      'files loaded',
      `heavy modules loaded (files; watched: ${HEAVY.join(', ')})`,
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows,
  ),
  '',
  'Target: productionize() start-up within 1.2× the README-style hand-wired app (median of per-round ratios):',
  '',
  table(
    ['framework', 'kit ÷ README-style', 'verdict', 'heavy modules in the kit app'],
    ['l', 'r', 'l', 'l'],
    targetRows,
  ),
  '',
  ...(profiles.size
    ? [
        'Where start-up time goes: one --cpu-prof from process start to the first 200, top self-time functions (% of the profile; module loading is compileSourceTextModule / wrapSafe / readFileUtf8 / internalModuleStat):',
        '',
        table(
          ['app', 'top self time'],
          ['l', 'l'],
          [...profiles].map(([v, text]) => [v, text]),
        ),
        '',
      ]
    : []),
  `JavaScript loaded: ${VARIANTS.map((v) => `${v} ${totalKb(v)} KB`).join(', ')}.`,
  '',
  `Packages loaded by the Express kit app, top 20 by source size: ${kitPackages('express kit')}; Fastify files in it: ${otherFramework('express kit', 'fastify')}.`,
  '',
  `Packages loaded by the Fastify kit app, top 20 by source size: ${kitPackages('fastify kit')}; Express files in it: ${otherFramework('fastify kit', 'express')}.`,
].join('\n')
console.log(markdown)
saveJson('startup', {
  samples: Object.fromEntries(samples),
  modules: Object.fromEntries(
    [...modules].map(([v, m]) => [v, { ...m, packages: Object.fromEntries(m.packages) }]),
  ),
})
if (!args['no-write']) writeSection('startup', markdown)
