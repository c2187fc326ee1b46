/** Reads a .cpuprofile: self time per function and per package. */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
export interface Hotspot {
  what: string
  percent: number
}

/** Self time per function and per package, in % of all samples (idle and GC included). */
export function analyse(file: string, top: number): { functions: Hotspot[]; packages: Hotspot[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] }
  const counts = new Map<number, number>()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const total = profile.samples.length
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  for (const node of profile.nodes) {
    const n = counts.get(node.id) ?? 0
    if (!n) continue
    const { functionName, url, lineNumber } = node.callFrame
    const where = shortUrl(url)
    const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n)
    const pkg = packageOf(url, functionName)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n)
  }
  const sorted = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => ({ what, percent: (100 * n) / total }))
  return { functions: sorted(byFunction), packages: sorted(byPackage) }
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
