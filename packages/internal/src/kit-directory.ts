import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, parse, sep } from 'node:path'

/** What kit writes into `.kit/` when it creates it: nothing under it belongs in git (data, mail, locks). */
export const KIT_DIRECTORY_GITIGNORE =
  '# Written by kit: local data (embedded database, mail, locks), never committed.\n*\n'

/** The `.kit` directory `path` lies in, if any (the innermost one). */
function kitDirectoryOf(path: string): string | undefined {
  const { root } = parse(path)
  const parts = path.slice(root.length).split(sep)
  const index = parts.lastIndexOf('.kit')
  return index === -1 ? undefined : join(root, ...parts.slice(0, index + 1))
}

/**
 * mkdir -p that, when it is the one creating a `.kit` directory, puts a
 * `.gitignore` holding `*` in it, so `.kit/pgdata` and `.kit/mail` never end
 * up in a commit of an app that did not know to ignore them.
 */
export function ensureDirectory(path: string): void {
  const kit = kitDirectoryOf(path)
  const created = kit !== undefined && !existsSync(kit)
  mkdirSync(path, { recursive: true })
  if (!created) return
  try {
    writeFileSync(join(kit, '.gitignore'), KIT_DIRECTORY_GITIGNORE, { flag: 'wx' })
  } catch {
    // Another process created it first: its file is the same.
  }
}

/** ensureDirectory() for async code paths. */
export async function ensureDirectoryAsync(path: string): Promise<void> {
  const kit = kitDirectoryOf(path)
  const created = kit !== undefined && !existsSync(kit)
  await mkdir(path, { recursive: true })
  if (created)
    await writeFile(join(kit, '.gitignore'), KIT_DIRECTORY_GITIGNORE, { flag: 'wx' }).catch(() => {})
}
