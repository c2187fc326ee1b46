import { type AstNode, stringValue } from './parse-source.ts'

/** An `import`/`require` of a package at the top of the file. */
export interface ImportStatement {
  pkg: string
  locals: string[]
  node: AstNode
}

/** Type assertions and parentheses around an expression: `express() as Express`. */
export const unwrap = (node: AstNode | undefined): AstNode | undefined =>
  node &&
  (node.type === 'TSAsExpression' ||
    node.type === 'TSNonNullExpression' ||
    node.type === 'ParenthesizedExpression')
    ? unwrap(node.expression)
    : node

/** `require('x')`, `require('x').default`, `await import('x')`: the package name. */
export function requiredPackage(node: AstNode | undefined): string | undefined {
  const n = unwrap(node)
  if (!n) return undefined
  if (n.type === 'MemberExpression') return requiredPackage(n.object)
  if (n.type === 'AwaitExpression') return requiredPackage(n.argument)
  if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') {
    return stringValue(n.arguments[0])
  }
  if (n.type === 'ImportExpression' || (n.type === 'CallExpression' && n.callee.type === 'Import')) {
    return stringValue(n.source ?? n.arguments[0])
  }
  return undefined
}

function patternNames(node: AstNode): string[] {
  if (node.type === 'Identifier') return [node.name]
  if (node.type === 'ObjectPattern') {
    return node.properties.flatMap((p: AstNode) =>
      patternNames(p.type === 'RestElement' ? p.argument : p.value),
    )
  }
  if (node.type === 'ArrayPattern') return node.elements.filter(Boolean).flatMap(patternNames)
  if (node.type === 'AssignmentPattern') return patternNames(node.left)
  return []
}

export function readImports(program: AstNode): ImportStatement[] {
  const imports: ImportStatement[] = []
  for (const statement of program.body as AstNode[]) {
    if (statement.type === 'ImportDeclaration') {
      imports.push({
        pkg: statement.source.value,
        locals: statement.specifiers.map((s: AstNode) => s.local.name),
        node: statement,
      })
    } else if (statement.type === 'VariableDeclaration' && statement.declarations.length === 1) {
      const [declarator] = statement.declarations
      const pkg = requiredPackage(declarator.init)
      if (pkg) imports.push({ pkg, locals: patternNames(declarator.id), node: statement })
    }
  }
  return imports
}
