/**
 * Keeps every message in memory instead of sending it: the default under
 * NODE_ENV=test, and what createFakeMailer() asserts on.
 */
import { randomUUID } from 'node:crypto'
import type { MailTransport, OutgoingMessage, TransportResult } from '../types.ts'

export const MEMORY_DRIVER_NAME = 'memory'

export interface MemoryTransport extends MailTransport {
  readonly name: 'memory'
  readonly idempotent: true
  /** Messages accepted so far, oldest first. */
  readonly messages: readonly OutgoingMessage[]
  /** Forgets every stored message. */
  clear(): void
  verify(): Promise<string>
}

export function createMemoryTransport(): MemoryTransport {
  const messages: OutgoingMessage[] = []
  const byKey = new Map<string, TransportResult>()
  return {
    name: MEMORY_DRIVER_NAME,
    idempotent: true,
    get messages(): readonly OutgoingMessage[] {
      return messages
    },
    async send(message: OutgoingMessage): Promise<TransportResult> {
      // Same idempotency key, same result: behaves like a provider that de-duplicates.
      const previous = byKey.get(message.idempotencyKey)
      if (previous) return previous
      messages.push(message)
      const result = {
        messageId: `memory-${randomUUID()}`,
        accepted: [...message.to, ...message.cc, ...message.bcc].map((a) => a.email),
        rejected: [],
      }
      byKey.set(message.idempotencyKey, result)
      return result
    },
    async verify(): Promise<string> {
      return 'in memory'
    },
    clear(): void {
      messages.length = 0
      byKey.clear()
    },
  }
}
