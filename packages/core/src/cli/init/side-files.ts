import { execFileSync } from 'node:child_process'
import { renderEnvExample } from '@kit/env'
import { z } from 'zod'

/**
 * The Procfile with `release: kit release`: created with a `web:` line from
 * `npm start` when there is none, otherwise the line is added and every
 * existing line (the app's own `web:`) is kept. An existing `release:` line
 * is the user's: reported, never replaced.
 */
export function procfileWithRelease(
  current: string | undefined,
  hasStartScript: boolean,
): { text: string | undefined; note?: string } {
  if (current === undefined) {
    return { text: `${hasStartScript ? 'web: npm start\n' : ''}release: kit release\n` }
  }
  const release = /^release:\s*(.*)$/m.exec(current)
  if (release) {
    if (/\bkit release\b/.test(release[1]!)) return { text: current }
    return {
      text: current,
      note: `The Procfile already has \`release: ${release[1]}\`: run \`kit release\` from it (migrations under kit's lock) by hand.`,
    }
  }
  return { text: `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}release: kit release\n` }
}

/**
 * True when git already ignores `.kit/` in `root` (a .gitignore further up,
 * in a monorepo); false when it does not, or when there is no git to ask.
 */
export function gitIgnoresKit(root: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '.kit/'], { cwd: root, stdio: 'ignore', timeout: 5_000 })
    return true
  } catch {
    return false
  }
}

/** .gitignore with `.kit/` (kit's local data: embedded database, mail, locks); the rest kept. */
export function gitignoreWithKit(current: string | undefined): string {
  const text = current ?? ''
  if (/^\/?\.kit\/?\s*$/m.test(text)) return text
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}.kit/\n`
}

/** `.env.example` as `kit env example` writes it, for the variables the app's code reads. */
export function envExampleFor(envNames: readonly string[]): string {
  const shape = Object.fromEntries(envNames.map((name) => [name, z.string().optional()]))
  return renderEnvExample(shape)
}
