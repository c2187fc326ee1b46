import type { NodeOptions } from '@sentry/node'
import type { SentryConfig } from './options.ts'

type DataCollection = NonNullable<NodeOptions['dataCollection']>

/**
 * The SDK's `dataCollection` from kit's switches. Sentry 11 collects cookies,
 * query strings, bodies, user IPs, every header and local variables by
 * default; kit turns each off unless the app opts in, then scrubs what is
 * left (scrub.ts). Source lines around a frame (code, not data) stay on.
 */
export function toDataCollection({ collect }: SentryConfig): DataCollection {
  return {
    userInfo: collect.userIp,
    cookies: collect.cookies,
    httpHeaders: {
      request: collect.requestHeaders === true ? true : { allow: [...collect.requestHeaders] },
      response: false,
    },
    httpBodies: collect.requestBodies ? ['incomingRequest'] : [],
    urlQueryParams: collect.queryStrings,
    graphQL: { document: true, variables: false },
    genAI: { inputs: false, outputs: false },
    mcp: { inputs: false, outputs: false },
    databaseQueryData: false,
    queues: false,
    stackFrameVariables: collect.localVariables,
  }
}
