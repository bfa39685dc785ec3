// Cards show secrets and personal data redacted by default. Detectors report where they
// found them as offsets in the original text (UTF-16 code units, end exclusive), so
// redaction works on the raw text, before any escaping or truncation shifts offsets.

export interface RedactionSpan {
  start: number;
  end: number;
  kind: string;
}

/** Sorts spans, clamps them to the text and merges overlapping ones (the first kind wins). */
export function mergeRedactionSpans(spans: readonly RedactionSpan[], textLength: number): RedactionSpan[] {
  const clamped = spans
    .map((span) => ({ ...span, start: Math.max(0, span.start), end: Math.min(textLength, span.end) }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: RedactionSpan[] = [];
  for (const span of clamped) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** Replaces each span (merged when overlapping) with `[redacted <kind>]`. */
export function redactText(text: string, spans: readonly RedactionSpan[]): string {
  let result = '';
  let cursor = 0;
  for (const span of mergeRedactionSpans(spans, text.length)) {
    result += `${text.slice(cursor, span.start)}[redacted ${span.kind}]`;
    cursor = span.end;
  }
  return result + text.slice(cursor);
}
