// What the start-up scripts (compare.mjs, memory.mjs) share: the variants,
// the request and the production environment of the start-up apps
// (bench/http/startup/app.mjs), and a free port for each process.
import { createServer } from 'node:net'

export const VARIANTS = ['express README-style', 'express kit', 'fastify README-style', 'fastify kit']

// As bench/http/shared.ts: an allowed origin through the trusted loopback proxy (no https redirect).
export const HEADERS = {
  origin: 'https://app.example.com',
  'x-forwarded-proto': 'https',
  accept: '*/*',
  'user-agent': 'kit-bench',
}

export const ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  TRUST_PROXY: 'loopback',
  ALLOWED_ORIGINS: 'https://app.example.com,https://admin.example.com',
  RATE_LIMIT_PER_MINUTE: '1000000000',
  MAX_UPLOAD_SIZE: '1048576',
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}
