import { escapeHtml, renderBrandedEmail } from '@kit/mailer'

/**
 * The home page. Its one script carries the per-request CSP nonce, so the
 * policy needs no 'unsafe-inline'; an injected <script> without it is blocked.
 */
export function homePage(options: {
  nonce: string
  email?: string | undefined
  message?: string | undefined
}): string {
  const account = options.email
    ? `<p>Signed in as <strong>${escapeHtml(options.email)}</strong>.</p>`
    : `<form method="post" action="/auth/login">
        <label>Email <input name="email" type="email" autocomplete="username" value="demo@example.com" required></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button>Sign in</button>
      </form>
      <p><small>Demo account: demo@example.com / correct horse battery staple</small></p>`
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>kit example</title>
  <style nonce="${options.nonce}">body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}</style>
</head>
<body>
  <h1>kit example</h1>
  ${options.message ? `<p role="alert">${escapeHtml(options.message)}</p>` : ''}
  ${account}
  <p id="script-status">JavaScript has not run.</p>
  <p><a href="/api/hello">GET /api/hello</a> · <a href="/health">GET /health</a></p>
  <script nonce="${options.nonce}">
    document.getElementById('script-status').textContent = 'The nonce’d script ran.'
    fetch('/api/hello').then((r) => r.json()).then((body) => { document.body.dataset.hello = body.hello })
  </script>
</body>
</html>`
}

/** The sign-in notice, in the app's branded layout with a derived plain-text part. */
export function signInMail(email: string): { html: string; text: string } {
  return renderBrandedEmail(
    {
      name: 'Kit Example',
      footer: 'You get this mail because you signed in to the kit example app.',
      colors: { primary: '#0b5fff' },
    },
    {
      title: 'New sign-in',
      preheader: `Signed in as ${email}`,
      paragraphs: [
        `Someone (hopefully you) signed in as ${email}.`,
        'If it was not you, change your password.',
      ],
    },
  )
}
