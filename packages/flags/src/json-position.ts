/**
 * Where a JSON text stops being valid. Node 20's JSON.parse does not always
 * say (`Unexpected token '}', "..." is not valid JSON`), and an operator who
 * mistyped FEATURE_FLAGS needs a line and a column. A small scanner that
 * follows RFC 8259 and stops at the first fault.
 */
export interface JsonFault {
  /** 0-based offset into the text. */
  offset: number
  /** 1-based. */
  line: number
  /** 1-based. */
  column: number
  problem: string
}

export function findJsonFault(text: string): JsonFault | undefined {
  let i = 0
  const fail = (problem: string): never => {
    throw Object.assign(new Error(problem), { offset: i })
  }
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++
  }
  const found = () => (i >= text.length ? 'end of input' : JSON.stringify(text[i]))
  const describe = () => `unexpected ${found()}`
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length
    else fail(`invalid value (did you mean ${word}?)`)
  }
  const string = () => {
    i++ // opening quote
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i)
      if (code < 0x20) fail('control character inside a string (escape it, e.g. \\n)')
      if (text[i] === '\\') {
        i++
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('invalid \\u escape')
          i += 4
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('invalid escape in a string')
      }
      i++
    }
    if (i >= text.length) fail('unterminated string')
    i++
  }
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i))
    if (!match) fail(describe())
    i += match![0].length
    if (/[0-9.eE]/.test(text[i] ?? '')) fail('invalid number')
  }
  const value = (): void => {
    space()
    const c = text[i]
    if (c === '{') object()
    else if (c === '[') array()
    else if (c === '"') string()
    else if (c === 't') literal('true')
    else if (c === 'f') literal('false')
    else if (c === 'n') literal('null')
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number()
    else fail(c === "'" ? "strings need double quotes, not '" : describe())
  }
  const object = () => {
    i++
    space()
    if (text[i] === '}') {
      i++
      return
    }
    for (;;) {
      space()
      if (text[i] !== '"') fail(`expected a property name in double quotes, found ${found()}`)
      string()
      space()
      if (text[i] !== ':') fail(`expected ':' after the property name, found ${found()}`)
      i++
      value()
      space()
      if (text[i] === ',') {
        i++
        space()
        if (text[i] === '}') fail('trailing comma before }')
        continue
      }
      if (text[i] === '}') {
        i++
        return
      }
      fail(`expected ',' or '}' after a property value, found ${found()}`)
    }
  }
  const array = () => {
    i++
    space()
    if (text[i] === ']') {
      i++
      return
    }
    for (;;) {
      value()
      space()
      if (text[i] === ',') {
        i++
        space()
        if (text[i] === ']') fail('trailing comma before ]')
        continue
      }
      if (text[i] === ']') {
        i++
        return
      }
      fail(`expected ',' or ']' after an array element, found ${found()}`)
    }
  }
  try {
    value()
    space()
    if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`)
    return undefined
  } catch (error) {
    const offset = (error as { offset: number }).offset
    return { offset, ...lineAndColumn(text, offset), problem: (error as Error).message }
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let j = 0; j < offset && j < text.length; j++) {
    if (text[j] === '\n') {
      line++
      start = j + 1
    }
  }
  return { line, column: offset - start + 1 }
}
