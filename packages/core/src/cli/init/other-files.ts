import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { type Alias, localImports } from './app-file.ts'
import { readImports, requiredPackage } from './imports.ts'
import { KNOWN_PACKAGES, MIDDLEWARE_KINDS } from './known-packages.ts'
import { type AstNode, parseSource, walk } from './parse-source.ts'

/** How far init reads the app's own files beyond the entry, and how many at most. */
const MAX_DEPTH = 3
const MAX_FILES = 40

/** A local file the app imports, parsed; undefined when it does not parse (init never fails on a file it does not edit). */
export async function readLocalFile(
  root: string,
  file: string,
): Promise<{ text: string; program: AstNode } | undefined> {
  const text = readFileSync(file, 'utf8')
  try {
    return { text, program: await parseSource(text, relative(root, file)) }
  } catch {
    return undefined
  }
}

/** The packages kit replaces that a file uses: imported, required or `import()`ed (`register(import('@fastify/rate-limit'))`). */
function replacedPackages(program: AstNode): string[] {
  const found = new Set<string>()
  for (const i of readImports(program)) found.add(i.pkg)
  walk(program, (node) => {
    const pkg = requiredPackage(node)
    if (pkg) found.add(pkg)
  })
  return [...found].filter((pkg) => KNOWN_PACKAGES[pkg] && MIDDLEWARE_KINDS.has(KNOWN_PACKAGES[pkg]))
}

/**
 * The app's other files (imported from the edited one, a few levels deep) that
 * use a package kit replaces: `plugins/index.js` registering @fastify/rate-limit.
 * init edits one file; these are listed for the user to remove by hand.
 */
export async function replacedElsewhere(
  root: string,
  entry: string,
  program: AstNode,
  skip: ReadonlySet<string>,
  aliases: readonly Alias[],
): Promise<{ file: string; packages: string[] }[]> {
  const found: { file: string; packages: string[] }[] = []
  const seen = new Set([entry, ...skip])
  let level = localImports(entry, program, aliases)
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = []
    for (const file of level) {
      if (seen.has(file) || seen.size > MAX_FILES) continue
      seen.add(file)
      const read = await readLocalFile(root, file)
      if (!read) continue
      const packages = replacedPackages(read.program)
      if (packages.length > 0) found.push({ file: relative(root, file), packages })
      next.push(...localImports(file, read.program, aliases))
    }
    level = next
  }
  return found
}
