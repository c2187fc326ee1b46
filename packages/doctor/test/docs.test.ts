import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DOCTOR_CHECKS, LIVE_CHECKS } from '@kit/doctor'
import { WORKSPACE_ROOT } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'

const read = (name: string) => readFileSync(join(WORKSPACE_ROOT, 'docs', name), 'utf8')
const ALL = [...DOCTOR_CHECKS, ...LIVE_CHECKS]

/** Ids a page mentions, with ranges such as LIVE-CSP-01..08 expanded. */
function mentionedIds(text: string): string[] {
  const ids: string[] = []
  for (const [, prefix, from, to] of text.matchAll(/\b((?:KIT|LIVE)-[A-Z]+-)(\d+)(?:\.\.(\d+))?/g)) {
    const width = from!.length
    for (let n = Number(from); n <= Number(to ?? from); n++)
      ids.push(`${prefix}${String(n).padStart(width, '0')}`)
  }
  return [...new Set(ids)]
}

describe('docs/doctor-and-audit.md', () => {
  const text = read('doctor-and-audit.md')
  it.each(ALL.map((c) => [c.id, c.severity, c.fix] as const))(
    'lists %s as %s with its fix',
    (id, severity, fix) => {
      const row = text.split('\n').find((line) => line.startsWith(`| \`${id}\``))
      expect(row, `no table row for ${id}`).toBeDefined()
      expect(row!.split('|')[2]!.trim()).toBe(severity)
      expect(row).toContain(fix.replace(/\|/g, '\\|'))
    },
  )
})

describe('docs/go-live-checklist.md', () => {
  it('names only checks that exist', () => {
    const known = new Set(ALL.map((c) => c.id))
    expect(mentionedIds(read('go-live-checklist.md')).filter((id) => !known.has(id))).toEqual([])
  })

  it('maps the launch plans to most checks (the rest are listed in doctor-and-audit.md)', () => {
    expect(mentionedIds(read('go-live-checklist.md')).length).toBeGreaterThan(ALL.length * 0.8)
  })
})
