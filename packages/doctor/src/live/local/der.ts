// The few DER (ASN.1) encodings an X.509 certificate is made of. node:crypto
// makes keys and signatures but has no certificate writer; the packages that
// have one need a global Reflect polyfill or bring a dozen others
// (docs/internals/throwaway-certificates.md). Tags and rules: X.690 §8, §10.

/** One DER element: tag, length, contents. */
export function element(tag: number, contents: Buffer): Buffer {
  const length = contents.length
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), contents])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), contents])
}

export const sequence = (...items: Buffer[]): Buffer => element(0x30, Buffer.concat(items))
export const set = (...items: Buffer[]): Buffer => element(0x31, Buffer.concat(items))
export const octetString = (contents: Buffer): Buffer => element(0x04, contents)
export const utf8String = (text: string): Buffer => element(0x0c, Buffer.from(text, 'utf8'))
export const boolean = (value: boolean): Buffer => element(0x01, Buffer.from([value ? 0xff : 0]))
/** `[n] EXPLICIT`: the element wrapped in a constructed context tag. */
export const explicit = (n: number, inner: Buffer): Buffer => element(0xa0 | n, inner)
/** `[n] IMPLICIT` of a primitive type (GeneralName's dNSName is [2], iPAddress [7]). */
export const implicit = (n: number, contents: Buffer): Buffer => element(0x80 | n, contents)

/** A non-negative INTEGER from its big-endian bytes (a leading 0 keeps a high first bit positive). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++
  const trimmed = bytes.subarray(start)
  return element(0x02, trimmed[0]! >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed)
}

export const smallInteger = (value: number): Buffer => unsignedInteger(Buffer.from([value]))

/** BIT STRING with `unusedBits` zero bits at the end of the last byte. */
export const bitString = (contents: Buffer, unusedBits = 0): Buffer =>
  element(0x03, Buffer.concat([Buffer.from([unusedBits]), contents]))

/** OBJECT IDENTIFIER from its dotted form ('2.5.29.17'). */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number)
  const bytes = [40 * arcs[0]! + arcs[1]!]
  for (const arc of arcs.slice(2)) {
    const base128 = [arc & 0x7f]
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128))
      base128.unshift((rest & 0x7f) | 0x80)
    bytes.push(...base128)
  }
  return element(0x06, Buffer.from(bytes))
}

/** UTCTime (years 1950-2049) as RFC 5280 §4.1.2.5.1 requires: YYMMDDHHMMSSZ. */
export function utcTime(date: Date): Buffer {
  const iso = date.toISOString() // 2026-12-07T17:36:29.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
  return element(0x17, Buffer.from(text, 'ascii'))
}
