/** A line-level diff of two texts, as `diff -u` prints it, with counts. */
export interface TextDiff {
  /** Unified diff with 3 lines of context; empty when the texts are equal. */
  text: string
  added: number
  removed: number
  /** Lines written: new lines and rewritten ones (a line replaced by another counts once). */
  changed: number
  /** Lines replaced by another: in a run of removed and added lines, the shorter side. */
  rewritten: number
}

type Op = { kind: ' ' | '-' | '+'; line: string }

function lineOps(before: string[], after: string[]): Op[] {
  let prefix = 0
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++
  }
  const a = before.slice(prefix, before.length - suffix)
  const b = after.slice(prefix, after.length - suffix)
  // Longest common subsequence over the differing middle: entry files are small.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const middle: Op[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      middle.push({ kind: ' ', line: a[i++]! })
      j++
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removed lines first, then added ones, as `diff -u` prints a replacement.
      middle.push({ kind: '-', line: a[i++]! })
    } else {
      middle.push({ kind: '+', line: b[j++]! })
    }
  }
  return [
    ...before.slice(0, prefix).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...before.slice(before.length - suffix).map((line) => ({ kind: ' ' as const, line })),
  ]
}

const splitLines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

export function unifiedDiff(before: string, after: string, path: string, context = 3): TextDiff {
  const ops = lineOps(splitLines(before), splitLines(after))
  let added = 0
  let removed = 0
  let changed = 0
  let rewritten = 0
  let runAdded = 0
  let runRemoved = 0
  for (const op of [...ops, { kind: ' ' as const, line: '' }]) {
    if (op.kind === '+') runAdded++
    else if (op.kind === '-') runRemoved++
    else {
      added += runAdded
      removed += runRemoved
      changed += runAdded
      rewritten += Math.min(runAdded, runRemoved)
      runAdded = 0
      runRemoved = 0
    }
  }
  if (added === 0 && removed === 0) return { text: '', added, removed, changed, rewritten }
  const header = [`--- a/${path}`, `+++ b/${path}`]
  const lines: string[] = []
  let index = 0
  while (index < ops.length) {
    if (ops[index]!.kind === ' ') {
      index++
      continue
    }
    // One hunk: from `context` lines before this change to `context` after the last change near it.
    const start = Math.max(0, index - context)
    let end = index
    let lastChange = index
    while (end < ops.length && end - lastChange <= 2 * context) {
      if (ops[end]!.kind !== ' ') lastChange = end
      end++
    }
    end = Math.min(ops.length, lastChange + context + 1)
    const oldStart = ops.slice(0, start).filter((o) => o.kind !== '+').length + 1
    const newStart = ops.slice(0, start).filter((o) => o.kind !== '-').length + 1
    const hunk = ops.slice(start, end)
    const oldCount = hunk.filter((o) => o.kind !== '+').length
    const newCount = hunk.filter((o) => o.kind !== '-').length
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`)
    for (const op of hunk) lines.push(`${op.kind}${op.line}`)
    index = end
  }
  return { text: `${[...header, ...lines].join('\n')}\n`, added, removed, changed, rewritten }
}
