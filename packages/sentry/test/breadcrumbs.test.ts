import { provideCurrentRequestId } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { requestBreadcrumbs } from '../src/breadcrumbs.ts'

let current: string | undefined
provideCurrentRequestId(() => current)
afterEach(() => {
  current = undefined
})

describe('breadcrumbs per request in errors-only mode', () => {
  it("keeps an event's own request's breadcrumbs and those from outside any request, without the tag", () => {
    const crumbs = requestBreadcrumbs('errors-only')
    const added = []
    current = 'req-a'
    added.push(crumbs.tag({ message: 'a says hi', data: { n: 1 } }))
    current = 'req-b'
    added.push(crumbs.tag({ message: 'b says hi' }))
    current = undefined
    added.push(crumbs.tag({ message: 'process line' }))

    const event = crumbs.select({ tags: { request_id: 'req-a' }, breadcrumbs: added })
    expect(event.breadcrumbs).toEqual([{ message: 'a says hi', data: { n: 1 } }, { message: 'process line' }])
    const outside = crumbs.select({ breadcrumbs: added })
    expect(outside.breadcrumbs).toEqual([{ message: 'process line' }])
  })

  it("tags an event captured inside a request (the app's own capture) with its request id", () => {
    const crumbs = requestBreadcrumbs('errors-only')
    current = 'req-c'
    const crumb = crumbs.tag({ message: 'c says hi' })
    const event = crumbs.select({ breadcrumbs: [crumb], tags: { tenant: 'acme' } })
    expect(event.tags).toEqual({ tenant: 'acme', request_id: 'req-c' })
    expect(event.breadcrumbs).toEqual([{ message: 'c says hi' }])
  })

  it('changes nothing in full mode (the SDK isolates requests itself)', () => {
    const crumbs = requestBreadcrumbs('full')
    current = 'req-a'
    const crumb = { message: 'x' }
    expect(crumbs.tag(crumb)).toBe(crumb)
  })
})
