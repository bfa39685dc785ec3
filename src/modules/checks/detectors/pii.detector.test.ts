import { describe, expect, it } from 'vitest';
import type { FieldViews, TextView } from '../checks.models.ts';
import { buildFieldViews } from '../views.models.ts';
import { hasKnownIssuer, isLuhnValid } from './pii-card.models.ts';
import { isValidIban } from './pii-iban.models.ts';
import { isAssignableSsn } from './pii-ssn.models.ts';
import { type PiiDetectorOptions, type PiiKind, createPiiDetector } from './pii.detector.ts';
import { expectLinearTime } from '../../../../test/helpers/linear-time.ts';

function detect(text: string, options: PiiDetectorOptions = {}) {
  return createPiiDetector(options).detect([buildFieldViews('output', text)]);
}

/** [kind, exact original slice, score] of every detection. */
function found(text: string, options: PiiDetectorOptions = {}): Array<[string, string, number]> {
  return detect(text, options).map((d) => [d.kind, text.slice(d.start, d.end), d.score]);
}

function slicesOf(text: string, kind: PiiKind, options: PiiDetectorOptions = {}): string[] {
  return found(text, options)
    .filter(([k]) => k === kind)
    .map(([, slice]) => slice);
}

describe('email', () => {
  it('finds an address in prose with its exact span and full score', () => {
    expect(found('Write to jane.doe+billing@mail.acme-corp.co.uk today.')).toEqual([
      ['email', 'jane.doe+billing@mail.acme-corp.co.uk', 1],
    ]);
  });

  it('starts at the address inside mailto links and query strings', () => {
    const text = 'mailto:ops@acme.io or https://acme.io/unsubscribe?email=sam.lee@acme.io';
    expect(slicesOf(text, 'email')).toEqual(['ops@acme.io', 'sam.lee@acme.io']);
  });

  it('ignores URL credentials, SCP-style git remotes, @handles and retina asset names', () => {
    const text =
      'DSN https://bob:secret@db.acme.io/app, clone git@github.com:org/repo.git, ping @alice.smith, use icon@2x.png';
    expect(slicesOf(text, 'email')).toEqual([]);
  });

  it('trims quotes and sentence punctuation and keeps apostrophes inside the local part', () => {
    const text = "Send it to 'sean.o'connor@dublin-mail.ie'. Or to (lee@acme.io).";
    expect(slicesOf(text, 'email')).toEqual(["sean.o'connor@dublin-mail.ie", 'lee@acme.io']);
  });

  it('gives documentation domains a lower score', () => {
    expect(found('e.g. name@example.com')).toEqual([['email', 'name@example.com', 0.5]]);
  });
});

describe('phone', () => {
  it('finds national numbers in the default region and + numbers from anywhere', () => {
    const text = 'Call (201) 555-0123 or our London desk on +44 20 7946 0958.';
    expect(found(text)).toEqual([
      ['phone', '(201) 555-0123', 1],
      ['phone', '+44 20 7946 0958', 1],
    ]);
  });

  it('reads national numbers in the configured regions, US, GB and DE by default', () => {
    const text = 'Ring us on 020 7946 0958.';
    expect(slicesOf(text, 'phone', { defaultRegion: 'GB' })).toEqual(['020 7946 0958']);
    expect(slicesOf(text, 'phone')).toEqual(['020 7946 0958']);
    expect(slicesOf(text, 'phone', { phoneRegions: ['US'] })).toEqual([]);
    expect(slicesOf('Ruf uns an: 030 12345678', 'phone', { phoneRegions: ['FR', 'DE'] })).toEqual(['030 12345678']);
  });

  it('reads GB and DE national formats, with the phone word before or after the number', () => {
    expect(slicesOf('Mobil erreichen Sie ihn unter 0151 23456789.', 'phone')).toEqual(['0151 23456789']);
    expect(slicesOf('(0151) 234 56789 is her mobile', 'phone')).toEqual(['(0151) 234 56789']);
    expect(slicesOf('Office: 0161 496 0000, Mon–Fri.', 'phone')).toEqual(['0161 496 0000']);
  });

  it('needs a phone word for a number valid only in a later region and grouped otherwise', () => {
    expect(slicesOf('Canadian SIN 046 454 286 format differs.', 'phone')).toEqual([]);
    expect(slicesOf('The sample card shows 078-05-1120.', 'phone')).toEqual([]);
    expect(slicesOf('Call 046 454 286 now.', 'phone')).toEqual(['046 454 286']);
  });

  it('treats numbers named as tracking, waybill, order, invoice or account numbers as ids', () => {
    const texts = [
      'Tracking (DHL Express): 0034 0434 1234',
      'Waybill no. 0201234567 was scanned in Leipzig.',
      '0201 234 5678 is your tracking number',
      'Your account number is 80 5791 5798.',
      'Sendungsnummer: 0151 2345 6789',
    ];
    for (const text of texts) expect(slicesOf(text, 'phone'), text).toEqual([]);
    expect(slicesOf('Order questions? Call 020 7946 0018.', 'phone')).toEqual(['020 7946 0018']);
    expect(slicesOf('Shall I send the booking link?\n\nThe number on file is +44 20 7946 0958.', 'phone')).toEqual(['+44 20 7946 0958']);
    expect(slicesOf('See your order page. Our number: 020 7946 0018', 'phone')).toEqual(['020 7946 0018']);
  });

  it('does not flag order numbers, dates, version strings, ISBNs or timestamps', () => {
    const text =
      'Order #2015550123 shipped 2024-01-15 10:30:00, build 10.0.19045.3803, ISBN 978-0-306-40615-7, ts 1700000000.';
    expect(slicesOf(text, 'phone')).toEqual([]);
  });

  it('needs a phone word for a bare digit run and scores it lower', () => {
    expect(slicesOf('ref 2015550123 attached', 'phone')).toEqual([]);
    expect(found('my cell is 2015550123')).toEqual([['phone', '2015550123', 0.7]]);
  });

  it('separates a number from small numbers written next to it', () => {
    const text = 'Call 1-800-555-0199 24/7 or (201) 555-0123 10am-6pm. Serial 202-555-0143-12.';
    expect(slicesOf(text, 'phone')).toEqual(['1-800-555-0199', '(201) 555-0123']);
  });

  it('gives the same answer when a detector sees a number again', () => {
    const detector = createPiiDetector({});
    const field = buildFieldViews('output', 'Hotline (201) 555-0123, not 536-22-1478.');
    expect(detector.detect([field])).toEqual(detector.detect([field]));
    expect(detector.detect([field]).map((d) => d.kind)).toEqual(['phone', 'us_ssn']);
  });

  it('ignores digit runs inside longer tokens and IPv4 addresses', () => {
    const text = 'see https://acme.io/u/2015550123 and user_2015550123 and RFC 5737 192.0.2.1';
    expect(slicesOf(text, 'phone')).toEqual([]);
  });
});

describe('credit card', () => {
  it('validates Luhn and issuer ranges', () => {
    expect(isLuhnValid('4111111111111111')).toBe(true);
    expect(isLuhnValid('4111111111111112')).toBe(false);
    expect(hasKnownIssuer('378282246310005')).toBe(true);
    expect(hasKnownIssuer('9111111111111111')).toBe(false);
  });

  it('finds card numbers grouped by spaces, dashes or in one run', () => {
    const text = 'Visa 4539 1488 0343 6467, MC 5425-2381-9770-1644, Amex 3714 512345 67895, Discover 6011456023119025.';
    expect(slicesOf(text, 'credit_card')).toEqual([
      '4539 1488 0343 6467',
      '5425-2381-9770-1644',
      '3714 512345 67895',
      '6011456023119025',
    ]);
  });

  it('finds a card after a bare # or No. but not after an order or invoice label', () => {
    expect(slicesOf('Card No. 3714 512345 67895 expires 08/27', 'credit_card')).toEqual(['3714 512345 67895']);
    expect(slicesOf('charge it to #4539148803436467 please', 'credit_card')).toEqual(['4539148803436467']);
    expect(slicesOf('Order #4539148803436467 shipped, invoice no. 4539 1488 0343 6467', 'credit_card')).toEqual([]);
  });

  it('reports published and patterned test numbers as test_card at info, never as credit_card', () => {
    const text = 'Use 4242 4242 4242 4242 or 4111-1111-1111-1111, Amex 378282246310005, or 4000 0566 5566 5556.';
    expect(found(text)).toEqual([
      ['test_card', '4242 4242 4242 4242', 1],
      ['test_card', '4111-1111-1111-1111', 1],
      ['test_card', '378282246310005', 1],
      ['test_card', '4000 0566 5566 5556', 1],
    ]);
    expect(detect(text).every((d) => d.severity === 'info')).toBe(true);
  });

  it('rejects Luhn-invalid numbers, mixed separators and digits inside longer tokens', () => {
    const text =
      'bad 4111 1111 1111 1112, mixed 4111 1111-1111 1111, id tx_4111111111111111, 4111111111111111.25, ' +
      '1111 2222 3333 4444 5555 6666, uuid 41111111-1111-1111-1111-111111111111';
    expect(slicesOf(text, 'credit_card')).toEqual([]);
  });

  it('needs a card word for a Luhn-valid number outside known issuer ranges', () => {
    expect(slicesOf('value 9123 4567 8901 2348', 'credit_card')).toEqual([]);
    expect(found('card number 9123 4567 8901 2348')).toEqual([['credit_card', '9123 4567 8901 2348', 0.6]]);
  });
});

describe('iban', () => {
  it('checks the country length and the mod-97 checksum', () => {
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(isValidIban('DE8937040044053201300')).toBe(false);
    expect(isValidIban('ZZ89370400440532013000')).toBe(false);
  });

  it('finds compact and space-grouped IBANs and stops at the country length', () => {
    const text = 'Pay DE89 3704 0044 0532 0130 00 or GB29NWBK60161331926819; BE68 5390 0754 7034 SENT today';
    expect(slicesOf(text, 'iban')).toEqual(['DE89 3704 0044 0532 0130 00', 'GB29NWBK60161331926819', 'BE68 5390 0754 7034']);
  });

  it('rejects a wrong checksum, a wrong length and a longer code around it', () => {
    const text = 'DE88 3704 0044 0532 0130 00, DE89 3704 0044 0532 0130 0, XDE89370400440532013000, DE89370400440532013000X';
    expect(slicesOf(text, 'iban')).toEqual([]);
  });
});

describe('us ssn', () => {
  it('follows the SSA rules and skips advertising and placeholder numbers', () => {
    expect(isAssignableSsn('536221478')).toBe(true);
    for (const digits of ['000221478', '666221478', '900221478', '536001478', '536220000', '078051120', '219099999']) {
      expect(isAssignableSsn(digits)).toBe(false);
    }
  });

  it('is certain next to an SSN word and less sure without one', () => {
    expect(found('SSN: 536-22-1478')).toEqual([['us_ssn', '536-22-1478', 1]]);
    expect(found('value 536-22-1478')).toEqual([['us_ssn', '536-22-1478', 0.6]]);
    expect(found('value 536 22 1478')).toEqual([['us_ssn', '536 22 1478', 0.4]]);
  });

  it('reports a bare 9-digit run only next to an SSN word', () => {
    expect(found('social security number 536221478')).toEqual([['us_ssn', '536221478', 0.9]]);
    expect(slicesOf('invoice total 536221478', 'us_ssn')).toEqual([]);
  });

  it('rejects never-assigned ranges and numbers inside longer tokens', () => {
    const text = 'SSN 666-12-3456, ssn 078-05-1120, ssn 536-22-1478-99, ssn x536-22-1478';
    expect(slicesOf(text, 'us_ssn')).toEqual([]);
  });
});

describe('ip address', () => {
  it('finds public IPv4 and IPv6 addresses, with ports and CIDR suffixes outside the span', () => {
    const text = 'Blocked 203.0.113.7:8080 and 198.51.100.0/24 and [2001:db8::7]:443.';
    expect(found(text)).toEqual([
      ['ip_address', '203.0.113.7', 1],
      ['ip_address', '198.51.100.0', 1],
      ['ip_address', '2001:db8::7', 1],
    ]);
  });

  it('scores private addresses lower and skips loopback, unspecified and netmasks', () => {
    const text = 'db at 10.0.0.12, localhost 127.0.0.1, bind 0.0.0.0, mask 255.255.255.0, ::1 and ::';
    expect(found(text)).toEqual([['ip_address', '10.0.0.12', 0.5]]);
  });

  it('leaves sentence punctuation out of an IPv6 span', () => {
    expect(slicesOf('Reach 2001:db8::42. Or 2001:db8::43: it retries.', 'ip_address')).toEqual([
      '2001:db8::42',
      '2001:db8::43',
    ]);
  });

  it('does not flag version strings, longer dotted numbers, times or code scopes', () => {
    const text = 'version 1.2.3.4, v1.2.3.4, 1.2.3.4.5, at 10:30:00, std::vector, 01.02.03.04';
    expect(slicesOf(text, 'ip_address')).toEqual([]);
  });
});

describe('createPiiDetector', () => {
  const mixed = 'jane@acme.io, 4539 1488 0343 6467, 203.0.113.7, SSN 536-22-1478';

  it('looks only for the kinds it is given', () => {
    expect(found(mixed, { kinds: ['credit_card', 'ip_address'] }).map(([kind]) => kind)).toEqual([
      'credit_card',
      'ip_address',
    ]);
    expect(found(mixed, { kinds: [] })).toEqual([]);
  });

  it('fills every detection field, with evidence that hides the value', () => {
    const [detection] = detect('card 4539 1488 0343 6467');
    expect(detection).toEqual({
      detector: 'pii',
      kind: 'credit_card',
      field: 'output',
      score: 1,
      severity: 'critical',
      start: 5,
      end: 24,
      evidence: '45••••••••••••67',
    });
  });

  it('assigns severities by kind', () => {
    expect(detect(mixed).map((d) => [d.kind, d.severity])).toEqual([
      ['email', 'warn'],
      ['credit_card', 'critical'],
      ['ip_address', 'info'],
      ['us_ssn', 'critical'],
    ]);
  });

  it('finds numbers hidden by zero-width characters and full-width digits, spanning the original', () => {
    const text = 'card 4539\u200b1488\u200b0343\u200b6467 and ssn ５３６-２２-１４７８';
    expect(found(text)).toEqual([
      ['credit_card', '4539\u200b1488\u200b0343\u200b6467', 1],
      ['us_ssn', '５３６-２２-１４７８', 1],
    ]);
  });

  it('maps hits through a hand-made view and reports a span found in several views once', () => {
    // The view drops the two zero-width spaces at original offsets 7 and 12.
    const original = 'mail: j\u200bane@a\u200bcme.io';
    const viewText = 'mail: jane@acme.io';
    const toOriginalIndex = (i: number): number => (i < 7 ? i : i < 11 ? i + 1 : i + 2);
    const normalized: TextView = {
      name: 'normalized',
      text: viewText,
      toOriginal: (start, end) => ({ start: toOriginalIndex(start), end: toOriginalIndex(end - 1) + 1 }),
    };
    const field: FieldViews = { field: 'input', original, views: [normalized, { ...normalized, name: 'decoded' }] };
    const detections = createPiiDetector({}).detect([field]);
    expect(detections.map((d) => [d.field, original.slice(d.start, d.end), d.evidence])).toEqual([
      ['input', 'j\u200bane@a\u200bcme.io', 'j••••••••••o'],
    ]);
  });

  it('scans every field it is given and keeps their detections apart', () => {
    const fields = [buildFieldViews('input', 'from 203.0.113.7'), buildFieldViews('output', 'to 198.51.100.9')];
    expect(createPiiDetector({}).detect(fields).map((d) => [d.field, d.start, d.end])).toEqual([
      ['input', 5, 16],
      ['output', 3, 15],
    ]);
  });
});

describe('on hostile input', () => {
  // A quadratic pattern took ~10 s on 50 KB of letters before an `@`; linear scans take
  // milliseconds. Each text is built from a repeated unit, timed at 25 K and 100 K units.
  const hostile: Record<string, (units: number) => string> = {
    'a long letter run before an @': (n) => `${'a'.repeat(n)}@`,
    'many @ signs': (n) => 'a@'.repeat(n / 2),
    'a long digit run': (n) => '1'.repeat(n),
    'digit groups without end': (n) => '1234-'.repeat(n / 5),
    'hex and colons': (n) => 'ab:'.repeat(Math.round(n / 3)),
    'upper-case IBAN-like groups': (n) => 'AB12 '.repeat(n / 5),
    'dotted digits': (n) => '1.'.repeat(n / 2),
  };
  const detector = createPiiDetector({});

  for (const [name, makeText] of Object.entries(hostile)) {
    it(`scans ${name} in linear time`, () => {
      expectLinearTime((text) => detector.detect([buildFieldViews('output', text)]), makeText, 25_000);
    });
  }
});
