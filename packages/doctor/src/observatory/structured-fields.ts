/**
 * RFC 8941 structured field values, the parts the audit reads: an Item
 * (COOP and COEP are a token with parameters) and a Dictionary
 * (Permissions-Policy). Parsing follows the RFC's algorithms; anything else
 * throws, and the header counts as invalid.
 */
export type BareItem = { type: 'token' | 'string' | 'number' | 'boolean' | 'bytes'; value: string }
export interface Item {
  item: BareItem
  params: Map<string, BareItem>
}
export interface InnerList {
  items: Item[]
  params: Map<string, BareItem>
}

class Parser {
  i = 0
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  peek(): string | undefined {
    return this.text[this.i]
  }
  fail(why: string): never {
    throw new Error(`not a structured field (${why} at ${this.i})`)
  }
  skipSp(): void {
    while (this.peek() === ' ') this.i++
  }
  skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++
  }

  bareItem(): BareItem {
    const c = this.peek() ?? this.fail('end of input')
    if (c === '-' || /\d/.test(c)) return this.number()
    if (c === '"') return this.string()
    if (c === '*' || /[A-Za-z]/.test(c)) return this.token()
    if (c === ':') return this.bytes()
    if (c === '?') return this.boolean()
    return this.fail(`unexpected ${JSON.stringify(c)}`)
  }
  number(): BareItem {
    const m = /^-?\d{1,15}(\.\d{1,3})?/.exec(this.text.slice(this.i))
    if (!m) this.fail('bad number')
    this.i += m[0].length
    return { type: 'number', value: m[0] }
  }
  string(): BareItem {
    let out = ''
    this.i++
    while (this.i < this.text.length) {
      const c = this.text[this.i++]!
      if (c === '\\') {
        const next = this.text[this.i++]
        if (next !== '"' && next !== '\\') this.fail('bad escape')
        out += next
      } else if (c === '"') return { type: 'string', value: out }
      else if (c < ' ' || c > '~') this.fail('bad character in string')
      else out += c
    }
    return this.fail('unterminated string')
  }
  token(): BareItem {
    const m = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(this.text.slice(this.i))!
    this.i += m[0].length
    return { type: 'token', value: m[0] }
  }
  bytes(): BareItem {
    const end = this.text.indexOf(':', this.i + 1)
    if (end === -1) this.fail('unterminated byte sequence')
    const value = this.text.slice(this.i + 1, end)
    if (!/^[A-Za-z0-9+/=]*$/.test(value)) this.fail('bad byte sequence')
    this.i = end + 1
    return { type: 'bytes', value }
  }
  boolean(): BareItem {
    const value = this.text[this.i + 1]
    if (value !== '0' && value !== '1') this.fail('bad boolean')
    this.i += 2
    return { type: 'boolean', value }
  }
  key(): string {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(this.text.slice(this.i))
    if (!m) this.fail('bad key')
    this.i += m[0].length
    return m[0]
  }
  params(): Map<string, BareItem> {
    const params = new Map<string, BareItem>()
    while (this.peek() === ';') {
      this.i++
      this.skipSp()
      const key = this.key()
      let value: BareItem = { type: 'boolean', value: '1' }
      if (this.peek() === '=') {
        this.i++
        value = this.bareItem()
      }
      params.set(key, value)
    }
    return params
  }
  item(): Item {
    const item = this.bareItem()
    return { item, params: this.params() }
  }
  itemOrInnerList(): Item | InnerList {
    if (this.peek() !== '(') return this.item()
    this.i++
    const items: Item[] = []
    while (this.i < this.text.length) {
      this.skipSp()
      if (this.peek() === ')') {
        this.i++
        return { items, params: this.params() }
      }
      items.push(this.item())
      const c = this.peek()
      if (c !== ' ' && c !== ')') this.fail('bad inner list')
    }
    return this.fail('unterminated inner list')
  }
  end(): void {
    this.skipSp()
    if (this.i !== this.text.length) this.fail('trailing characters')
  }
}

export function parseItem(text: string): Item {
  const parser = new Parser(text.trim())
  const item = parser.item()
  parser.end()
  return item
}

export function parseDictionary(text: string): Map<string, Item | InnerList> {
  const parser = new Parser(text.trim())
  const members = new Map<string, Item | InnerList>()
  while (parser.i < parser.text.length) {
    const key = parser.key()
    if (parser.peek() === '=') {
      parser.i++
      members.set(key, parser.itemOrInnerList())
    } else {
      members.set(key, { item: { type: 'boolean', value: '1' }, params: parser.params() })
    }
    parser.skipOws()
    if (parser.i >= parser.text.length) break
    if (parser.peek() !== ',') parser.fail('expected ","')
    parser.i++
    parser.skipOws()
    if (parser.i >= parser.text.length) parser.fail('trailing comma')
  }
  return members
}

/** The token of an Item header (`same-origin; report-to="x"` → same-origin), or undefined when it is not one. */
export function structuredToken(text: string): string | undefined {
  try {
    const { item } = parseItem(text)
    return item.type === 'token' ? item.value : undefined
  } catch {
    return undefined
  }
}
