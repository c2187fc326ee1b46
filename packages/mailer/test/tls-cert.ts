import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  key: string
  cert: string
}

let cached: TestCertificate | undefined

/**
 * A fresh self-signed certificate for localhost and 127.0.0.1, made with the
 * openssl CLI (node:crypto cannot issue X.509 certificates). smtp-server's
 * built-in certificate has expired, so the SMTP tests bring this one and the
 * client trusts it as its CA: verification stays on.
 */
export function testCertificate(): TestCertificate {
  if (cached) return cached
  const dir = mkdtempSync(join(tmpdir(), 'kit-mailer-cert-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe', timeout: 20_000 },
    )
    cached = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
    return cached
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
