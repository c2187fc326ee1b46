/**
 * One entry of an InFlightList. The list owns `prev`/`next`; subclasses add
 * what they track (a deadline, a response...).
 */
export class InFlightEntry {
  prev: InFlightEntry | null = null
  next: InFlightEntry | null = null
  /** True from add() until remove(). */
  listed = false
}

/**
 * The things in flight right now (pending store calls, open requests), in
 * the order they were added, with O(1) add and remove. It replaces a `Set`
 * or `Map` that gains and loses one entry per request: V8 rehashes such a
 * table every few entries and the table it leaves behind still points at
 * the entries and at its successor; once one of those left-behind tables is
 * in the old generation, every later request is kept alive through
 * scavenges and promoted, and the process pays in GC, much of it on V8's
 * helper threads (docs/internals/in-flight-tracking.md). A removed entry
 * here points at nothing, so it keeps nothing alive.
 */
export class InFlightList<E extends InFlightEntry> {
  #head: E | null = null
  #tail: E | null = null
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The entry added first of those still listed. */
  get first(): E | null {
    return this.#head
  }

  add(entry: E): void {
    if (entry.listed) return
    entry.listed = true
    entry.prev = this.#tail
    entry.next = null
    if (this.#tail === null) this.#head = entry
    else this.#tail.next = entry
    this.#tail = entry
    this.#size++
  }

  /** Unlinks the entry (a no-op when it is not listed) and clears its links. */
  remove(entry: E): void {
    if (!entry.listed) return
    const { prev, next } = entry
    if (prev === null) this.#head = next as E | null
    else prev.next = next
    if (next === null) this.#tail = prev as E | null
    else next.prev = prev
    entry.prev = null
    entry.next = null
    entry.listed = false
    this.#size--
  }

  /** Every listed entry, oldest first; removing the current entry while iterating is safe. */
  *[Symbol.iterator](): IterableIterator<E> {
    let entry = this.#head
    while (entry !== null) {
      const next = entry.next as E | null
      yield entry
      entry = next
    }
  }
}
