import { KitError } from '@kit/internal'

/**
 * A node of the syntax tree, loosely typed: init reads a handful of shapes
 * (calls, imports, object literals) and checks `type` before each use.
 */
export interface AstNode {
  type: string
  start: number
  end: number
  [field: string]: any
}

/**
 * Parses JavaScript or TypeScript with @babel/parser, imported only here so
 * that `kit` start-up never loads it (one ~2 MB file, no dependencies, both
 * languages). Positions (start/end) index the original text, which is what
 * the edits need. Facts: docs/internals/init-facts.md.
 */
export async function parseSource(text: string, file: string): Promise<AstNode> {
  const { parse } = await import('@babel/parser')
  const typescript = /\.[cm]?ts$/.test(file)
  try {
    const ast = parse(text, {
      sourceType: 'unambiguous',
      allowAwaitOutsideFunction: true,
      allowReturnOutsideFunction: true,
      plugins: typescript ? ['typescript'] : ['jsx'],
    })
    return ast.program as unknown as AstNode
  } catch (error) {
    throw new KitError(
      'KIT_CLI_INIT_PARSE_FAILED',
      `Could not parse ${file}: ${(error as Error).message}. Fix the syntax error, or pass the file that starts your app with --entry <file>.`,
    )
  }
}

/** Calls `visit` on every node below `node`, with its parent chain (nearest last). */
export function walk(node: AstNode, visit: (node: AstNode, parents: readonly AstNode[]) => void): void {
  const parents: AstNode[] = []
  const step = (current: AstNode): void => {
    visit(current, parents)
    parents.push(current)
    for (const [key, value] of Object.entries(current)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'extra')
        continue
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) step(item)
      } else if (isNode(value)) step(value)
    }
    parents.pop()
  }
  step(node)
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string'
}

/** The string of a string literal (or a template without expressions), else undefined. */
export function stringValue(node: AstNode | undefined): string | undefined {
  if (!node) return undefined
  if (node.type === 'StringLiteral') return node.value
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked
  return undefined
}

/** Where a node is in the text: what an edit removes or replaces. */
export const span = (node: AstNode): { start: number; end: number } => ({ start: node.start, end: node.end })
