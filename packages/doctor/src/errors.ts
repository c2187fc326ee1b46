export const errors = {
  KIT_DOCTOR_INVALID_OPTION: {
    when: 'An option of runDoctor() or runAudit() (or of `kit doctor` / `kit audit`) has the wrong type or value, such as an unknown --fail-on word or --algorithm other than 5 or 6.',
    fix: 'Use a value the message lists: --fail-on error|warning|none|critical|high|medium|low|info, --algorithm 5|6, ports 1-65535, a timeout in milliseconds.',
  },
  KIT_DOCTOR_SILENCE_INVALID: {
    when: "kit.config's `doctor.silence` names a check id that does not exist, or silences a check without a reason.",
    fix: "Write `doctor: { silence: { 'KIT-SEC-004': 'why this is acceptable here' } }` with an id from docs/doctor-and-audit.md and a non-empty reason.",
  },
  KIT_DOCTOR_AUDIT_URL_INVALID: {
    when: '`kit audit` was given something that is not an absolute http:// or https:// URL, or a URL with credentials in it.',
    fix: 'Pass the public URL of the deployed app, e.g. `kit audit https://example.com/`.',
  },
  KIT_DOCTOR_AUDIT_UNREACHABLE: {
    when: '`kit audit` could reach the URL neither over HTTPS nor over plain HTTP (connection refused, DNS failure or timeout), so there is nothing to grade.',
    fix: 'Check the URL and that the app is up. For an app on this machine give its own http:// address (kit audit http://127.0.0.1:3000/, local mode); behind your own TLS terminator pass its ports (https://127.0.0.1:8443/ and --http-port 8080) and trust its CA with NODE_EXTRA_CA_CERTS.',
  },
  KIT_DOCTOR_AUDIT_HOST_REFUSED: {
    when: '`kit audit` in local mode presented a host name the app does not serve: the app answered 421 (its APP_URL names another host), so every check would grade the refusal.',
    fix: 'Pass the host the app serves in production (`kit audit http://127.0.0.1:3000/ --host example.com`), or run kit audit with the same APP_URL as the app.',
  },
  KIT_DOCTOR_CA_UNREADABLE: {
    when: 'NODE_EXTRA_CA_CERTS names a file `kit audit` cannot read.',
    fix: 'Point NODE_EXTRA_CA_CERTS at a readable PEM file holding the CA certificate(s), or unset it.',
  },
} as const
