import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error an .mjs script without declarations
import { bundlePackage } from '../bundle.mjs'

const root = join(import.meta.dirname, '..', '..')
const exec = promisify(execFile)
const cjsDir = (name: string) => join(root, 'packages', name, 'dist', 'cjs')

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => join(dir, f))
}

/** Runs CommonJS code in a plain Node process (no vitest loader in between); returns its stdout. */
async function runCommonJs(code: string, cwd: string): Promise<string> {
  const { stdout } = await exec(process.execPath, ['-e', code], { cwd, timeout: 60_000 })
  return stdout.trim()
}

describe('the CommonJS build (dist/cjs)', () => {
  let scratch: string
  beforeAll(async () => {
    // The packages this test loads, rebuilt from the current source (as `pnpm build` does).
    for (const name of ['internal', 'env', 'migrate']) await bundlePackage(join(root, 'packages', name))
    scratch = mkdtempSync(join(tmpdir(), 'kit-cjs-'))
  }, 120_000)
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('has no import() for Jest to refuse and no import.meta, except nativeImport()', () => {
    const offenders: string[] = []
    for (const name of ['internal', 'env', 'migrate']) {
      for (const file of files(cjsDir(name))) {
        const code = readFileSync(file, 'utf8')
        // `.import(` is jiti's method; `{import(` is a JSDoc type in a string (make.ts).
        if (/(?<![\w.{$])import\(/.test(code) && !file.endsWith('native-import.cjs')) offenders.push(file)
        if (code.includes('import.meta')) offenders.push(`${file} (import.meta)`)
      }
    }
    expect(offenders).toEqual([])
    const nativeImport = readFileSync(join(cjsDir('internal'), 'native-import.cjs'), 'utf8')
    expect(nativeImport).toContain('new Function("specifier", "return import(specifier)")')
  })

  it("loads a user's ES module migration (top-level await) and a .ts one (jiti, import.meta.url) from CommonJS", async () => {
    writeFileSync(join(scratch, 'esm.mjs'), 'await Promise.resolve()\nexport const up = "esm up"\n')
    writeFileSync(join(scratch, 'typed.ts'), 'const name: string = "ts up"\nexport const up = name\n')
    const [importModule, esm, typed] = [
      join(cjsDir('migrate'), 'import-module.cjs'),
      join(scratch, 'esm.mjs'),
      join(scratch, 'typed.ts'),
    ].map((path) => JSON.stringify(path))
    const out = await runCommonJs(
      `const { importModule } = require(${importModule})
Promise.all([importModule(${esm}), importModule(${typed})]).then((mods) => console.log(mods.map((m) => m.up).join(', ')))`,
      scratch,
    )
    expect(out).toBe('esm up, ts up')
  })

  it("@kit/env's lazy z loads zod on first use from CommonJS", async () => {
    const out = await runCommonJs(
      `const { z } = require(${JSON.stringify(join(cjsDir('env'), 'index.cjs'))})
console.log(z.string().parse('hi'), typeof z.object)`,
      scratch,
    )
    expect(out).toBe('hi function')
  })
})
