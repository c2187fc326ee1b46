/**
 * Just enough HTML tokenising to read <meta> and <script> elements the way a
 * browser would: comments are skipped, the contents of script, style,
 * textarea and title are raw text (a "<script" inside a script is no
 * element), tag and attribute names are lower-cased, entities in attribute
 * values decoded.
 */
export type Attributes = Record<string, string>

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes'])
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
}

export function collectElements(html: string, tagName: string): Attributes[] {
  const wanted = tagName.toLowerCase()
  const found: Attributes[] = []
  let i = 0
  while (i < html.length) {
    const open = html.indexOf('<', i)
    if (open === -1) break
    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4)
      i = end === -1 ? html.length : end + 3
      continue
    }
    const next = html[open + 1] ?? ''
    if (next === '!' || next === '?' || next === '/') {
      const end = html.indexOf('>', open + 1)
      i = end === -1 ? html.length : end + 1
      continue
    }
    if (!/[A-Za-z]/.test(next)) {
      i = open + 1
      continue
    }
    const tag = readTag(html, open + 1)
    i = tag.end
    if (tag.name === wanted) found.push(tag.attributes)
    if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
      const close = html.toLowerCase().indexOf(`</${tag.name}`, i)
      i = close === -1 ? html.length : close
    }
  }
  return found
}

function readTag(
  html: string,
  start: number,
): { name: string; attributes: Attributes; end: number; selfClosing: boolean } {
  let i = start
  while (i < html.length && !/[\s/>]/.test(html[i]!)) i++
  const name = html.slice(start, i).toLowerCase()
  const attributes: Attributes = {}
  let selfClosing = false
  while (i < html.length) {
    while (i < html.length && /\s/.test(html[i]!)) i++
    const c = html[i]
    if (c === undefined) break
    if (c === '>') return { name, attributes, end: i + 1, selfClosing }
    if (c === '/') {
      selfClosing = html[i + 1] === '>'
      i++
      continue
    }
    const nameStart = i
    while (i < html.length && !/[\s=/>]/.test(html[i]!)) i++
    const attribute = html.slice(nameStart, i).toLowerCase()
    while (i < html.length && /\s/.test(html[i]!)) i++
    let value = ''
    if (html[i] === '=') {
      i++
      while (i < html.length && /\s/.test(html[i]!)) i++
      const quote = html[i]
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1)
        value = html.slice(i + 1, close === -1 ? html.length : close)
        i = close === -1 ? html.length : close + 1
      } else {
        const valueStart = i
        while (i < html.length && !/[\s>]/.test(html[i]!)) i++
        value = html.slice(valueStart, i)
      }
    }
    if (attribute && !(attribute in attributes)) attributes[attribute] = decodeEntities(value)
  }
  return { name, attributes, end: html.length, selfClosing }
}

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1))
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? match
  })
}

/** The policies a page declares itself: <meta http-equiv="Content-Security-Policy"> and <meta name="referrer">. */
export function httpEquiv(html: string): { csp: string[]; referrer: string[] } {
  const csp: string[] = []
  let referrer: string[] = []
  for (const meta of collectElements(html, 'meta')) {
    if ('http-equiv' in meta && 'content' in meta) {
      if (meta['http-equiv']!.trim().toLowerCase() === 'content-security-policy' && meta.content)
        csp.push(meta.content)
    } else if (meta.name?.trim().toLowerCase() === 'referrer' && meta.content) {
      // The last one wins, as in browsers.
      referrer = [meta.content]
    }
  }
  return { csp, referrer }
}
