import { describe, expect, it } from 'vitest';
import { checksConfigSchema } from './checks.config.ts';

describe('checks.pii.phone_regions', () => {
  it('defaults to US, GB and DE', () => {
    expect(checksConfigSchema.parse({}).pii.phone_regions).toEqual(['US', 'GB', 'DE']);
  });

  it('keeps the older single region as the only one when phone_regions is absent', () => {
    expect(checksConfigSchema.parse({ pii: { region: 'FR' } }).pii.phone_regions).toEqual(['FR']);
  });

  it('takes a list, upper-casing the codes, and wins over region', () => {
    expect(checksConfigSchema.parse({ pii: { region: 'FR', phone_regions: ['gb', 'IE'] } }).pii.phone_regions).toEqual(['GB', 'IE']);
  });

  it('refuses unknown codes, an empty list and a code that is not a string, with a clear message', () => {
    const unknown = checksConfigSchema.safeParse({ pii: { phone_regions: ['US', 'XX'] } });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]).toMatchObject({
      path: ['pii', 'phone_regions', 1],
      message: 'must be a two-letter country code that has phone numbers, such as US, GB or DE',
    });
    const empty = checksConfigSchema.safeParse({ pii: { phone_regions: [] } });
    expect(empty.error?.issues[0]?.message).toBe('must list at least one region, e.g. [US, GB, DE]');
    expect(checksConfigSchema.safeParse({ pii: { phone_regions: [44] } }).success).toBe(false);
    expect(checksConfigSchema.safeParse({ pii: { phone_regions: 'US' } }).success).toBe(false);
  });
});

describe('checks.injection.scan_output', () => {
  it('reads answers on events with retrieved context by default', () => {
    expect(checksConfigSchema.parse({}).injection).toEqual({ enabled: true, scan_output: 'with_context' });
    expect(checksConfigSchema.parse({ injection: { enabled: false } }).injection.scan_output).toBe('with_context');
  });

  it('refuses a mode it does not know, naming the field and the modes', () => {
    const parsed = checksConfigSchema.safeParse({ injection: { scan_output: 'yes' } });
    expect(parsed.error?.issues[0]?.path).toEqual(['injection', 'scan_output']);
    expect(parsed.error?.issues[0]?.message).toMatch(/with_context.*always.*never/);
  });
});
