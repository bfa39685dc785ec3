import { describe, expect, it } from 'vitest';
import { sourceConfigSchema } from '../sources/sources.config.ts';
import { digestConfigSchema, hasDigestRecipients } from './digest.config.ts';

describe('digest config', () => {
  it('defaults to Monday 09:00 with nobody to send to, for a source that omits the block', () => {
    const config = sourceConfigSchema.parse({}).digest;
    expect(config).toEqual({ managers: [], schedule: '0 9 * * 1' });
    expect(hasDigestRecipients(config)).toBe(false);
  });

  it('takes a channel, managers and a weekly schedule', () => {
    const config = digestConfigSchema.parse({ channel: 'C07DIGEST', managers: ['U024BE7LH'], schedule: '30 8 * * fri' });
    expect(config).toEqual({ channel: 'C07DIGEST', managers: ['U024BE7LH'], schedule: '30 8 * * fri' });
    expect(hasDigestRecipients(config)).toBe(true);
  });

  it('names the field and what is wrong with a bad value', () => {
    const issues = (value: unknown) => digestConfigSchema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(issues({ schedule: '0 9 * * *' })).toEqual(['schedule: must be a weekly cron expression such as "0 9 * * 1" (minute hour * * day-of-week)']);
    expect(issues({ managers: ['#managers'] })).toEqual(['managers.0: must be a Slack user id such as U024BE7LH']);
    expect(issues({ channel: 'digest' })).toEqual(['channel: must be a Slack channel id such as C07DIGEST']);
    expect(issues({ chanel: 'C07DIGEST' })?.[0]).toMatch(/chanel/);
  });
});
