// `--import` this to append the URL of every module loaded through Node's
// ES module loader (require()d ES modules included) to $KIT_LOAD_LOG.
import { register } from 'node:module'

register('./record-loads-hooks.mjs', import.meta.url)
