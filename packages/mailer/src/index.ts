export { formatAddress, isValidEmail } from './addresses.ts'
export {
  type BrandColors,
  type BrandOptions,
  createEmailLayout,
  type EmailContent,
  escapeHtml,
  type RenderedEmail,
  renderBrandedEmail,
} from './branding.ts'
export type { AttemptRecord } from './deliver.ts'
export { errors, type MailerErrorCode } from './errors.ts'
export { createFakeMailer, type FakeMailer, type FakeMailerOptions, type MailMatcher } from './fake.ts'
export { htmlToText } from './html-to-text.ts'
export {
  createMailer,
  type Mailer,
  type MailerHealthCheckOptions,
  type ProviderVerifyResult,
  type SendOptions,
  type VerifyReport,
} from './mailer.ts'
export type { MailerContext, MailerEnv, MailerOptions, ProviderName } from './options.ts'
export { MailProviderError, type ProviderFailure } from './provider-error.ts'
export type {
  AddressLike,
  MailAddress,
  MailAttachment,
  MailTransport,
  OutgoingAttachment,
  OutgoingMessage,
  Recipients,
  SendMailInput,
  SendResult,
  TransportResult,
  TransportSendOptions,
} from './types.ts'
