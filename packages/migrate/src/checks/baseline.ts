import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { KitError } from '@kit/internal'
import type { MigrationFile } from '../source.ts'

/** Default name of the reviewed baseline, inside the migrations directory. */
export const BASELINE_FILE = '.kit-reviewed.json'

/**
 * Migrations that were reviewed before kit checked them (or whose findings
 * were accepted as a whole): name → sha256 of the file. A file edited after
 * its review no longer matches and is checked again.
 */
export type ReviewedBaseline = ReadonlyMap<string, string>

export function baselinePath(directory: string, file?: string): string {
  return file ?? join(directory, BASELINE_FILE)
}

export async function fileDigest(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

export async function readBaseline(path: string): Promise<ReviewedBaseline> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw error
  }
  try {
    const parsed = JSON.parse(text) as { reviewed?: Record<string, string> }
    return new Map(Object.entries(parsed.reviewed ?? {}))
  } catch (error) {
    throw new KitError(
      'KIT_MIGRATE_INVALID_OPTION',
      `The reviewed baseline ${path} is not valid JSON (${(error as Error).message}). Fix it or write it again with \`kit migrate check --baseline\`.`,
      { cause: error },
    )
  }
}

/** Marks every given migration file as reviewed, keeping earlier entries. Returns how many were added or updated. */
export async function writeBaseline(path: string, files: readonly MigrationFile[]): Promise<number> {
  const reviewed = new Map(await readBaseline(path))
  let changed = 0
  for (const file of files) {
    const digest = await fileDigest(file.path)
    if (reviewed.get(file.name) !== digest) changed++
    reviewed.set(file.name, digest)
  }
  const sorted = Object.fromEntries([...reviewed].sort(([a], [b]) => a.localeCompare(b)))
  const body = {
    description:
      'Migrations reviewed for unsafe operations (kit migrate check --baseline). A file changed since its review is checked again.',
    reviewed: sorted,
  }
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`)
  return changed
}
