import { KNOWN_PACKAGES } from './known-packages.ts'
import { type AstNode, span, walk } from './parse-source.ts'
import type { EntryScan } from './scan-entry.ts'

/** References to a name: identifiers that are not a property name, a key, or the declaration itself. */
function references(program: AstNode, name: string): AstNode[] {
  const found: AstNode[] = []
  walk(program, (node, parents) => {
    if (node.type !== 'Identifier' || node.name !== name) return
    const parent = parents[parents.length - 1]
    if (!parent) return
    if (parent.type === 'MemberExpression' && parent.property === node && !parent.computed) return
    if (
      (parent.type === 'ObjectProperty' || parent.type === 'ObjectMethod') &&
      parent.key === node &&
      !parent.computed
    ) {
      if (!parent.shorthand) return
      // A shorthand { logger } holds the same name as key and value: count it once (docs/internals/init-facts.md).
      if (parent.value !== node && parent.value?.type === 'Identifier') return
    }
    if (parent.type === 'VariableDeclarator' && parent.id === node) return
    if (parent.type === 'ObjectProperty' && parents[parents.length - 2]?.type === 'ObjectPattern') return
    if (parent.type.startsWith('Import')) return
    found.push(node)
  })
  return found
}

/**
 * Once the calls are gone, a declaration (`const limiter = rateLimit(...)`,
 * `const helmet = require('helmet')`) that nothing else uses goes too; one
 * still in use stays, so the app keeps working.
 */
export function removeUnusedDeclarations(
  program: AstNode,
  scan: EntryScan,
  knownVariables: Map<string, { pkg: string; call: AstNode; statement: AstNode }>,
): void {
  const removed = (node: AstNode): boolean =>
    scan.removals.some((r) => node.start >= r.start && node.end <= r.end)
  const unused = (name: string): boolean => references(program, name).every(removed)
  // Two passes: removing `const limiter = rateLimit()` frees `rateLimit`'s import.
  for (let pass = 0; pass < 2; pass++) {
    for (const [name, known] of knownVariables) {
      if (removed(known.statement) || known.statement.declarations.length !== 1) continue
      if (references(program, name).length > 0 && unused(name)) {
        scan.removals.push({ ...span(known.statement), kind: 'statement' })
      }
    }
  }
  for (const entry of scan.imports) {
    if (!KNOWN_PACKAGES[entry.pkg] || entry.locals.length === 0) continue
    if (entry.locals.every(unused)) scan.removals.push({ ...span(entry.node), kind: 'statement' })
  }
}
