// `res.locals.cspNonce` for Express apps: the nonce of this response's CSP,
// for `<script nonce="...">`. On the global `Express.Locals` interface that
// @types/express-serve-static-core merges into res.locals, so this file
// compiles in an app without Express (it is reached from @kit/security's and
// @kit/core's main entries).
declare global {
  namespace Express {
    interface Locals {
      /** This response's CSP nonce: `<script nonce="${res.locals.cspNonce}">`. Set by kit's security headers step. */
      cspNonce: string
    }
  }
}

export {}
