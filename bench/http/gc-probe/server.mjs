/**
 * One server for gc-probe/run.mjs: node:http answering GET /hello, with one
 * of Express's per-request habits added (argv[2]), or Express itself.
 *   plain    node:http alone
 *   proto    Object.setPrototypeOf(req, ...) and (res, ...), as Express's app.handle does per request
 *   proto-held     proto, plus a small object per request kept on res (as middleware keeps its state)
 *   proto-dropped  proto-held, the object taken off res when the response closes
 *   express  express() with one route, as the http suite's 'express bare'
 *   express-classes  the same app, its server made with http.createServer({ IncomingMessage, ServerResponse })
 *                    classes whose prototypes are app.request / app.response, so Express's per-request
 *                    setPrototypeOf finds the prototype already set and changes nothing
 * Loads itself with autocannon (5000 warm-up requests, then "measured" is
 * printed and 10000 requests run), so --trace-gc lines after that mark belong to the load.
 */

import { createServer, IncomingMessage, ServerResponse } from 'node:http'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const mode = process.argv[2] ?? 'plain'
// Long-lived prototypes, as Express's app.request / app.response are.
const requestProto = Object.create(IncomingMessage.prototype)
const responseProto = Object.create(ServerResponse.prototype)

function hello(req, res) {
  if (mode.startsWith('proto')) {
    Object.setPrototypeOf(req, requestProto)
    Object.setPrototypeOf(res, responseProto)
  }
  if (mode === 'proto-held' || mode === 'proto-dropped')
    res.state = { id: String(Math.random()), tags: ['a', 'b'] }
  if (mode === 'proto-dropped') res.once('close', dropState)
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('hello')
}

function dropState() {
  this.state = undefined
}

function handler() {
  if (!mode.startsWith('express')) return hello
  const app = require('express')()
  app.get('/hello', (_req, res) => res.send('hello'))
  return app
}

function serverOptions(app) {
  if (mode === 'express-subclass') {
    // Real subclasses whose prototypes become app.request / app.response (inheriting the old ones).
    class Request extends IncomingMessage {}
    class Response extends ServerResponse {}
    Object.setPrototypeOf(Request.prototype, app.request)
    Object.setPrototypeOf(Response.prototype, app.response)
    app.request = Request.prototype
    app.response = Response.prototype
    return { IncomingMessage: Request, ServerResponse: Response }
  }
  if (mode !== 'express-classes') return {}
  function Request(socket) {
    IncomingMessage.call(this, socket)
  }
  Request.prototype = app.request
  function Response(req, options) {
    ServerResponse.call(this, req, options)
  }
  Response.prototype = app.response
  return { IncomingMessage: Request, ServerResponse: Response }
}

const app = handler()
const server = createServer(serverOptions(app), app).listen(0, '127.0.0.1', async () => {
  const autocannon = require('autocannon')
  const url = `http://127.0.0.1:${server.address().port}/hello`
  await autocannon({ url, connections: 10, amount: 5000 })
  process.stdout.write('measured\n')
  const cpu = process.cpuUsage()
  await autocannon({ url, connections: 10, amount: 10000 })
  const used = process.cpuUsage(cpu)
  process.stdout.write(`cpu=${Math.round((used.user + used.system) / 10000)}\n`)
  server.close()
  process.exit(0)
})
