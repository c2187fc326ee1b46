export const errors = {
  KIT_SECURITY_INVALID_OPTION: {
    when: 'An option of createSecurity() (or an adapter) is unknown or has the wrong type or value.',
    fix: 'Use the option name and value the message suggests; every option is listed in docs/security.md.',
  },
  KIT_SECURITY_INVALID_ENV: {
    when: 'An environment variable read by @kit/security (FORCE_HTTPS, CORS_ALLOW_CREDENTIALS, HSTS_MAX_AGE, MAX_UPLOAD_SIZE, APP_URL, ALLOWED_ORIGINS) cannot be parsed.',
    fix: 'Set it to the format the message shows (true/false, a number of seconds or bytes, an https:// URL), or remove it to use the default.',
  },
  KIT_SECURITY_CSP_UNKNOWN_DIRECTIVE: {
    when: 'The CSP configuration names a directive that does not exist (often a typo).',
    fix: "Use the directive's kebab-case name ('connect-src') or helmet's camelCase one ('connectSrc'); the message suggests the closest one.",
  },
  KIT_SECURITY_CSP_INVALID_SOURCE: {
    when: "A CSP source is malformed: an unquoted keyword (self instead of 'self'), a ';' or ',' or space inside one source, 'none' mixed with other sources, or a non-string value.",
    fix: "Quote keywords ('self', 'none', 'unsafe-inline', 'nonce-…', 'sha256-…'), give one source per array item and use 'none' alone.",
  },
  KIT_SECURITY_HSTS_TOO_SHORT: {
    when: 'In production, HSTS max-age is below six months (15552000 s), which scanners grade as a failure, or preload is asked for without max-age ≥ 1 year and includeSubDomains.',
    fix: 'Set HSTS_MAX_AGE (or hsts.maxAge) to 63072000 (two years, the default), or turn HSTS off deliberately with hsts: false.',
  },
  KIT_SECURITY_CORS_WILDCARD_CREDENTIALS: {
    when: 'CORS is configured to allow every origin ("*") together with credentials (cookies), which browsers refuse and which would expose every user to every site.',
    fix: 'List the origins that may send credentials in ALLOWED_ORIGINS (https://app.example.com or https://*.example.com), or turn CORS_ALLOW_CREDENTIALS off.',
  },
  KIT_SECURITY_CORS_INVALID_ORIGIN: {
    when: 'An allowed origin is not of the form scheme://host[:port] (a path, a trailing slash, "null", a wildcard not in the first label, or a non-http scheme).',
    fix: 'Write origins as https://example.com or https://*.example.com, separated by commas in ALLOWED_ORIGINS.',
  },
  KIT_SECURITY_CORS_UNSAFE_PATTERN: {
    when: 'A RegExp given as a CORS origin (cors.origin / cors.origins) also matches origins anyone can register: every origin, or a look-alike of the domain it names (evil-example.com, example.com.attacker.example, an unescaped dot).',
    fix: 'Anchor the pattern with ^ and $, escape the dots and match whole labels (`/^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/`), or write `https://*.example.com` instead.',
  },
  KIT_SECURITY_CORS_ASYNC_ORIGIN: {
    when: 'Logged (not thrown) when a cors-style origin function did not answer before returning (it returned a Promise or called its callback later): the origin is refused.',
    fix: 'Load the allowed origins at start-up and answer synchronously (return a boolean or call callback(null, allow) at once), or list them in cors.origins.',
  },
  KIT_SECURITY_INVALID_HOST: {
    when: 'An allowed host or the canonical host is not a valid host name.',
    fix: 'Give bare host names (example.com, *.example.com), without scheme, path or port.',
  },
  KIT_SECURITY_INVALID_BODY_LIMIT: {
    when: 'MAX_UPLOAD_SIZE (or the bodyLimit option) is not a positive number of bytes.',
    fix: 'Use a whole number of bytes (1048576) or a size with a unit (1mb, 512kb).',
  },
  KIT_SECURITY_INVALID_COOKIE: {
    when: 'secureCookie() was given a name or value that cannot be sent in a Set-Cookie header, or options that contradict its prefix.',
    fix: 'Use a cookie name made of letters, digits and -_.!#$%&*+^`|~; the value is URI-encoded for you.',
  },
  KIT_SECURITY_MIDDLEWARE_NOT_CALLED: {
    when: 'A middleware factory was passed to app.use() without being called, e.g. app.use(securityHeaders).',
    fix: 'Call the factory: app.use(securityHeaders(security)).',
  },
} as const
