/**
 * Names the tool a migration file kit cannot load was most likely written
 * for, so the refusal can say how to convert it. Patterns follow each tool's
 * documented file naming.
 */
export function guessTool(name: string): string {
  if (/^[VUR]\d+(?:[._]\d+)*__.+\.sql$/.test(name)) return 'Flyway (V<version>__<description>.sql)'
  if (/^\d+\.(?:do|undo)\.(?:.+\.)?sql$/i.test(name)) return 'postgrator (<version>.do.<name>.sql / .undo.)'
  if (/\.(?:up|down)\.sql$/i.test(name)) return 'golang-migrate / sqlx (<version>_<name>.up.sql / .down.sql)'
  if (/\.sql$/i.test(name))
    return 'a plain SQL file with no `-- migrate:up` marker (a schema dump, a seed, or dbmate/node-pg-migrate without markers)'
  if (/\.(?:coffee|litcoffee|ls)$/i.test(name))
    return 'a CoffeeScript/LiveScript knex migration (compile it to .js)'
  if (/\.rb$/i.test(name)) return 'Rails (ActiveRecord)'
  if (/\.py$/i.test(name)) return 'Alembic / Django'
  if (/\.go$/i.test(name)) return 'a Go migration tool'
  return 'not a migration format kit knows'
}

/** Files that sit in a migrations folder without being migrations: documentation and source maps. */
export function isIgnored(name: string): boolean {
  return (
    name.startsWith('.') ||
    /\.d\.[cm]?ts$/.test(name) ||
    /\.(?:md|markdown|txt|map)$/i.test(name) ||
    /^(?:readme|license|changelog)(?:\.|$)/i.test(name)
  )
}

/** `.sql` names of tools whose up and down live in separate files, or whose history kit does not keep: never run natively. */
export function otherToolsSql(name: string): boolean {
  return (
    /^[VUR]\d+(?:[._]\d+)*__/.test(name) ||
    /\.(?:do|undo|up|down)\.sql$/i.test(name) ||
    /^\d+\.(?:do|undo)\./i.test(name)
  )
}
