import { type Painter, PLAIN } from '../../render.ts'
import type { LocalModeReport } from './local-mode.ts'

const HOST_FROM: Record<LocalModeReport['hostFrom'], string> = {
  option: '--host',
  APP_URL: 'APP_URL',
  url: 'the URL; pass --host or set APP_URL to present the production host',
}

/** The lines `kit audit` prints under its title in local mode. */
export function renderLocalMode(local: LocalModeReport, c: Painter = PLAIN): string[] {
  return [
    `${c.bold('Local mode')}: ${local.app} audited as ${local.publicUrl} (host from ${HOST_FROM[local.hostFrom]})`,
    '  simulated:',
    ...local.simulated.map((item) => `    - ${item}`),
    `  ${c.yellow('not checked locally')} (audit the deployed https:// URL for these):`,
    ...local.notChecked.map((item) => `    - ${item}`),
    ...local.notes.map((note) => `  ${c.yellow('note')}: ${note}`),
  ]
}
