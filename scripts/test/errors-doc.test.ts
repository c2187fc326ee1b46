import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { renderErrorsDoc } from '../errors-doc.ts'

const root = join(import.meta.dirname, '..', '..')

it('docs/reference/errors.md lists every error code (run `pnpm errors:docs` when this fails)', async () => {
  const expected = await renderErrorsDoc(root)
  expect(readFileSync(join(root, 'docs', 'reference', 'errors.md'), 'utf8')).toBe(expected)
})

it('every code thrown in a package source is declared in an errors.ts table', async () => {
  const { readdirSync, existsSync } = await import('node:fs')
  const declared = new Set<string>()
  const packages = readdirSync(join(root, 'packages'))
  for (const pkg of packages) {
    const file = join(root, 'packages', pkg, 'src', 'errors.ts')
    if (existsSync(file)) for (const code of Object.keys((await import(file)).errors)) declared.add(code)
  }
  const missing: string[] = []
  for (const pkg of packages) {
    const src = join(root, 'packages', pkg, 'src')
    if (!existsSync(src)) continue
    for (const file of readdirSync(src, { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue
      const text = readFileSync(join(src, file), 'utf8')
      // The CLI in @kit/core may throw another package's code (KIT_FLAGS_..., KIT_MIGRATE_...): any table counts.
      for (const [, code] of text.matchAll(/KitError\(\s*['"`](KIT_[A-Z0-9_]+)['"`]/g)) {
        if (!declared.has(code!)) missing.push(`${pkg}/src/${file}: ${code}`)
      }
    }
  }
  expect(missing).toEqual([])
})
