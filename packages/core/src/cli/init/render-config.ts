import type { ConfigEntry } from './config-sections.ts'

export type ConfigFormat = 'ts' | 'esm' | 'commonjs'

function renderEntries(entries: readonly ConfigEntry[], depth: number): string[] {
  const indent = '  '.repeat(depth)
  return entries.flatMap((entry) => {
    if ('comment' in entry) return [`${indent}// ${entry.comment}`]
    if ('text' in entry) return [`${indent}${entry.text},`]
    return [`${indent}${entry.key}: {`, ...renderEntries(entry.entries, depth + 1), `${indent}},`]
  })
}

const usesZod = (entries: readonly ConfigEntry[]): boolean =>
  entries.some((e) => ('text' in e && e.text.includes('z.')) || ('entries' in e && usesZod(e.entries)))

/**
 * kit.config in the app's module system: `export default` for ES modules and
 * TypeScript, `module.exports` for CommonJS (so `require('./kit.config.js')`
 * works without top-level await).
 */
export function renderConfig(entries: readonly ConfigEntry[], format: ConfigFormat, from: string): string {
  const names = usesZod(entries) ? '{ defineConfig, z }' : '{ defineConfig }'
  const header = `// Written by \`kit init\` from ${from}: read by productionize() and by the kit CLI.\n// Every option: docs/configuration.md. What was carried over and why: docs/migrating.md.\n`
  const body = entries.length === 0 ? '{}' : `{\n${renderEntries(entries, 1).join('\n')}\n}`
  if (format === 'commonjs') {
    return `${header}const ${names} = require('@kit/core')\n\nmodule.exports = defineConfig(${body})\n`
  }
  return `${header}import ${names} from '@kit/core'\n\nexport default defineConfig(${body})\n`
}
