import { type AstNode, walk } from './parse-source.ts'

/** One property of an options literal the app passed, as it will be written into kit.config. */
export interface CarriedProperty {
  key: string
  /** The whole property as written (`maxAge: 600`, `origin(o, cb) {...}`). */
  text: string
  /** The value alone, for a property kit names differently (`max` → `limit`). */
  valueText: string
  value: AstNode
}

export interface LeftOut {
  key: string
  reason: string
  /** The property as written, when it could move by hand (it uses names of the app's file). */
  line?: string
}

/** Names a value may use without coming from the app's file. */
const GLOBALS = new Set([
  'process',
  'RegExp',
  'Number',
  'String',
  'Boolean',
  'JSON',
  'Math',
  'Date',
  'Object',
  'Array',
  'parseInt',
  'parseFloat',
  'undefined',
  'Infinity',
  'NaN',
  'URL',
  'console',
  'Promise',
  'Error',
  'Buffer',
])

/** Identifiers a value uses that it does not declare itself (params, local variables). */
function freeNames(value: AstNode): string[] {
  const declared = new Set<string>()
  const used = new Map<string, AstNode>()
  walk(value, (node, parents) => {
    const parent = parents[parents.length - 1]
    if (node.type !== 'Identifier') return
    if (parent?.type === 'MemberExpression' && parent.property === node && !parent.computed) return
    if (
      (parent?.type === 'ObjectProperty' || parent?.type === 'ObjectMethod') &&
      parent.key === node &&
      !parent.computed
    ) {
      if (!parent.shorthand) return
    }
    const isDeclaration =
      (parent && 'params' in parent && (parent.params as AstNode[]).includes(node)) ||
      (parent?.type === 'VariableDeclarator' && parent.id === node) ||
      (parent?.type === 'CatchClause' && parent.param === node) ||
      (parent?.type === 'AssignmentPattern' && parent.left === node) ||
      parent?.type === 'RestElement' ||
      parent?.type === 'ObjectPattern' ||
      parent?.type === 'ArrayPattern' ||
      (parent?.type === 'ObjectProperty' && parents[parents.length - 2]?.type === 'ObjectPattern')
    if (isDeclaration) declared.add(node.name)
    else used.set(node.name, node)
  })
  return [...used.keys()].filter((name) => !declared.has(name) && !GLOBALS.has(name))
}

/**
 * Re-indents a multi-line property for its new place: its lines keep their
 * shape relative to the first one.
 */
function reindent(source: string, node: AstNode, indent: string): string {
  const text = source.slice(node.start, node.end)
  const lineStart = source.lastIndexOf('\n', node.start - 1) + 1
  const base = /^[ \t]*/.exec(source.slice(lineStart))![0]
  return text
    .split('\n')
    .map((line, i) =>
      i === 0 ? line : indent + (line.startsWith(base) ? line.slice(base.length) : line.trimStart()),
    )
    .join('\n')
}

/**
 * Splits an options literal into what can move to kit.config as written and
 * what cannot: a value that uses a variable, an import or a function of the
 * app's file would not exist there.
 */
export function carryOptions(
  source: string,
  options: AstNode | undefined,
  indent: string,
): { carried: CarriedProperty[]; leftOut: LeftOut[] } {
  const carried: CarriedProperty[] = []
  const leftOut: LeftOut[] = []
  for (const property of (options?.properties ?? []) as AstNode[]) {
    if (property.type === 'SpreadElement') {
      leftOut.push({
        key: `...${source.slice(property.argument.start, property.argument.end)}`,
        reason: 'a spread',
      })
      continue
    }
    const key = property.computed ? undefined : (property.key.name ?? property.key.value)
    if (typeof key !== 'string') {
      leftOut.push({ key: source.slice(property.key.start, property.key.end), reason: 'a computed key' })
      continue
    }
    const value = property.type === 'ObjectMethod' ? property : property.value
    const free = freeNames(value)
    if (free.length > 0) {
      leftOut.push({
        key,
        reason: `uses ${free.join(', ')} from your file`,
        line: source.slice(property.start, property.end).replace(/\s+/g, ' '),
      })
      continue
    }
    carried.push({
      key,
      text: reindent(source, property, indent),
      valueText: reindent(source, value, indent),
      value,
    })
  }
  return { carried, leftOut }
}
