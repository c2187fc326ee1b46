import { InFlightEntry, InFlightList } from '@kit/internal'
import { describe, expect, it } from 'vitest'

class Job extends InFlightEntry {
  readonly id: number
  constructor(id: number) {
    super()
    this.id = id
  }
}

const ids = (list: InFlightList<Job>) => [...list].map((job) => job.id)

describe('InFlightList', () => {
  it('lists entries in the order they were added and removes any of them in O(1)', () => {
    const list = new InFlightList<Job>()
    const jobs = [1, 2, 3, 4, 5].map((id) => new Job(id))
    for (const job of jobs) list.add(job)
    expect(ids(list)).toEqual([1, 2, 3, 4, 5])
    list.remove(jobs[0]!) // head
    list.remove(jobs[4]!) // tail
    list.remove(jobs[2]!) // middle
    expect(ids(list)).toEqual([2, 4])
    expect(list.size).toBe(2)
    expect(list.first?.id).toBe(2)
  })

  it('leaves a removed entry pointing at nothing, so a dead entry keeps no later one alive', () => {
    const list = new InFlightList<Job>()
    const [a, b, c] = [new Job(1), new Job(2), new Job(3)]
    list.add(a)
    list.add(b)
    list.add(c)
    list.remove(b)
    expect([b.prev, b.next, b.listed]).toEqual([null, null, false])
    expect(a.next).toBe(c)
    expect(c.prev).toBe(a)
  })

  it('ignores a second add or remove of the same entry', () => {
    const list = new InFlightList<Job>()
    const job = new Job(1)
    list.add(job)
    list.add(job)
    expect(list.size).toBe(1)
    list.remove(job)
    list.remove(job)
    expect(list.size).toBe(0)
    expect(list.first).toBeNull()
    expect(ids(list)).toEqual([])
  })

  it('lets the entry being visited be removed during iteration (a sweep)', () => {
    const list = new InFlightList<Job>()
    for (let id = 1; id <= 6; id++) list.add(new Job(id))
    for (const job of list) if (job.id % 2 === 0) list.remove(job)
    expect(ids(list)).toEqual([1, 3, 5])
    for (const job of list) list.remove(job)
    expect(list.size).toBe(0)
  })

  it('takes an entry back after it was removed', () => {
    const list = new InFlightList<Job>()
    const [a, b] = [new Job(1), new Job(2)]
    list.add(a)
    list.add(b)
    list.remove(a)
    list.add(a)
    expect(ids(list)).toEqual([2, 1])
  })
})
