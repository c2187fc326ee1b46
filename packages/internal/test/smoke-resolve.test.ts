import { KitError } from '@kit/internal'
import { expect, it } from 'vitest'

it('resolves workspace packages to source', () => {
  expect(new KitError('KIT_X', 'm').docs).toContain('#kit_x')
})
