import { defineConfig, secret } from '@kit/core'

// One source of truth, read by productionize() and by the `kit` CLI
// (`kit env check`, `kit release`, `kit doctor`).
export default defineConfig({
  env: {
    // Signs the session cookie. Optional in development (a random one is made
    // per start); `secret()` refuses weak or placeholder values in production.
    SESSION_SECRET: secret().optional(),
  },
  rateLimit: {
    routes: { '/auth': 'auth', '/api/ai': 'ai' },
  },
  csp: { 'connect-src': ["'self'"] },
})
