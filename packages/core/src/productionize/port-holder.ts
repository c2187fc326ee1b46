import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { KitError } from '@kit/internal'

/**
 * On Linux, the pid and command line of the process listening on `port`, read
 * from /proc (only processes of the same user are visible); undefined
 * elsewhere or when it cannot be told. Runs only after a failed listen.
 */
export function listenerOf(port: number): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    const inodes = new Set<string>()
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/)
        // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN.
        if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9])
      }
    }
    if (inodes.size === 0) return undefined
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue
      let fds: string[]
      try {
        fds = readdirSync(`/proc/${pid}/fd`)
      } catch {
        continue
      }
      for (const fd of fds) {
        let link = ''
        try {
          link = readlinkSync(`/proc/${pid}/fd/${fd}`)
        } catch {}
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1]
        if (inode && inodes.has(inode)) {
          const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
          return `pid ${pid}: ${command.slice(0, 200)}`
        }
      }
    }
  } catch {}
  return undefined
}

/** The socket errors of listen() itself; anything else (a plugin failing in Fastify's ready()) is the app's own. */
const LISTEN_CODES = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'EPERM', 'EINVAL'])

/**
 * kit.listen()'s error when the server cannot listen: which address, who
 * may hold it, and what to do. Express 5 hands this error to the listen
 * callback instead of throwing, so without this it was swallowed. An error
 * that is not about the address (Fastify's listen() also loads plugins) is
 * returned unchanged: calling it a port problem would send the user to the
 * wrong place.
 */
export function listenError(error: unknown, port: number, host: string): unknown {
  const errno = error as NodeJS.ErrnoException | undefined
  const code = errno?.code
  if (errno?.syscall !== 'listen' && !(code !== undefined && LISTEN_CODES.has(code))) return error
  const where = `${host}:${port}`
  if (code === 'EADDRINUSE') {
    const holder = listenerOf(port)
    return new KitError(
      'KIT_CORE_PORT_IN_USE',
      `Cannot listen on ${where}: the port is already in use${holder ? ` by ${holder}` : ' by another process (often an earlier `npm run dev` still running, or another app)'}. Stop it (find it with \`lsof -nP -iTCP:${port} -sTCP:LISTEN\`), or set PORT to a free port.`,
      { cause: error },
    )
  }
  return new KitError(
    'KIT_CORE_LISTEN_FAILED',
    `Cannot listen on ${where}: ${code ?? (error as Error | undefined)?.message ?? String(error)}.${code === 'EACCES' ? ' Ports below 1024 need privileges: use PORT=3000 or higher.' : code === 'EADDRNOTAVAIL' ? ' That address is not on this machine: set HOST to one of its addresses, or 0.0.0.0.' : ''}`,
    { cause: error },
  )
}
