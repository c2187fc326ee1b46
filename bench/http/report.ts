/**
 * Where results go: a generated section of bench/RESULTS.md (between
 * `<!-- bench:<id>:start -->` and `<!-- bench:<id>:end -->`, so the prose
 * around it survives re-runs) and the raw samples in bench/results/<id>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { BENCH_DIR } from './harness.ts'

const RESULTS_MD = join(BENCH_DIR, 'RESULTS.md')

const VERSIONED = [
  'express',
  'fastify',
  'helmet',
  '@fastify/helmet',
  'cors',
  '@fastify/cors',
  'express-rate-limit',
  '@fastify/rate-limit',
  'pino',
  'pino-http',
  'ioredis',
  'autocannon',
  'tinybench',
  'fast-check',
] as const

export function versionOf(pkg: string): string {
  try {
    const json = JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8'))
    return String(json.version)
  } catch {
    return '?'
  }
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')
}

/** One paragraph: machine, Node, library versions. */
export function machineLine(): string {
  const cpu = cpus()
  return [
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}; Node ${process.version}.`,
    `Versions: ${VERSIONED.map((p) => `${p} ${versionOf(p)}`).join(', ')}.`,
  ].join('\n')
}

export function table(
  head: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly string[][],
): string {
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ]
  return lines.join('\n')
}

/** Replaces (or appends) the generated section `id` of bench/RESULTS.md. */
export function writeSection(id: string, markdown: string): void {
  const start = `<!-- bench:${id}:start -->`
  const end = `<!-- bench:${id}:end -->`
  let text = ''
  try {
    text = readFileSync(RESULTS_MD, 'utf8')
  } catch {
    text = '# Benchmark results\n'
  }
  const block = `${start}\n${markdown.trim()}\n${end}`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  text =
    from !== -1 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(RESULTS_MD, text)
}

export function saveJson(id: string, data: unknown): string {
  const dir = join(BENCH_DIR, 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${id}.json`)
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`)
  return file
}
