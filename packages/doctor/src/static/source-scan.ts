import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** A piece of the app's code a pattern matched: where, and the line as written. */
export interface SourceMatch {
  file: string
  line: number
  text: string
}

export interface SourceFile {
  /** Relative to the app root. */
  path: string
  text: string
}

const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  '.git',
  '.kit',
  '.next',
  '.turbo',
  'test',
  'tests',
  '__tests__',
  'spec',
  'fixtures',
  'migrations',
])
const CODE = /\.(?:[cm]?[jt]s|[jt]sx)$/
const MAX_FILES = 2000
const MAX_BYTES = 1_000_000

/**
 * The app's own source files (not dependencies, builds, tests or
 * migrations), for the checks only code can answer: a cookie set without
 * Secure, an Origin echoed back, a stack trace sent to clients.
 */
export function readSources(appRoot: string): SourceFile[] {
  const files: SourceFile[] = []
  const walk = (dir: string): void => {
    let entries: string[]
    try {
      entries = readdirSync(dir).sort()
    } catch {
      return
    }
    for (const name of entries) {
      if (files.length >= MAX_FILES) return
      const path = join(dir, name)
      let stat: ReturnType<typeof statSync>
      try {
        stat = statSync(path)
      } catch {
        continue
      }
      if (stat.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(path)
      } else if (
        CODE.test(name) &&
        !/\.d\.[cm]?ts$/.test(name) &&
        !/\.(test|spec)\.[cm]?[jt]sx?$/.test(name) &&
        stat.size <= MAX_BYTES
      ) {
        files.push({ path: relative(appRoot, path), text: readFileSync(path, 'utf8') })
      }
    }
  }
  walk(appRoot)
  return files
}

/** Every match of `pattern` (made global) across the files, with line numbers. */
export function findInSources(
  files: readonly SourceFile[],
  pattern: RegExp,
  accept?: (match: RegExpExecArray, file: SourceFile) => boolean,
): SourceMatch[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
  const out: SourceMatch[] = []
  for (const file of files) {
    for (const match of file.text.matchAll(global)) {
      if (accept && !accept(match as RegExpExecArray, file)) continue
      const before = file.text.slice(0, match.index)
      const line = before.split('\n').length
      const text = file.text.split('\n')[line - 1]!.trim()
      out.push({ file: file.path, line, text: text.length > 120 ? `${text.slice(0, 117)}...` : text })
    }
  }
  return out
}

/** "src/app.ts:12" for the first matches, and how many more. */
export function describeMatches(matches: readonly SourceMatch[], limit = 2): string {
  const shown = matches.slice(0, limit).map((m) => `${m.file}:${m.line} (${m.text})`)
  return `${shown.join('; ')}${matches.length > limit ? ` and ${matches.length - limit} more` : ''}`
}
