/** Reads a .cpuprofile: self time per function and per package. */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
export interface Hotspot {
  what: string
  percent: number
  /** Self time per request, µs (when the request count is known). */
  perRequest: number | undefined
}

/**
 * Self time per function and per package: % of the profiled time (idle and
 * GC included), and µs per request when `requests` is given. Each sample is
 * weighted by its time delta, so a descheduled process does not skew shares.
 */
export function analyse(
  file: string,
  top: number,
  requests?: number,
): { functions: Hotspot[]; packages: Hotspot[]; groups: Hotspot[]; busyPerRequest: number | undefined } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[]
    samples: number[]
    timeDeltas: number[]
  }
  const time = new Map<number, number>()
  profile.samples.forEach((id, i) => {
    time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const total = [...time.values()].reduce((a, b) => a + b, 0)
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  const byGroup = new Map<string, number>()
  for (const node of profile.nodes) {
    const t = time.get(node.id) ?? 0
    if (!t) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = shortUrl(url)
    const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + t)
    const pkg = packageOf(url, functionName)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + t)
    const group = groupOf(pkg)
    if (group !== undefined) byGroup.set(group, (byGroup.get(group) ?? 0) + t)
  }
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, t]) => ({
        what,
        percent: (100 * t) / total,
        perRequest: requests ? t / requests : undefined,
      }))
  const idle = byPackage.get('(idle)') ?? 0
  const busy = total - idle
  return {
    functions: sorted(byFunction),
    packages: sorted(byPackage),
    // Shares of the busy (not idle) time, so they add up to 100 %.
    groups: [...byGroup]
      .sort((a, b) => b[1] - a[1])
      .map(([what, t]) => ({
        what,
        percent: (100 * t) / busy,
        perRequest: requests ? t / requests : undefined,
      })),
    busyPerRequest: requests ? (total - idle) / requests : undefined,
  }
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/packages\//, '@kit/')
    .replace(/^.*\/bench\//, 'bench/')
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node internals'
  const short = shortUrl(url)
  if (short.startsWith('@kit/')) return `@kit/${short.split('/')[1]}`
  if (short.startsWith('bench/')) return 'bench'
  const parts = short.split('/')
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
}

/**
 * Whose code the time is (issue 21's closing note): Node itself (its JS
 * internals, native code, GC), Express and the modules it calls per
 * request, kit's packages, pino, the hand-wired libraries, the bench's own
 * route. ipaddr.js is counted with Express (proxy-addr) though kit's
 * address normalising calls it too.
 */
const GROUPS: Record<string, readonly string[]> = {
  node: ['node internals', '(native)', '(garbage collector)', '(program)'],
  'express + router': [
    'express',
    'router',
    'parseurl',
    'etag',
    'debug',
    'ms',
    'send',
    'mime-types',
    'mime-db',
    'forwarded',
    'proxy-addr',
    'ipaddr.js',
    'fresh',
    'content-type',
    'on-finished',
    'finalhandler',
    'qs',
    'type-is',
    'media-typer',
    'encodeurl',
    'escape-html',
    'statuses',
    'depd',
    'range-parser',
    'accepts',
    'negotiator',
    'vary',
    'cookie',
    'content-disposition',
    'setprototypeof',
    'safe-buffer',
    'path-to-regexp',
    'is-promise',
    'body-parser',
    'raw-body',
    'iconv-lite',
    'bytes',
    'http-errors',
    'unpipe',
    'toidentifier',
    'inherits',
    'safer-buffer',
  ],
  pino: [
    'pino',
    'sonic-boom',
    'pino-http',
    'pino-std-serializers',
    'quick-format-unescaped',
    'atomic-sleep',
    'fast-redact',
    'slow-redact',
    'fast-safe-stringify',
    'get-caller-file',
    'on-exit-leak-free',
    'thread-stream',
    'real-require',
    'safe-stable-stringify',
    'process-warning',
  ],
  'hand-wired libraries': ['helmet', 'cors', 'express-rate-limit', 'object-assign'],
  bench: ['bench'],
}
const GROUP_OF = new Map(
  Object.entries(GROUPS).flatMap(([group, pkgs]) => pkgs.map((p) => [p, group] as const)),
)

function groupOf(pkg: string): string | undefined {
  if (pkg === '(idle)') return undefined
  if (pkg.startsWith('@kit/')) return 'kit'
  return GROUP_OF.get(pkg) ?? 'other'
}
