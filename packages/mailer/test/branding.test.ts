import { describe, expect, it } from 'vitest'
import { createEmailLayout, htmlToText, renderBrandedEmail } from '../src/index.ts'

const brand = {
  name: 'Acme & Co',
  logoUrl: 'https://cdn.example.com/logo.png',
  url: 'https://acme.example.com',
  footer: ['Acme Inc., 1 Main St, Springfield', 'You got this mail because you signed up.'],
  colors: { primary: '#ff5500' },
}

describe('branded email layout', () => {
  it('wraps content with the logo, the colours and the footer', () => {
    const { html } = renderBrandedEmail(brand, {
      title: 'Sign in to Acme',
      paragraphs: ['Click below.'],
      action: { label: 'Sign in', url: 'https://acme.example.com/l/abc' },
    })
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<img src="https://cdn.example.com/logo.png" alt="Acme &amp; Co" height="40"')
    expect(html).toContain('<a href="https://acme.example.com/"')
    expect(html).toContain('background:#ff5500')
    expect(html).toContain('<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">Sign in to Acme</h1>')
    expect(html).toContain('Acme Inc., 1 Main St, Springfield<br>You got this mail because you signed up.')
  })

  it('derives the plain-text part', () => {
    const { text } = renderBrandedEmail(brand, {
      title: 'Sign in to Acme',
      paragraphs: ['Click below.'],
      action: { label: 'Sign in', url: 'https://acme.example.com/l/abc' },
    })
    expect(text).toBe(
      'Sign in to Acme\n\nClick below.\n\nSign in: https://acme.example.com/l/abc\n\n--\nAcme Inc., 1 Main St, Springfield\nYou got this mail because you signed up.',
    )
  })

  it('escapes paragraphs, titles and the preheader', () => {
    const { html } = renderBrandedEmail(brand, {
      title: '<script>x</script>',
      preheader: '"quoted"',
      paragraphs: ['<img src=x onerror=alert(1)>'],
    })
    expect(html).not.toContain('<script>x')
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html).toContain('display:none;max-height:0;overflow:hidden;opacity:0">&quot;quoted&quot;</div>')
  })

  it('places a trusted HTML fragment as is and converts it for the text part', () => {
    const { html, text } = renderBrandedEmail(
      { name: 'Acme' },
      { html: '<p>Order <b>#42</b> shipped.</p><ul><li>Socks</li><li>Shoes</li></ul>' },
    )
    expect(html).toContain('<p>Order <b>#42</b> shipped.</p>')
    expect(text).toBe('Order #42 shipped.\n\n- Socks\n- Shoes')
  })

  it('lets the caller give the text part', () => {
    expect(renderBrandedEmail({ name: 'Acme' }, { paragraphs: ['x'], text: 'custom' }).text).toBe('custom')
  })

  it('uses the name when there is no logo', () => {
    const { html } = renderBrandedEmail({ name: 'Acme' }, { paragraphs: ['x'] })
    expect(html).toContain('color:#18181b">Acme</td>')
  })

  it('precomputes one layout for many messages', () => {
    const layout = createEmailLayout(brand)
    expect(layout({ paragraphs: ['a'] }).html).not.toBe(layout({ paragraphs: ['b'] }).html)
  })

  describe('validation', () => {
    it.each([['red'], ['#12345'], ['#fff;background:url(x)'], [42]])('refuses the colour %j', (primary) => {
      expect(() => createEmailLayout({ name: 'Acme', colors: { primary: primary as string } })).toThrow(
        expect.objectContaining({
          code: 'KIT_MAILER_INVALID_OPTION',
          message: expect.stringContaining('`primary`'),
        }),
      )
    })

    it.each([['javascript:alert(1)'], ['/relative.png'], ['data:image/png;base64,xx']])(
      'refuses the logo URL %j',
      (logoUrl) => {
        expect(() => createEmailLayout({ name: 'Acme', logoUrl })).toThrow(
          expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
        )
      },
    )

    it('refuses a javascript: action link', () => {
      const layout = createEmailLayout({ name: 'Acme' })
      expect(() => layout({ action: { label: 'x', url: 'javascript:alert(1)' } })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })

    it('needs a name', () => {
      expect(() => createEmailLayout({ name: ' ' })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })
  })
})

describe('htmlToText', () => {
  it('keeps link targets, drops styles and scripts, decodes entities', () => {
    const html =
      '<style>p{color:red}</style><p>Hi&nbsp;Ada &amp; co,</p><p><a href="https://x.example.com/a?b=1&amp;c=2">Open</a> or <a href="mailto:help@example.com">write</a>.</p><script>alert(1)</script>'
    expect(htmlToText(html)).toBe(
      'Hi Ada & co,\n\nOpen (https://x.example.com/a?b=1&c=2) or write (help@example.com).',
    )
  })

  it('turns breaks into lines and collapses whitespace', () => {
    expect(htmlToText('<div>a<br>b   c</div>\n\n\n<div>&#233;&#x263A;</div>')).toBe('a\nb c\n\né☺')
  })

  it('does not repeat a link whose text is its URL', () => {
    expect(htmlToText('<a href="https://x.example.com">https://x.example.com</a>')).toBe(
      'https://x.example.com',
    )
  })
})
