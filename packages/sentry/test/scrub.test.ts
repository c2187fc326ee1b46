import { addKnownSecret, clearKnownSecrets, REDACTED } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { createScrubbers } from '../src/scrub.ts'

const scrub = createScrubbers()

afterEach(() => clearKnownSecrets())

describe('error events (beforeSend)', () => {
  it('scrubs the message and exception values', () => {
    const event = scrub.event({
      message: 'login failed for token=abc123456',
      exception: { values: [{ type: 'Error', value: 'connect postgres://app:hunter22@db/app failed' }] },
    })
    expect(event.message).toBe(`login failed for token=${REDACTED}`)
    expect(event.exception.values[0]?.value).toBe(`connect postgres://app:${REDACTED}@db/app failed`)
  })

  it('scrubs extra data, contexts and tags by key and by content', () => {
    const event = scrub.event({
      extra: { apiKey: 'k-1234567', order: 42, note: 'Bearer eyJhbGciOiJIUzI1NiJ9' },
      contexts: { payment: { cardToken: 'tok_999999', amount: 10 } },
      tags: { password: 'x', region: 'eu' },
    })
    expect(event.extra).toEqual({ apiKey: REDACTED, order: 42, note: `Bearer ${REDACTED}` })
    expect(event.contexts.payment).toEqual({ cardToken: REDACTED, amount: 10 })
    expect(event.tags).toEqual({ password: REDACTED, region: 'eu' })
  })

  it('scrubs breadcrumbs already on the event', () => {
    const event = scrub.event({
      breadcrumbs: [{ message: 'set password=topsecret1', data: { secret: 's' } }],
    })
    expect(event.breadcrumbs[0]).toEqual({ message: `set password=${REDACTED}`, data: { secret: REDACTED } })
  })

  it('redacts sensitive request headers and keeps the cookies object shape', () => {
    const event = scrub.event({
      request: {
        headers: { authorization: 'Bearer abcdefgh', 'x-api-key': 'k', accept: 'text/html' },
        cookies: { sid: 's3cr3t', theme: 'dark' },
      },
    })
    expect(event.request.headers).toEqual({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      accept: 'text/html',
    })
    expect(event.request.cookies).toEqual({ sid: REDACTED, theme: 'dark' })
  })

  it('cuts query strings off the request URL and drops query_string', () => {
    const event = scrub.event({
      request: { url: 'https://app.test/search?q=private#top', query_string: 'q=private' },
    })
    expect(event.request).toEqual({ url: 'https://app.test/search' })
  })

  it('cuts query strings off the Referer header and URL fields anywhere in the event', () => {
    const referer = 'https://shop.test/reset?step=2#top'
    const event = scrub.event({
      request: { url: 'http://app.test/boom', headers: { referer, 'x-original-url': '/boom?page=3' } },
      contexts: { page: { href: referer, links: [referer] } },
      extra: { redirectedFrom: referer },
    })
    expect(event.request.headers).toEqual({ referer: 'https://shop.test/reset', 'x-original-url': '/boom' })
    expect(event.contexts.page).toEqual({
      href: 'https://shop.test/reset',
      links: ['https://shop.test/reset'],
    })
    expect(event.extra.redirectedFrom).toBe('https://shop.test/reset')
  })

  it('keeps query strings when collect.queryStrings is on, still redacting sensitive parameters', () => {
    const keep = createScrubbers({ keepQueryStrings: true })
    const event = keep.event({ request: { url: 'https://app.test/cb?page=2&token=abcdef12' } })
    expect(event.request.url).toBe(`https://app.test/cb?page=2&token=${REDACTED}`)
  })

  it('replaces registered env secrets wherever they appear', () => {
    addKnownSecret('s3cr3t-value-from-env')
    const event = scrub.event({ exception: { values: [{ value: 'bad key s3cr3t-value-from-env given' }] } })
    expect(event.exception.values[0]?.value).toBe(`bad key ${REDACTED} given`)
  })

  it('treats redactKeys as sensitive too', () => {
    const custom = createScrubbers({ redactKeys: ['ssn_last4'] })
    expect(custom.event({ extra: { ssnLast4: '1234', plan: 'pro' } }).extra).toEqual({
      ssnLast4: REDACTED,
      plan: 'pro',
    })
  })

  it('passes sdkProcessingMetadata through untouched (live SDK objects, never sent)', () => {
    const metadata = { capturedSpanScope: new Map([['password', 'kept']]) }
    const event = scrub.event({ message: 'x', sdkProcessingMetadata: metadata })
    expect(event.sdkProcessingMetadata).toBe(metadata)
  })

  it('does not modify the event it was given', () => {
    const original = { message: 'token=abcdef12', request: { headers: { cookie: 'a=b' } } }
    scrub.event(original)
    expect(original).toEqual({ message: 'token=abcdef12', request: { headers: { cookie: 'a=b' } } })
  })
})

describe('breadcrumbs (beforeBreadcrumb)', () => {
  it('scrubs console lines', () => {
    const crumb = scrub.breadcrumb({ category: 'console', message: 'using Bearer abcdefghijk', data: {} })
    expect(crumb.message).toBe(`using Bearer ${REDACTED}`)
  })

  it('cuts query strings off HTTP breadcrumb URLs', () => {
    const crumb = scrub.breadcrumb({
      category: 'http',
      data: {
        url: 'https://api.test/v1/users?email=a@b.test',
        'http.query': 'email=a@b.test',
        status_code: 200,
      },
    })
    expect(crumb.data).toEqual({ url: 'https://api.test/v1/users', status_code: 200 })
  })
})

describe('spans (beforeSendSpan)', () => {
  it('cuts query strings off URL attributes, raw or typed', () => {
    const span = scrub.span({
      name: 'GET /search',
      attributes: {
        'url.path': '/search?q=private',
        'url.full': { value: 'http://x.test/search?q=private', type: 'string' },
        'url.query': 'q=private',
        'http.route': '/search',
      },
    })
    expect(span.attributes).toEqual({
      'url.path': '/search',
      'url.full': { value: 'http://x.test/search', type: 'string' },
      'http.route': '/search',
    })
  })

  it('cuts query strings off the Referer in every shape: string, array, typed attribute of an array', () => {
    const referer = 'https://shop.test/reset?token=r3set-t0ken-abc&step=2'
    const span = scrub.span({
      name: 'GET /boom',
      attributes: {
        'http.request.header.referer': [referer],
        'http.request.header.x_original_url': { value: [referer, '/a?b=c'], type: 'array' },
        'custom.link': referer,
        'http.route': '/boom',
      },
    })
    expect(span.attributes).toEqual({
      'http.request.header.referer': ['https://shop.test/reset'],
      'http.request.header.x_original_url': { value: ['https://shop.test/reset', '/a'], type: 'array' },
      'custom.link': 'https://shop.test/reset',
      'http.route': '/boom',
    })
    expect(JSON.stringify(span)).not.toContain('step=2')
  })

  it('cuts the query string off a span name made from the raw request line', () => {
    const span = scrub.span({ name: 'GET /search?q=private', attributes: {} })
    expect(span.name).toBe('GET /search')
    expect(scrub.span({ name: 'GET /search', attributes: {} }).name).toBe('GET /search')
  })

  it('redacts header attributes and scrubs status messages', () => {
    const span = scrub.span({
      name: 'POST /login',
      attributes: {
        'http.request.header.authorization': ['Basic dXNlcjpwYXNzd29yZA=='],
        'sentry.status.message': 'login failed password=hunter22',
      },
    })
    expect(span.attributes).toEqual({
      'http.request.header.authorization': REDACTED,
      'sentry.status.message': `login failed password=${REDACTED}`,
    })
  })
})
