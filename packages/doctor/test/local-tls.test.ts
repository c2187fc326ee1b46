// The pieces of `kit audit` local mode on their own, over real sockets: the
// throwaway CA and certificate (node:crypto keys, our DER), and the TLS
// terminator that forwards to the app as a platform router does.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { createServer as createHttpsServer, request } from 'node:https'
import { type AddressInfo, isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkServerIdentity, createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls'
import { freePort, listenExpress } from '@kit/test-utils'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { createThrowawayCertificates } from '../src/live/local/certificate.ts'
import { startLocalTerminator } from '../src/live/local/terminator.ts'

interface Answer {
  authorized: boolean
  error: string | undefined
  status: number
  body: string
  headers: IncomingHttpHeaders
  raw: string[]
}

/** One HTTPS (or HTTP) request to 127.0.0.1:port for `name`, trusting `ca` only. */
function send(port: number, name: string, ca: string, options: { plain?: boolean; path?: string } = {}) {
  const tls = options.plain
    ? {}
    : {
        rejectUnauthorized: false,
        secureContext: createSecureContext({ ca }),
        checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
        ...(isIP(name) === 0 ? { servername: name } : {}),
      }
  return new Promise<Answer>((resolve, reject) => {
    const req = (options.plain ? httpRequest : request)(
      { host: '127.0.0.1', port, path: options.path ?? '/', agent: false, headers: { host: name }, ...tls },
      (res) => {
        const socket = res.socket as TLSSocket
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.once('end', () =>
          resolve({
            authorized: socket.authorized === true,
            error: socket.authorizationError ? String(socket.authorizationError) : undefined,
            status: res.statusCode ?? 0,
            body,
            headers: res.headers,
            raw: res.rawHeaders,
          }),
        )
      },
    )
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')))
    req.once('error', reject)
    req.end()
  })
}

async function serveTls(tls: {
  key: string
  cert: string
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpsServer(tls, (_req, res) => res.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('the throwaway certificate', () => {
  it('verifies for each name it was made for when its CA alone is trusted', async () => {
    const names = ['shop.example.test', '127.0.0.1', '::1']
    const certs = createThrowawayCertificates(names)
    const server = await serveTls(certs)
    try {
      for (const name of names) {
        const answer = await send(server.port, name, certs.ca)
        expect({ name, authorized: answer.authorized, error: answer.error }).toEqual({
          name,
          authorized: true,
          error: undefined,
        })
      }
      const other = await send(server.port, 'other.example.test', certs.ca)
      expect(other.authorized).toBe(false)
      expect(other.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match/i)
    } finally {
      await server.close()
    }
  })

  it('does not verify under another run’s CA', async () => {
    const certs = createThrowawayCertificates(['127.0.0.1'])
    const server = await serveTls(certs)
    try {
      const answer = await send(server.port, '127.0.0.1', createThrowawayCertificates(['127.0.0.1']).ca)
      expect(answer.authorized).toBe(false)
      expect(answer.error).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|signature|issuer/i)
    } finally {
      await server.close()
    }
  })

  it('passes openssl verify -x509_strict as a TLS server certificate', () => {
    const certs = createThrowawayCertificates(['shop.example.test'])
    const dir = mkdtempSync(join(tmpdir(), 'kit-audit-local-'))
    try {
      writeFileSync(join(dir, 'ca.pem'), certs.ca)
      writeFileSync(join(dir, 'cert.pem'), certs.cert)
      const out = execFileSync(
        'openssl',
        [
          'verify',
          '-x509_strict',
          '-purpose',
          'sslserver',
          '-verify_hostname',
          'shop.example.test',
          '-CAfile',
          'ca.pem',
          'cert.pem',
        ],
        { cwd: dir, encoding: 'utf8' },
      )
      expect(out.trim()).toBe('cert.pem: OK')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the local TLS terminator', () => {
  it('forwards HTTPS and plain HTTP with a platform router’s headers and passes answers through as sent', async () => {
    const app = express()
    app.get('/echo', (req, res) => {
      res.append('Strict-Transport-Security', 'max-age=1')
      res.append('Strict-Transport-Security', 'max-age=2')
      res.json(req.headers)
    })
    const upstream = await listenExpress(app)
    const certs = createThrowawayCertificates(['shop.example.test'])
    const terminator = await startLocalTerminator({
      upstream: new URL(`${upstream.url}/`),
      tls: certs,
      publicPorts: { https: 443, http: 80 },
    })
    try {
      const secure = await send(terminator.httpsPort, 'shop.example.test', certs.ca, { path: '/echo' })
      expect(secure.authorized).toBe(true)
      expect(JSON.parse(secure.body)).toMatchObject({
        host: 'shop.example.test',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '443',
        'x-forwarded-host': 'shop.example.test',
      })
      // Two HSTS fields stay two (LIVE-DUP-01 grades what the app sends).
      expect(secure.raw.filter((f) => f.toLowerCase() === 'strict-transport-security')).toHaveLength(2)
      const plain = await send(terminator.httpPort, 'shop.example.test', certs.ca, {
        plain: true,
        path: '/echo',
      })
      expect(JSON.parse(plain.body)).toMatchObject({ 'x-forwarded-proto': 'http', 'x-forwarded-port': '80' })
    } finally {
      await terminator.close()
      await upstream.close()
    }
  })

  it('answers 502 when the app is not listening', async () => {
    const certs = createThrowawayCertificates(['127.0.0.1'])
    const terminator = await startLocalTerminator({
      upstream: new URL(`http://127.0.0.1:${await freePort()}/`),
      tls: certs,
      publicPorts: { https: 443, http: 80 },
    })
    try {
      expect((await send(terminator.httpsPort, '127.0.0.1', certs.ca)).status).toBe(502)
    } finally {
      await terminator.close()
    }
  })
})
