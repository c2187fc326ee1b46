export const errors = {
  KIT_MAILER_INVALID_OPTION: {
    when: 'createMailer() or a transport factory got an option with the wrong type or an out-of-range value.',
    fix: 'Correct the option the message names; every option is listed in docs/mail.md.',
  },
  KIT_MAILER_UNKNOWN_PROVIDER: {
    when: 'MAIL_PROVIDER (or the `providers` option) names a provider kit does not know.',
    fix: 'Use a comma-separated chain of smtp, sendgrid, resend, file and memory, e.g. MAIL_PROVIDER=sendgrid,resend.',
  },
  KIT_MAILER_MISSING_CREDENTIALS: {
    when: 'A provider is in the chain but its API key or SMTP_URL is not set.',
    fix: 'Set SENDGRID_API_KEY, RESEND_API_KEY or SMTP_URL for each provider in MAIL_PROVIDER, or remove the provider from the chain.',
  },
  KIT_MAILER_INVALID_FROM: {
    when: 'MAIL_FROM (or the `from` option) is not a valid sender address.',
    fix: 'Use an address on a domain you verified with your provider, e.g. MAIL_FROM="Acme <hello@acme.com>".',
  },
  KIT_MAILER_INVALID_MESSAGE: {
    when: 'mailer.send() got a message that no provider would accept (no recipient, an invalid address, no body, a reserved header, a bad tag); nothing was sent.',
    fix: 'Correct the field the message names. Addresses must look like a@b.co or "Name <a@b.co>".',
  },
  KIT_MAILER_HEADER_INJECTION: {
    when: 'A subject, address, header or attachment name contained CR, LF or another control character; nothing was sent.',
    fix: 'Strip line breaks from user input before putting it in a subject or header (e.g. value.replace(/[\\r\\n]+/g, " ")).',
  },
  KIT_MAILER_ATTACHMENT_ACCESS: {
    when: 'An attachment gave a file `path` or an `href` URL while file or URL access is disabled (the default).',
    fix: 'Read the file or URL yourself and pass `content`, or set `disableFileAccess: false` / `disableUrlAccess: false` when no attachment field can come from users.',
  },
  KIT_MAILER_AUTH_FAILED: {
    when: 'The provider refused the credentials (HTTP 401/403, SMTP authentication failure); no failover was tried.',
    fix: 'Check the API key or SMTP_URL: SendGrid keys need the "Mail Send" scope, Resend keys "Sending access" or more. Rotate the key if it was revoked.',
  },
  KIT_MAILER_REJECTED: {
    when: 'The provider refused the message for good (validation error, unverified sender, content too large, every recipient rejected).',
    fix: "Read the provider's message in the error; fix the sender identity, the recipients or the content. Retrying the same message would fail again.",
  },
  KIT_MAILER_IDEMPOTENCY_CONFLICT: {
    when: 'Resend refused the request because the idempotency key was already used for a different message (HTTP 409 invalid_idempotent_request).',
    fix: 'Use one idempotency key per distinct message (e.g. welcome-<userId>), or omit it and kit generates one per send.',
  },
  KIT_MAILER_RATE_LIMITED: {
    when: 'The provider answered 429 (rate limit or quota).',
    fix: 'Transient: kit retries after Retry-After / X-RateLimit-Reset and fails over. If it persists, raise the plan limit or slow down bulk sends.',
  },
  KIT_MAILER_PROVIDER_UNAVAILABLE: {
    when: 'The provider could not be reached or answered with a server error (connection refused, DNS failure, 5xx, SMTP 4xx).',
    fix: "Transient: kit retries and fails over when that cannot send twice. Check the provider's status page and your network egress.",
  },
  KIT_MAILER_TIMEOUT: {
    when: 'A provider did not answer within `timeoutMs`.',
    fix: "Check the provider's status page and the network path; raise `timeoutMs` only if the provider is known to be slow.",
  },
  KIT_MAILER_TLS_REQUIRED: {
    when: 'The SMTP server did not offer STARTTLS (or the TLS handshake failed) while TLS is required, which it is outside development.',
    fix: "Use the provider's TLS port (587 with STARTTLS, or smtps:// on 465), fix the certificate, or set `smtp.requireTLS: false` for a local relay you trust.",
  },
  KIT_MAILER_DELIVERY_UNCERTAIN: {
    when: 'A provider failed after it may already have accepted the message (timeout or connection loss after the request was sent, HTTP 500), so kit did not retry elsewhere to avoid sending it twice.',
    fix: "Check the provider's activity log for the message before resending. Set `allowDuplicates: true` if a duplicate is better than a lost mail.",
  },
  KIT_MAILER_SEND_FAILED: {
    when: 'Every provider in the chain failed with a transient error and none accepted the message; nothing was delivered.',
    fix: 'The error lists each attempt. Retry later (e.g. from a job queue), add a second provider to MAIL_PROVIDER, or fix the cause named for each provider.',
  },
  KIT_MAILER_CLOSED: {
    when: 'mailer.send() was called after mailer.close() (usually during shutdown).',
    fix: 'Send before shutdown starts, or hand the mail to a job queue that outlives the process.',
  },
  KIT_MAILER_VERIFY_FAILED: {
    when: 'mailer.verify() could not reach or authenticate with any provider in the chain.',
    fix: 'Each provider\'s problem is in the error details; see the "mail is not arriving" runbook in docs/mail.md.',
  },
} as const

export type MailerErrorCode = keyof typeof errors
