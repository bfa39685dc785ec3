import { describe, expect, it } from 'vitest';
import { maskEvidence, maskSecret } from './evidence.models.ts';

describe('maskSecret', () => {
  it('keeps a provider prefix and the last 4 characters, nothing else', () => {
    expect(maskSecret('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA••••••••MPLE');
    expect(maskSecret('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')).toBe('ghp_••••••••INUx');
    expect(maskSecret('xoxb-1234567890-abcdefghijkl')).toBe('xoxb-••••••••ijkl');
  });

  it('shows only the last 4 of a secret without a prefix, such as an AWS secret access key', () => {
    expect(maskSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('••••••••EKEY');
  });

  it('masks a short secret entirely and never keeps a prefix longer than a quarter of it', () => {
    expect(maskSecret('hunter2pass')).toBe('•••••••••••');
    expect(maskSecret('password_abcdefgh')).toBe('••••••••efgh');
  });
});

describe('maskEvidence', () => {
  it('keeps at most an eighth of other matches on each side', () => {
    expect(maskEvidence('ana.lopez@example.com')).toBe('an••••••••••••om');
  });
});
