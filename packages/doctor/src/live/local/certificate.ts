import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'
import { isIP } from 'node:net'
import {
  bitString,
  boolean,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  unsignedInteger,
  utcTime,
  utf8String,
} from './der.ts'

/** A CA made for one local audit, and the server certificate it issued. PEM text. */
export interface ThrowawayCertificates {
  /** The CA certificate: the only one the audit trusts. */
  ca: string
  /** The server's private key (PKCS#8). */
  key: string
  /** The server certificate for the names asked for. */
  cert: string
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
}
const HOUR = 3_600_000

const name = (commonName: string) =>
  sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))))
const extension = (oid: string, critical: boolean, value: Buffer) =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value))

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the public key's BIT STRING contents. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // P-256 SPKI: 26 bytes of algorithm and BIT STRING header, then the 65-byte point.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest()
}

/** A host name or IP address as a subjectAltName GeneralName. */
function generalName(host: string): Buffer {
  const version = isIP(host)
  if (version === 4) return implicit(7, Buffer.from(host.split('.').map(Number)))
  if (version === 6) return implicit(7, ipv6Bytes(host))
  return implicit(2, Buffer.from(host, 'ascii'))
}

function ipv6Bytes(address: string): Buffer {
  // The URL serializer writes every IPv6 form (an embedded IPv4 too) as hex groups around one '::'.
  const hex = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const [head = '', tail = ''] = hex.split('::')
  const groups = (part: string) => (part ? part.split(':') : [])
  const left = groups(head)
  const right = hex.includes('::') ? groups(tail) : []
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  const bytes = Buffer.alloc(16)
  for (const [i, group] of all.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2)
  return bytes
}

function issue(options: {
  subject: string
  issuer: string
  publicKey: KeyObject
  signingKey: KeyObject
  issuerKey: KeyObject
  extensions: Buffer[]
  now: Date
}): string {
  const algorithm = sequence(objectIdentifier(OID.ecdsaWithSha256))
  const serial = randomBytes(16)
  serial[0] = (serial[0]! & 0x7f) | 0x40 // positive and minimal, as RFC 5280 §4.1.2.2 asks
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name(options.issuer),
    // An hour either side: a clock a little off still accepts it, and nobody can use it tomorrow.
    sequence(
      utcTime(new Date(options.now.getTime() - HOUR)),
      utcTime(new Date(options.now.getTime() + 24 * HOUR)),
    ),
    name(options.subject),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      sequence(
        extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(options.publicKey))),
        extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyIdentifier(options.issuerKey)))),
        ...options.extensions,
      ),
    ),
  )
  const signature = sign('sha256', tbs, options.signingKey) // ECDSA-Sig-Value, DER
  const der = sequence(tbs, algorithm, bitString(signature))
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`
}

/**
 * A fresh P-256 CA (valid for a day) and a server certificate it issues for
 * `hosts` (DNS names or IP addresses). Nothing is written to disk: the keys
 * live as long as the audit that uses them.
 */
export function createThrowawayCertificates(
  hosts: readonly string[],
  now: Date = new Date(),
): ThrowawayCertificates {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const caName = `kit audit throwaway CA ${randomBytes(4).toString('hex')}`
  const caCert = issue({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerKey: ca.publicKey,
    now,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), smallInteger(0))),
      extension(OID.keyUsage, true, bitString(Buffer.from([0x06]), 1)), // keyCertSign, cRLSign
    ],
  })
  const cert = issue({
    subject: hosts[0] ?? 'localhost',
    issuer: caName,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    issuerKey: ca.publicKey,
    now,
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, bitString(Buffer.from([0x80]), 7)), // digitalSignature
      extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(...hosts.map(generalName))),
    ],
  })
  return {
    ca: caCert,
    key: server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert,
  }
}
