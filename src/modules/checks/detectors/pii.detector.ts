import type { CountryCode } from 'libphonenumber-js/max';
import { type Detection, type FieldViews, type Severity, type TextView, SEVERITY_RANK } from '../checks.models.ts';
import { maskEvidence } from '../evidence.models.ts';
import { findCreditCards } from './pii-card.models.ts';
import { findEmails } from './pii-email.models.ts';
import { findIbans } from './pii-iban.models.ts';
import { findIpAddresses } from './pii-ip.models.ts';
import { createPhoneFinder, DEFAULT_PHONE_REGIONS } from './pii-phone.models.ts';
import { findUsSsns } from './pii-ssn.models.ts';
import { hasDigitRun, PII_KINDS, type PiiFoundKind, type PiiKind, type PiiMatch } from './pii-text.models.ts';

export { PII_KINDS, type PiiKind } from './pii-text.models.ts';

// Severity per kind, by the harm a leak does:
// - credit_card, us_ssn, iban → critical: each alone enables fraud (card-not-present
//   payments, identity theft, SEPA direct debits need only an IBAN and a name) and a leak
//   is a reportable incident (PCI DSS, US state breach laws, GDPR financial data).
// - email, phone → warn: they identify and reach a person, but people share them on
//   purpose and a support bot quoting a customer's own address back is often expected.
// - ip_address → info: personal data only in combination (GDPR recital 30), and most IPs
//   in support traffic are servers, so it is recorded for context, not for alarm.
// - test_card → info: a payment provider's published test number (pii-test-card.models.ts)
//   charges nothing and belongs to no one; it is recorded so a reviewer can see it was seen.
export const PII_SEVERITY: Record<PiiFoundKind, Severity> = {
  test_card: 'info',
  credit_card: 'critical',
  us_ssn: 'critical',
  iban: 'critical',
  email: 'warn',
  phone: 'warn',
  ip_address: 'info',
};

export interface PiiDetectorOptions {
  /** Kinds to look for; all of them when omitted. */
  kinds?: readonly PiiKind[];
  /** Regions national phone numbers are read in, in order (`+` numbers are found in any region). Default US, GB, DE. */
  phoneRegions?: readonly CountryCode[];
  /** One region, as before `phoneRegions`; ignored when `phoneRegions` is given. */
  defaultRegion?: CountryCode;
}

interface Hit {
  detection: Detection;
  viewOrder: number;
}

/**
 * Scans every view of every field it is given (which fields is the caller's choice), maps
 * each hit back to the original text and keeps one detection per span: the same number
 * is usually found in several views, and one span is reported as one kind only.
 */
export function createPiiDetector(options: PiiDetectorOptions = {}): { detect(fields: FieldViews[]): Detection[] } {
  const kinds = new Set(options.kinds ?? PII_KINDS);
  const phoneRegions = options.phoneRegions ?? (options.defaultRegion ? [options.defaultRegion] : DEFAULT_PHONE_REGIONS);
  // `needsDigitRun`: the finder's candidates all hold one (see hasDigitRun), so a text without
  // one is not scanned by it. The order is the order hits are collected in.
  const finders: Array<{ find: (text: string) => PiiMatch[]; needsDigitRun: boolean }> = [];
  if (kinds.has('email')) finders.push({ find: findEmails, needsDigitRun: false });
  if (kinds.has('phone')) finders.push({ find: createPhoneFinder(phoneRegions), needsDigitRun: true });
  if (kinds.has('credit_card')) finders.push({ find: findCreditCards, needsDigitRun: true });
  if (kinds.has('iban')) finders.push({ find: findIbans, needsDigitRun: false });
  if (kinds.has('us_ssn')) finders.push({ find: findUsSsns, needsDigitRun: true });
  if (kinds.has('ip_address')) finders.push({ find: findIpAddresses, needsDigitRun: false });
  const anyNeedsDigitRun = finders.some((finder) => finder.needsDigitRun);

  return {
    detect(fields) {
      const detections: Detection[] = [];
      for (const field of fields) {
        const hits: Hit[] = [];
        const views = listViews(field);
        for (let viewOrder = 0; viewOrder < views.length; viewOrder++) {
          const view = views[viewOrder] as TextView;
          const digitRun = anyNeedsDigitRun && hasDigitRun(view.text);
          for (const { find, needsDigitRun } of finders) {
            if (needsDigitRun && !digitRun) continue;
            for (const match of find(view.text)) hits.push(toHit(field, view, viewOrder, match));
          }
        }
        for (const detection of keepBestPerSpan(hits, field.original.length)) detections.push(detection);
      }
      return detections;
    },
  };
}

function mapIdentity(start: number, end: number): { start: number; end: number } {
  return { start, end };
}

/**
 * The views to scan: the field's views, with the original text first when the caller
 * did not include it, and without views whose text repeats one already listed (a
 * normalised view of clean text is the original again; scanning it twice buys nothing).
 */
function listViews(field: FieldViews): TextView[] {
  const hasOriginal = field.views.some((view) => view.name === 'original');
  const views = hasOriginal ? field.views : [{ name: 'original', text: field.original, toOriginal: mapIdentity } satisfies TextView, ...field.views];
  if (views.length === 1) return views;
  return views.filter((view, index) => views.findIndex((other) => other.text === view.text) === index);
}

function toHit(field: FieldViews, view: TextView, viewOrder: number, match: PiiMatch): Hit {
  const span = view.toOriginal(match.start, match.end);
  return {
    viewOrder,
    detection: {
      detector: 'pii',
      kind: match.kind,
      field: field.field,
      score: match.score,
      severity: PII_SEVERITY[match.kind],
      start: span.start,
      end: span.end,
      // Masked from the view's text: for a decoded or de-obfuscated hit the original
      // slice is base64 or full of zero-width characters and would not be recognisable.
      evidence: maskEvidence(view.text.slice(match.start, match.end)),
    },
  };
}

/**
 * Greedy: the strongest hit wins a span (score, then severity, then the longer span, which
 * a de-obfuscated view sees whole, then the earlier view). Kept spans are disjoint, so a
 * per-character mask of the original answers "does this overlap?" in linear total time.
 */
function keepBestPerSpan(hits: Hit[], textLength: number): Detection[] {
  if (hits.length === 0) return [];
  const ranked = [...hits].sort(
    (a, b) =>
      b.detection.score - a.detection.score ||
      SEVERITY_RANK[b.detection.severity] - SEVERITY_RANK[a.detection.severity] ||
      b.detection.end - b.detection.start - (a.detection.end - a.detection.start) ||
      a.viewOrder - b.viewOrder,
  );
  const taken = new Uint8Array(textLength);
  const kept: Detection[] = [];
  for (const { detection } of ranked) {
    const { start, end } = detection;
    if (start >= end || taken.subarray(start, end).includes(1)) continue;
    taken.fill(1, start, end);
    kept.push(detection);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}
