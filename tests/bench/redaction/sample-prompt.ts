/**
 * A realistic ~4 KB chat prompt for the latency measurement: prose, an email
 * signature, a JSON payload, log lines, SQL and a config snippet, with the
 * kinds of personal data users paste. Every value is invented.
 */
export function samplePrompt(bytes = 4096): string {
  const blocks = [
    "Hi! I'm writing a follow-up to a customer and need help with the tone. Here is the thread so far.\n\n",
    "Dear Ms. Okonkwo,\n\nThank you for your patience. My name is Daniel Fischer and I handle your account. ",
    "I tried to reach you at +44 20 7946 0958 and on your mobile (415) 555-0132 but could not get through. ",
    "Your refund of $84.20 will go to the card ending 4242; the IBAN you gave us, DE89 3704 0044 0532 0130 00, ",
    "is for the insurance payout. Please confirm your address: 221B Baker Street, London NW1 6XE.\n\n",
    "Best regards,\nDaniel Fischer\nSupport Team, Acme Corp\ndaniel.fischer@acme-support.example\n\n",
    "---- her reply ----\nHello Daniel, thanks. I moved last month; please send everything to ",
    "Hauptstraße 12, 10115 Berlin. My colleague Priya Raghunathan (priya.r@example.org) will also be in copy. ",
    "My date of birth is 14 March 1986 if you need it for verification, and my SSN is 078-05-1120.\n\n",
    'Our system logged this:\n{"event":"refund","customer":{"name":"amara okonkwo","email":"amara.o@example.net",',
    '"phone":"+234 803 555 0199"},"ip":"203.0.113.45","amount":84.2,"currency":"USD"}\n',
    "2024-05-02T10:14:03Z INFO payment user=amara.okonkwo ip=2001:db8:85a3::8a2e:370:7334 status=ok\n",
    "SELECT * FROM customers WHERE last_name = 'Okonkwo' AND city = 'Lagos';\n",
    "DATABASE_URL=postgres://billing:S3cr3tPassw0rd@db.internal.example:5432/billing\n",
    "STRIPE_KEY=sk_live_51Hx9eYJ2eZvKYlo2C8fQx0a9 AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n\n",
    "Could you rewrite Daniel's message so it sounds warmer, mentions that the refund takes 3-5 business days, ",
    "and asks whether Amara prefers a call or an email? Keep it under 150 words and do not add new promises. ",
    "Also, our team lead Sven Johansson wants the tone to match our style guide: friendly, direct, no jargon.\n\n",
  ];
  let text = "";
  let i = 0;
  while (text.length < bytes) {
    text += blocks[i % blocks.length];
    i++;
  }
  return text.slice(0, bytes);
}

/**
 * About `bytes` of text for throughput. `dense`: a value to redact on almost
 * every line (a worst case). `typical`: mostly prose, code and logs with a
 * value every few hundred bytes, like a pasted document or support thread.
 */
export function structuredCorpus(bytes: number, kind: "dense" | "typical" = "dense"): string {
  const pii = [
    "Contact: jane.doe@example.com, +1 (212) 555-0143, card 4111-1111-1111-1111, SSN 123-45-6789.\n",
    "server 192.168.10.24 answered 503 at 10:42:07; retried from 2001:db8::1:ff00:42 after 350 ms.\n",
    "Wire to NL91 ABNA 0417 1643 00 or pay 0x52908400098527886E0F7030069857D2E4169EE7 before Friday.\n",
    "export GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a and password=correct-horse-battery\n",
  ];
  const plain = [
    "The quarterly report is attached; numbers are preliminary and may change before the board meeting.\n",
    "const config = { retries: 3, timeoutMs: 2500, endpoint: 'https://api.example.com/v2/items?page=2' };\n",
    "In 2023 revenue grew 14% to 3.2 million while costs fell; see section 4.1 and table 7 for details.\n",
    "function retry(fn, attempts = 3) { for (let i = 0; i < attempts; i++) { try { return fn(); } catch {} } }\n",
    "2024-05-02T10:14:03Z INFO request finished in 182 ms with status 200 and 3 retries (cache hit ratio 0.82)\n",
    "We agreed to ship the migration next sprint, after the load test and a review of the rollback plan.\n",
    "| region | requests | p50 | p99 |\n| eu-west | 1,204,332 | 41 ms | 180 ms |\n| us-east | 998,120 | 38 ms | 170 ms |\n",
  ];
  const lines =
    kind === "dense"
      ? [plain[0], pii[0], pii[1], plain[1], pii[2], pii[3], plain[2]]
      : [...plain, pii[0], ...plain, pii[2]];
  let text = "";
  let i = 0;
  while (text.length < bytes) {
    text += lines[i % lines.length];
    i++;
  }
  return text;
}
