import type { ListenOptions } from './handle.ts'

/** Where kit.listen() binds, on either framework: options, then PORT / HOST from env. */
export function listenTarget(
  options: ListenOptions,
  envPort: number,
  production: boolean,
): { port: number; host: string } {
  return {
    port: options.port ?? envPort,
    host: options.host ?? process.env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
  }
}
