import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Alias } from './app-file.ts'

/** `// ...` and `/* ... *\/` outside strings, and commas before `}` or `]`: what tsconfig.json allows beyond JSON. */
function withoutJsonComments(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === '"') {
      // A string, escapes included, copied as is: `"@/*"` is no comment.
      let end = i + 1
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      out += text.slice(i, end + 1)
      i = end
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? text.length : end + 1
    } else out += char
  }
  return out.replace(/,(\s*[}\]])/g, '$1')
}

interface Tsconfig {
  compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]>; rootDir?: string }
  include?: string[]
}

/** The app's tsconfig.json, parsed; undefined when there is none or it cannot be read (`extends` is not followed). */
export function readTsconfig(root: string): Tsconfig | undefined {
  const path = join(root, 'tsconfig.json')
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(withoutJsonComments(readFileSync(path, 'utf8'))) as Tsconfig
  } catch {
    return undefined
  }
}

/**
 * The path aliases of the app's tsconfig.json (`"@/*": ["src/*"]` with its
 * baseUrl), as absolute prefixes: what `import app from '@/app'` points at.
 * An unreadable tsconfig gives none (init then reads only relative imports).
 */
export function tsconfigAliases(root: string): Alias[] {
  const compilerOptions = readTsconfig(root)?.compilerOptions
  const base = join(root, compilerOptions?.baseUrl ?? '.')
  return Object.entries(compilerOptions?.paths ?? {}).map(([alias, targets]) => ({
    prefix: alias.replace(/\*$/, ''),
    targets: (Array.isArray(targets) ? targets : []).map((target) => join(base, target.replace(/\*$/, ''))),
  }))
}
