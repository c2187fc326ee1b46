/**
 * The security package's share of a profiled request, step by step: reads a
 * .cpuprofile written by `node bench/run.mjs profile '<variant>'` and sums,
 * per security step, the time of every sample taken inside it (the step's
 * own code and everything it calls: Node's setHeader, crypto, the
 * framework's reply.header). Self time by package (what profile.ts prints)
 * misses the Node and framework calls a step makes; this counts them.
 *
 * Steps are the functions of createSecurity()'s step object
 * (packages/security/src/security.ts), which return before the next
 * middleware or hook runs, so no downstream work is counted.
 *
 *   node --import tsx bench/security/profile-steps.ts <file.cpuprofile.json> --requests <n>
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const STEPS = new Set(['hosts', 'headers', 'cspReport', 'cors', 'csrf', 'bodyLimit', 'bodyError'])

interface Node {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}

export function stepShares(file: string): { total: number; steps: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Node[]
    samples: number[]
    timeDeltas: number[]
  }
  const parent = new Map<number, number>()
  const byId = new Map<number, Node>()
  for (const node of profile.nodes) {
    byId.set(node.id, node)
    for (const child of node.children ?? []) parent.set(child, node.id)
  }
  // The step each node runs inside (nearest enclosing step frame), memoised per node.
  const stepOf = new Map<number, string | null>()
  const findStep = (id: number): string | null => {
    const known = stepOf.get(id)
    if (known !== undefined) return known
    const { functionName, url } = byId.get(id)!.callFrame
    let step: string | null
    if (url.includes('/packages/security/src/security.ts') && STEPS.has(functionName)) step = functionName
    else {
      const up = parent.get(id)
      step = up === undefined ? null : findStep(up)
    }
    stepOf.set(id, step)
    return step
  }
  const steps = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0
    total += t
    const step = findStep(id)
    if (step !== null) steps.set(step, (steps.get(step) ?? 0) + t)
  })
  return { total, steps }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { requests: { type: 'string' } },
  })
  const requests = Number(values.requests)
  for (const file of positionals) {
    const { total, steps } = stepShares(file)
    const all = [...steps.values()].reduce((a, b) => a + b, 0)
    console.log(`${file}`)
    console.log(
      `  all security steps: ${((100 * all) / total).toFixed(1)} % of profiled time${requests ? `, ${(all / requests).toFixed(2)} µs/request` : ''}`,
    )
    for (const [step, t] of [...steps].sort((a, b) => b[1] - a[1])) {
      console.log(
        `  ${step.padEnd(10)} ${((100 * t) / total).toFixed(2).padStart(6)} %${requests ? `  ${(t / requests).toFixed(2).padStart(6)} µs/request` : ''}`,
      )
    }
  }
}
