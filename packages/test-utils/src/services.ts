import { createConnection } from 'node:net'

export const POSTGRES_URL = process.env.KIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const MARIADB_URL = process.env.KIT_TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test'
export const REDIS_URL = process.env.KIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

const START_HINT: Record<string, string> = {
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  mariadb: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}

/**
 * Fails (never skips) when a service the test needs is down: a missing
 * service must turn CI red, not hide tests. `.ci/run` starts all three.
 */
export async function requireService(name: 'postgres' | 'mariadb' | 'redis'): Promise<void> {
  const url = new URL(name === 'postgres' ? POSTGRES_URL : name === 'mariadb' ? MARIADB_URL : REDIS_URL)
  const port = Number(url.port)
  const ok = await canConnect(url.hostname, port)
  if (!ok) {
    throw new Error(
      `This test needs ${name} on ${url.hostname}:${port}, which refused the connection. Start it with: ${START_HINT[name]}`,
    )
  }
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
