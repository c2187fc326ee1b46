import type { ErrorTable } from '@kit/internal'
import { cliErrors } from './cli/errors.ts'
import { configErrors } from './config/errors.ts'

export const errors: ErrorTable = {
  ...configErrors,
  ...cliErrors,
  KIT_CORE_UNSUPPORTED_APP: {
    when: 'productionize() was given something that is neither an Express 5 app nor a Fastify 5 instance.',
    fix: 'Pass the app object itself: `productionize(express())` or `productionize(Fastify(fastifyOptions()))`, before adding routes.',
  },
  KIT_CORE_DATABASE_URL_INVALID: {
    when: 'DATABASE_URL could not be parsed or uses a protocol kit does not support.',
    fix: 'Use postgres://user:password@host:5432/database (or postgresql://) for PostgreSQL, mysql://user:password@host:3306/database for MySQL or MariaDB. Percent-encode special characters in the password.',
  },
  KIT_CORE_DATABASE_UNAVAILABLE: {
    when: 'The database could not be reached in time: a connection was refused or not ready within database.connectTimeoutMs, none was free within database.acquireTimeoutMs, or a query got no answer within database.queryTimeoutMs. A route that lets it propagate answers 503 with Retry-After.',
    fix: 'Check that the database is up and reachable from the app (DATABASE_URL host and port, firewall, the provider status page). Requests recover by themselves when it is back; raise the database.*TimeoutMs settings only for a slow network.',
  },
  KIT_CORE_DATABASE_OPTION_INVALID: {
    when: 'A time bound under kit.config `database` (statementTimeoutMs, lockTimeoutMs, connectTimeoutMs, acquireTimeoutMs, queryTimeoutMs, keepAliveDelayMs) is not a whole number of milliseconds.',
    fix: 'Use a whole number of milliseconds, e.g. `database: { queryTimeoutMs: 20000 }`; 0 turns statement, lock and query timeouts off.',
  },
  KIT_CORE_REDIS_NOT_CONFIGURED: {
    when: 'Code asked for a Redis connection while REDIS_URL (and REDIS_TLS_URL) is unset.',
    fix: 'Set REDIS_URL (redis:// or rediss://), or leave the feature on its in-memory default.',
  },
  KIT_CORE_TRUST_PROXY_INVALID: {
    when: 'TRUST_PROXY could not be turned into a proxy trust rule.',
    fix: 'Use a hop count (Heroku, Render, Fly: 1) or a comma-separated list of IPs, CIDR ranges, or loopback/linklocal/uniquelocal.',
  },
  KIT_CORE_FASTIFY_OPTIONS_MISSING: {
    when: "TRUST_PROXY is set but the Fastify instance was created without kit's options, so Fastify would not trust the proxy (trustProxy is read only at construction).",
    fix: 'Create the instance with `Fastify(fastifyOptions(config))` from @kit/core, then call productionize(app, config).',
  },
  KIT_CORE_PORT_IN_USE: {
    when: 'kit.listen() could not listen because another process already listens on the port (EADDRINUSE).',
    fix: 'Stop the other process (the message names it when it can; `lsof -nP -iTCP:<port> -sTCP:LISTEN` finds it), or set PORT to a free port.',
  },
  KIT_CORE_LISTEN_FAILED: {
    when: 'kit.listen() could not listen for another reason: a privileged port (EACCES), or a HOST that is not an address of this machine.',
    fix: 'Use PORT=3000 or higher, and HOST=0.0.0.0 (or unset) unless you mean one interface.',
  },
  KIT_CORE_SERVER_TIMEOUT_INVALID: {
    when: 'kit.config `server` has an unknown key, a timeout that is not a positive whole number of milliseconds, or a headers timeout longer than the request timeout.',
    fix: 'Use `server: { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs }` with milliseconds; keep keepAliveTimeoutMs above your load balancer idle timeout (see docs/security.md).',
  },
  KIT_CORE_CONFIG_INVALID: {
    when: 'The config given to productionize() or exported by kit.config is not an object.',
    fix: 'Export an object (or a defineConfig({...}) result) as the default export of kit.config.ts.',
  },
}
