/**
 * Just enough SQL lexing to check DDL: split a script into statements and
 * blank out comments and string literals, so a keyword inside a string or a
 * comment never looks like an operation.
 */

/** Splits on top-level `;`, skipping quotes, dollar-quoted bodies and comments. Returns trimmed statements. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let start = 0
  let i = 0
  while (i < sql.length) {
    const end = skipToken(sql, i)
    if (end > i) {
      i = end
      continue
    }
    if (sql[i] === ';') {
      statements.push(sql.slice(start, i))
      start = i + 1
    }
    i++
  }
  statements.push(sql.slice(start))
  return statements.map((s) => s.trim()).filter((s) => s.length > 0)
}

/**
 * Lower-cases a statement for matching, with comments removed, string
 * literals replaced by '' and runs of whitespace collapsed. Quoted
 * identifiers keep their quotes.
 */
export function normalise(statement: string): string {
  let out = ''
  let i = 0
  while (i < statement.length) {
    const end = skipToken(statement, i)
    if (end > i) {
      const token = statement.slice(i, end)
      if (token.startsWith("'") || token.startsWith('$') || /^[eE]'/.test(token)) out += "''"
      else if (token.startsWith('"') || token.startsWith('`')) out += token.toLowerCase()
      else out += ' '
      i = end
      continue
    }
    out += statement[i]!.toLowerCase()
    i++
  }
  return out.replace(/\s+/g, ' ').trim()
}

/** If a comment, string, quoted identifier or dollar-quoted body starts at `i`, the index after it; else `i`. */
function skipToken(sql: string, i: number): number {
  const c = sql[i]
  const next = sql[i + 1]
  if (c === '-' && next === '-') {
    const nl = sql.indexOf('\n', i)
    return nl === -1 ? sql.length : nl
  }
  if (c === '#' && !/\w/.test(sql[i - 1] ?? '')) {
    // MySQL comment; harmless for Postgres DDL, which never starts a token with #.
    const nl = sql.indexOf('\n', i)
    return nl === -1 ? sql.length : nl
  }
  if (c === '/' && next === '*') {
    const close = sql.indexOf('*/', i + 2)
    return close === -1 ? sql.length : close + 2
  }
  if (c === "'" || c === '"' || c === '`') return closeQuote(sql, i, c)
  if ((c === 'e' || c === 'E') && next === "'" && !/\w/.test(sql[i - 1] ?? ''))
    return closeQuote(sql, i + 1, "'")
  if (c === '$') {
    const tag = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(sql.slice(i))
    if (tag && !/\w/.test(sql[i - 1] ?? '')) {
      const close = sql.indexOf(tag[0], i + tag[0].length)
      return close === -1 ? sql.length : close + tag[0].length
    }
  }
  return i
}

function closeQuote(sql: string, i: number, quote: string): number {
  let j = i + 1
  while (j < sql.length) {
    if (sql[j] === '\\' && quote === "'") {
      j += 2
      continue
    }
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        j += 2
        continue
      }
      return j + 1
    }
    j++
  }
  return sql.length
}

/** Splits a normalised ALTER TABLE action list on top-level commas. */
export function splitActions(actions: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < actions.length; i++) {
    const c = actions[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    else if ((c === '"' || c === '`') && depth >= 0) {
      const close = actions.indexOf(c, i + 1)
      if (close !== -1) i = close
    } else if (c === ',' && depth === 0) {
      parts.push(actions.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(actions.slice(start).trim())
  return parts.filter(Boolean)
}

/** An identifier, quoted or not, optionally schema-qualified. */
export const IDENT: string = String.raw`(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|[a-z_][a-z0-9_$]*)(?:\.(?:"(?:[^"]|"")+"|\x60[^\x60]+\x60|[a-z_][a-z0-9_$]*))?`

/** The bare name of a (possibly qualified, possibly quoted) identifier: `"public"."Users"` → `Users`. */
export function bareName(ident: string): string {
  const parts = ident.match(/"(?:[^"]|"")+"|`[^`]+`|[^.]+/g) ?? [ident]
  const last = parts[parts.length - 1] ?? ident
  return last.replace(/^["`]|["`]$/g, '')
}

export function shorten(statement: string, max = 240): string {
  const flat = statement.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat
}
