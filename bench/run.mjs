#!/usr/bin/env node
// One entry point for the benchmarks of bench/http, bench/micro and bench/reliability:
//
//   node bench/run.mjs                 http + startup + micro (pnpm bench; ~10 min)
//   node bench/run.mjs http [flags]    throughput / p99 / CPU per request (bench/http/run.ts)
//   node bench/run.mjs startup         start-up time, RSS and modules loaded (bench/http/startup.ts)
//   node bench/run.mjs micro           tinybench: redaction, CORS matching, flags (bench/micro/run.ts)
//   node bench/run.mjs security        tinybench: @kit/security's steps vs helmet and cors (bench/security/steps.ts)
//   node bench/run.mjs redaction       known-secret matcher per KB with 0, 10, 1,000 secrets (bench/redaction/run.ts)
//   node bench/run.mjs profile <variant> [get|post]   --cpu-prof of one variant under load
//   node bench/run.mjs threads <variant>...   CPU per request by thread (/proc) and Redis commands per request
//   node bench/run.mjs reliability     every reliability run (pnpm bench:reliability)
//   node bench/run.mjs sentry [flags]  issue 20: Sentry's cost per request, tracing off (http flags)
//   node bench/run.mjs issue21 [flags] issue 21: kit vs the stack it replaces, with Redis, RSS idle and after load
//   node bench/run.mjs instructions   callgrind instructions per request of Express variants (bench/http/instructions.ts)
//
// Each runs as `node --import tsx --conditions=@kit/source <file>` from bench/, so
// @kit/* packages run from their sources (the start-up run builds and uses dist/).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const SUITES = {
  http: 'http/run.ts',
  startup: 'http/startup.ts',
  micro: 'micro/run.ts',
  security: 'security/steps.ts',
  redaction: 'redaction/run.ts',
  profile: 'http/profile.ts',
  threads: 'http/threads.ts',
  survivors: 'http/survivors.ts',
  reliability: 'reliability/run.ts',
  sentry: 'http/run.ts',
  issue21: 'http/run.ts',
  instructions: 'http/instructions.ts',
}
// Suites that are another suite with fixed flags. The comparisons against
// hand-wired stacks run kit from dist/ (run `pnpm build` first): that is what
// users install, and tsx's transform (keepNames) adds a __name() call to every
// closure kit makes per request, a cost the published packages do not have.
const PRESET_ARGS = {
  sentry: ['--suite', 'sentry', '--dist'],
  issue21: ['--suite', 'issue21', '--rounds', '5', '--dist'],
}
const [first, ...rest] = process.argv.slice(2)
const names = first === undefined ? ['http', 'startup', 'micro'] : [first]
for (const name of names) {
  const file = SUITES[name]
  if (!file) {
    console.error(`unknown suite "${name}"; one of: ${Object.keys(SUITES).join(', ')}`)
    process.exit(2)
  }
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@kit/source',
      join(here, file),
      ...(PRESET_ARGS[name] ?? []),
      ...(first === undefined ? [] : rest),
    ],
    { cwd: here, stdio: 'inherit' },
  )
  if (result.status !== 0) process.exit(result.status ?? 1)
}
