// `--import` this to append the URL of every ES module the app loads to
// $KIT_LOAD_LOG (CommonJS modules are read from require.cache by app.mjs).
// Used only in the untimed pass: loader hooks slow start-up down.
import { register } from 'node:module'

register('./record-modules-hooks.mjs', import.meta.url)
