import { ErrorCode, type EventDetails, OpenFeature, ProviderEvents } from '@openfeature/server-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFlags, type Flags } from '../src/index.ts'
import { createOpenFeatureProvider } from '../src/openfeature.ts'
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts'
import { DEFINITIONS } from './helpers/definitions.ts'
import { eventually } from './helpers/log.ts'

/**
 * The OpenFeature evaluation API over kit flags, for the three flag types
 * kit has: values, reasons, variants, errors with the caller's default, and
 * change events.
 */
describe('OpenFeature provider', () => {
  let db: TestDatabase
  let flags: Flags<typeof DEFINITIONS>
  const client = () => OpenFeature.getClient('kit')

  beforeAll(async () => {
    db = await createTestDatabase('postgres', 'flags-openfeature')
    flags = createFlags(
      DEFINITIONS,
      { file: false },
      {
        knex: db.knex(),
        env: {
          FEATURE_FLAGS: JSON.stringify({
            newCheckout: { rules: ['plan in [pro]'] },
            checkoutCopy: { weights: { b: 1, c: 1 } },
            maxItems: { value: 25, enabled: true },
          }),
        },
      },
    )
    await OpenFeature.setProviderAndWait('kit', createOpenFeatureProvider(flags))
  })
  afterAll(async () => {
    await OpenFeature.close()
    await flags?.close()
    await db?.drop()
  })

  it('names itself kit-flags', () => {
    expect(client().metadata.providerMetadata.name).toBe('kit-flags')
  })

  describe('boolean flags', () => {
    it('resolves with targeting from the context (targetingKey → userId, the rest → attributes)', async () => {
      expect(await client().getBooleanValue('newCheckout', false, { targetingKey: 'u1', plan: 'pro' })).toBe(
        true,
      )
      const details = await client().getBooleanDetails('newCheckout', true, {
        targetingKey: 'u1',
        plan: 'free',
      })
      expect(details).toMatchObject({
        value: false,
        reason: 'DEFAULT',
        variant: 'false',
        flagKey: 'newCheckout',
      })
      expect(details.flagMetadata).toEqual({ source: 'env', enabled: false })
      expect(details.errorCode).toBeUndefined()
    })
  })

  describe('string flags', () => {
    it('resolves the A/B variant with reason SPLIT, the same for the same user', async () => {
      const first = await client().getStringDetails('checkoutCopy', 'a', { targetingKey: 'user-7' })
      expect(first.reason).toBe('SPLIT')
      expect(['b', 'c']).toContain(first.value)
      expect(first.variant).toBe(first.value)
      expect(await client().getStringValue('checkoutCopy', 'a', { targetingKey: 'user-7' })).toBe(first.value)
      expect(first.value).toBe(flags.variant('checkoutCopy', { userId: 'user-7', attributes: {} }))
    })
  })

  describe('number flags', () => {
    it('resolves a number with reason STATIC', async () => {
      const details = await client().getNumberDetails('maxItems', 0)
      expect(details).toMatchObject({ value: 25, reason: 'STATIC' })
    })
  })

  describe('errors', () => {
    it('returns the caller’s default with FLAG_NOT_FOUND for an unknown flag', async () => {
      const details = await client().getBooleanDetails('oldCheckout', true)
      expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND })
    })

    it('returns the caller’s default with TYPE_MISMATCH when the type differs', async () => {
      const asString = await client().getStringDetails('newCheckout', 'fallback')
      expect(asString).toMatchObject({ value: 'fallback', errorCode: ErrorCode.TYPE_MISMATCH })
      const asNumber = await client().getNumberDetails('checkoutCopy', 3)
      expect(asNumber).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH })
      const asObject = await client().getObjectDetails('maxItems', { fallback: true })
      expect(asObject).toMatchObject({ value: { fallback: true }, errorCode: ErrorCode.TYPE_MISMATCH })
    })
  })

  describe('events', () => {
    it('emits ConfigurationChanged with the changed flag names when a flag changes', async () => {
      const changed: string[][] = []
      const handler = (event?: EventDetails) => {
        changed.push((event as { flagsChanged?: string[] } | undefined)?.flagsChanged ?? [])
      }
      client().addHandler(ProviderEvents.ConfigurationChanged, handler)
      await flags.set('maxItems', 30, { actor: 'test' })
      await eventually(() => changed.length > 0, 2000, 'the event')
      expect(changed[0]).toEqual(['maxItems'])
      expect(await client().getNumberValue('maxItems', 0)).toBe(30)
      client().removeHandler(ProviderEvents.ConfigurationChanged, handler)
    })
  })
})
