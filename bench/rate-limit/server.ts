/**
 * One variant of variants.ts per process (argv[2]), for run.ts. Over IPC the
 * parent asks for process.cpuUsage() and the number of Redis commands sent,
 * so measuring costs no request.
 */
import type { AddressInfo } from 'node:net'
import { clientsReady, counters, variants } from './variants.ts'

const name = process.argv[2] ?? ''
const make = variants[name]
if (!make)
  throw new Error(`unknown variant ${JSON.stringify(name)}; one of: ${Object.keys(variants).join(', ')}`)
const built = await make()()
await clientsReady()
let port: number
if (built.kind === 'express') {
  port = await new Promise<number>((resolve) => {
    const server = built.app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
} else {
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  port = (built.app.server.address() as AddressInfo).port
}
process.on('message', (message) => {
  if (message === 'stats') process.send!({ cpu: process.cpuUsage(), commandsSent: counters.commandsSent })
  // A clean exit, so that --cpu-prof writes its profile.
  if (message === 'exit') process.exit(0)
})
process.send!({ port })
