import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type AstNode, stringValue, walk } from './parse-source.ts'

const EXTENSIONS = ['', '.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '/index.js', '/index.ts']

/** A relative import resolved to a file, as Node, tsx and bundlers try it (`./app.js` may be `app.ts`). */
function resolveLocal(from: string, specifier: string): string | undefined {
  const base = join(dirname(from), specifier)
  const candidates = [...EXTENSIONS.map((ext) => base + ext), base.replace(/\.js$/, '.ts')]
  return candidates.find((path) => existsSync(path) && statSync(path).isFile())
}

/**
 * The app's own files the entry imports (`./app.js`, `require('./app')`), in
 * order: where an entry that only listens (`server.js`) gets its app from.
 */
export function localImports(entry: string, program: AstNode): string[] {
  const specifiers: string[] = []
  walk(program, (node) => {
    const specifier =
      node.type === 'ImportDeclaration'
        ? node.source.value
        : node.type === 'CallExpression' &&
            node.callee.type === 'Identifier' &&
            node.callee.name === 'require'
          ? stringValue(node.arguments[0])
          : undefined
    if (typeof specifier === 'string' && specifier.startsWith('.')) specifiers.push(specifier)
  })
  return specifiers.flatMap((s) => resolveLocal(entry, s) ?? [])
}
