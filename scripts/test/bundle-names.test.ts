// scripts/bundle.mjs builds without esbuild's keepNames (docs/internals/module-loading.md):
// names come from the source, and a class esbuild would rename fails the build.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without declarations
import { bundlePackage } from '../bundle.mjs'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A scratch package in a temporary folder: one entry point (src/index.ts) and the given source files. */
function scratchPackage(sources: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kit-bundle-'))
  made.push(dir)
  mkdirSync(join(dir, 'src'))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: '@kit/scratch',
      type: 'module',
      exports: { '.': { '@kit/source': './src/index.ts', default: './dist/index.js' } },
    }),
  )
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, 'src', file), text)
  return dir
}

describe('bundling without keepNames', () => {
  it('keeps the source names of functions, closures and classes, with no __name helper', async () => {
    const dir = scratchPackage({
      'index.ts': [
        'export class ScratchError extends Error {}',
        'export function namedFunction(): void {}',
        'export const arrow = (): number => 1',
        'export const table = { step: (): number => 2 }',
      ].join('\n'),
    })
    await bundlePackage(dir)
    const built = await import(pathToFileURL(join(dir, 'dist/index.js')).href)
    expect(new built.ScratchError('x').constructor.name).toBe('ScratchError')
    expect(built.namedFunction.name).toBe('namedFunction')
    expect(built.arrow.name).toBe('arrow')
    expect(built.table.step.name).toBe('step')
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8')).not.toContain('__name')
  })

  it('fails the build, naming the class, when two modules of a package declare the same class name', async () => {
    const dir = scratchPackage({
      'a.ts': 'export class Clash extends Error {}\nexport const a = new Clash()',
      'b.ts': 'export class Clash extends Error {}\nexport const b = new Clash()',
      'index.ts': "export { a } from './a.ts'\nexport { b } from './b.ts'",
    })
    await expect(bundlePackage(dir)).rejects.toThrow(
      /@kit\/scratch: esbuild renamed the class\(es\) Clash \(as Clash\d\)/,
    )
  })
})
