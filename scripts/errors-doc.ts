// Generates docs/reference/errors.md from every package's src/errors.ts, so
// the list of codes can never drift from the code. `pnpm errors:docs` writes
// it; scripts/test/errors-doc.test.ts fails when it is stale.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

type Table = Record<string, { when: string; fix: string }>

export async function renderErrorsDoc(root: string): Promise<string> {
  const sections: string[] = []
  for (const pkg of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', pkg, 'src', 'errors.ts')
    if (!existsSync(file)) continue
    const { errors } = (await import(pathToFileURL(file).href)) as { errors: Table }
    const codes = Object.keys(errors).sort()
    if (codes.length === 0) continue
    sections.push(`## @kit/${pkg}\n`)
    for (const code of codes) {
      const { when, fix } = errors[code]!
      sections.push(`### ${code}\n\n**When:** ${when}\n\n**Fix:** ${fix}\n`)
    }
  }
  return `# Error codes\n\nEvery error kit throws is a \`KitError\` with a stable \`code\`, a message that says what to do, and a \`docs\` link to its section here. This page is generated from each package's \`src/errors.ts\` (\`pnpm errors:docs\`).\n\n${sections.join('\n')}`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { writeFileSync } = await import('node:fs')
  const root = join(import.meta.dirname, '..')
  writeFileSync(join(root, 'docs', 'reference', 'errors.md'), await renderErrorsDoc(root))
  console.log('wrote docs/reference/errors.md')
}
