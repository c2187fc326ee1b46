import {
  bool,
  bytes,
  defineEnv,
  duration,
  type EnvType,
  int,
  type KitEnv,
  type KitEnvWith,
  list,
  type loadEnv,
  number,
  oneOf,
  secret,
  type TrustProxy,
  url,
  z,
} from '@kit/env'
import { describe, expectTypeOf, it } from 'vitest'
import { loadEnvFrom } from './helpers.ts'

describe('types', () => {
  it('types the built-in variables', () => {
    const env = loadEnvFrom({})
    expectTypeOf(env).toEqualTypeOf<KitEnvWith>()
    expectTypeOf(env.PORT).toEqualTypeOf<number>()
    expectTypeOf(env.NODE_ENV).toEqualTypeOf<'development' | 'production' | 'test'>()
    expectTypeOf(env.TRUST_PROXY).toEqualTypeOf<TrustProxy>()
    expectTypeOf(env.TRUST_PROXY).toEqualTypeOf<false | number | string[]>()
    expectTypeOf(env.ALLOWED_ORIGINS).toEqualTypeOf<string[]>()
    expectTypeOf(env.DATABASE_URL).toEqualTypeOf<string | undefined>()
    expectTypeOf(env.MAIL_PROVIDER).toEqualTypeOf<
      ('smtp' | 'sendgrid' | 'resend' | 'file' | 'log' | 'memory')[]
    >()
    expectTypeOf(env.DATABASE_SSL).toEqualTypeOf<'auto' | 'verify' | 'no-verify' | 'off'>()
    expectTypeOf(env).toMatchTypeOf<Readonly<KitEnv>>()
  })

  it('adds the app variables with their output types', () => {
    const schema = defineEnv({
      OPENAI_API_KEY: z.string().startsWith('sk-'),
      WORKERS: int().default(2),
      BETA: bool().optional(),
      HOOKS: list(url()).default([]),
      MODE: oneOf(['a', 'b']),
      TOKEN: secret(),
      TIMEOUT: duration(),
      LIMIT: bytes(),
      RATE: number(),
    })
    // Types only: the variables are not set here.
    type Env = ReturnType<typeof loadEnv<typeof schema>>
    const env = {} as Env
    expectTypeOf(env.OPENAI_API_KEY).toEqualTypeOf<string>()
    expectTypeOf(env.WORKERS).toEqualTypeOf<number>()
    expectTypeOf(env.BETA).toEqualTypeOf<boolean | undefined>()
    expectTypeOf(env.HOOKS).toEqualTypeOf<string[]>()
    expectTypeOf(env.MODE).toEqualTypeOf<'a' | 'b'>()
    expectTypeOf(env.TOKEN).toEqualTypeOf<string>()
    expectTypeOf(env.PORT).toEqualTypeOf<number>()
    expectTypeOf(env.TIMEOUT).toEqualTypeOf<number>()
  })

  it('lets an app entry replace a built-in type', () => {
    const env = loadEnvFrom({ PORT: 'auto' }, { schema: { PORT: z.enum(['auto', 'fixed']) } })
    expectTypeOf(env.PORT).toEqualTypeOf<'auto' | 'fixed'>()
  })

  it('keeps the built-in types with a schema whose keys are not known', () => {
    const shape: z.ZodRawShape = {}
    const env = loadEnvFrom({}, { schema: shape })
    expectTypeOf(env.PORT).toEqualTypeOf<number>()
    expectTypeOf(env.ANYTHING).toEqualTypeOf<unknown>()
  })

  it('is read-only', () => {
    const env = loadEnvFrom({})
    // Never called: the assignments would throw at run time (the object is frozen).
    const misuse = () => {
      // @ts-expect-error the env object is read-only
      env.PORT = 1
      // @ts-expect-error unknown variables are not on the type
      return env.NOT_DECLARED
    }
    expectTypeOf(misuse).toBeFunction()
  })

  it('types the helpers as env-string schemas', () => {
    expectTypeOf(bool()).toEqualTypeOf<EnvType<boolean>>()
    expectTypeOf(list(int())).toEqualTypeOf<EnvType<number[]>>()
    expectTypeOf<z.input<EnvType<boolean>>>().toEqualTypeOf<string>()
    // @ts-expect-error oneOf values are strings
    expectTypeOf(() => oneOf([1, 2])).toBeFunction()
  })
})
