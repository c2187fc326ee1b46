import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type AstNode, stringValue, walk } from './parse-source.ts'

export interface Alias {
  /** `@/` of `"@/*"`. */
  prefix: string
  /** Absolute folders it maps to. */
  targets: string[]
}

const CODE_FILE = /\.([cm]?[jt]s|[jt]sx)$/
const EXTENSIONS = ['', '.js', '.ts', '.mjs', '.cjs', '.mts', '.cts', '/index.js', '/index.ts']

/** A relative import resolved to a file, as Node, tsx and bundlers try it (`./app.js` may be `app.ts`). */
function resolveLocal(from: string, specifier: string): string | undefined {
  return resolveFile(join(dirname(from), specifier))
}

function resolveFile(base: string): string | undefined {
  const candidates = [...EXTENSIONS.map((ext) => base + ext), base.replace(/\.js$/, '.ts')]
  return candidates.find((path) => existsSync(path) && statSync(path).isFile())
}

/**
 * The app's own files the entry imports (`./app.js`, `require('./app')`), in
 * order: where an entry that only listens (`server.js`) gets its app from.
 */
export function localImports(
  entry: string,
  program: AstNode,
  /** tsconfig.json `paths` (`@/app` → `src/app`): tsconfigAliases(). */
  aliases: readonly Alias[] = [],
): string[] {
  const resolve = (specifier: string): string | undefined => {
    if (specifier.startsWith('.')) return resolveLocal(entry, specifier)
    for (const alias of aliases) {
      if (!specifier.startsWith(alias.prefix)) continue
      for (const target of alias.targets) {
        const found = resolveFile(target + specifier.slice(alias.prefix.length))
        if (found) return found
      }
    }
    return undefined
  }
  const specifiers: string[] = []
  walk(program, (node) => {
    const specifier =
      node.type === 'ImportDeclaration' ||
      ((node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source)
        ? node.source.value
        : node.type === 'CallExpression' &&
            node.callee.type === 'Identifier' &&
            node.callee.name === 'require'
          ? stringValue(node.arguments[0])
          : undefined
    if (typeof specifier === 'string') specifiers.push(specifier)
  })
  // Only code: `require('./config.json')` or an imported stylesheet is not a file init can read.
  return specifiers.flatMap((s) => resolve(s) ?? []).filter((file) => CODE_FILE.test(file))
}
