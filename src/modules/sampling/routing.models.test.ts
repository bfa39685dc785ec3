import { describe, expect, it } from 'vitest';
import { routeItem, type RoutableItem } from './routing.models.ts';
import { samplingConfigSchema, type RouteConfig } from './sampling.config.ts';

const { routes } = samplingConfigSchema.parse({
  routes: [
    { channel: 'C_TRUST', detectors: ['secrets', 'pii', 'prompt_leak', 'injection'] },
    { channel: 'C_BRAND', graders: ['tone', 'brand'] },
    { channel: 'C_ONCALL', reasons: ['grader_unavailable'] },
    { channel: 'C_RELEASES', reasons: ['release_boost'], graders: ['faithfulness'] },
  ],
});

function buildItem(overrides: Partial<RoutableItem>): RoutableItem {
  return { reasons: [], flags: [], ...overrides };
}

describe('routeItem', () => {
  it('sends leaks and injections to the trust channel', () => {
    const item = buildItem({ reasons: [{ code: 'flag', check: 'injection' }], flags: [{ check: 'injection' }] });
    expect(routeItem(item, routes, 'C_REVIEW')).toEqual(['C_TRUST']);
  });

  it('sends tone scores near the threshold to the brand channel through the uncertainty reason', () => {
    const item = buildItem({ reasons: [{ code: 'uncertainty', check: 'tone' }] });
    expect(routeItem(item, routes, 'C_REVIEW')).toEqual(['C_BRAND']);
  });

  it('sends an item to every matching channel, once each, in route order', () => {
    const item = buildItem({
      reasons: [
        { code: 'flag', check: 'brand' },
        { code: 'flag', check: 'secrets' },
        { code: 'grader_unavailable' },
      ],
      flags: [{ check: 'brand' }, { check: 'secrets' }, { check: 'pii' }],
    });
    expect(routeItem(item, routes, 'C_REVIEW')).toEqual(['C_TRUST', 'C_BRAND', 'C_ONCALL']);
  });

  it('routes on a flag below min_severity, which is not among the reasons', () => {
    const item = buildItem({ reasons: [{ code: 'baseline' }], flags: [{ check: 'pii' }] });
    expect(routeItem(item, routes, 'C_REVIEW')).toEqual(['C_TRUST']);
  });

  it('requires every criterion of a route to match', () => {
    const boostOnly = buildItem({ reasons: [{ code: 'release_boost' }] });
    const both = buildItem({ reasons: [{ code: 'release_boost' }, { code: 'uncertainty', check: 'faithfulness' }] });
    expect(routeItem(boostOnly, routes, 'C_REVIEW')).toEqual(['C_REVIEW']);
    expect(routeItem(both, routes, 'C_REVIEW')).toEqual(['C_RELEASES']);
  });

  it('falls back to the default channel when nothing matches', () => {
    expect(routeItem(buildItem({ reasons: [{ code: 'baseline' }] }), routes, 'C_REVIEW')).toEqual(['C_REVIEW']);
    expect(routeItem(buildItem({ reasons: [{ code: 'flag', check: 'secrets' }] }), [], 'C_REVIEW')).toEqual(['C_REVIEW']);
  });

  it('ignores an empty criterion list instead of letting it block the route', () => {
    const lenient: RouteConfig[] = [{ channel: 'C_TRUST', reasons: [], detectors: ['pii'] }];
    expect(routeItem(buildItem({ flags: [{ check: 'pii' }] }), lenient, 'C_REVIEW')).toEqual(['C_TRUST']);
  });

  it("sends the app's own flags, named under flags, to their route", () => {
    const byFlag: RouteConfig[] = [{ channel: 'C_BRAND', flags: ['off_brand'] }];
    expect(routeItem(buildItem({ flags: [{ check: 'off_brand' }] }), byFlag, 'C_REVIEW')).toEqual(['C_BRAND']);
    expect(routeItem(buildItem({ flags: [{ check: 'pii' }] }), byFlag, 'C_REVIEW')).toEqual(['C_REVIEW']);
  });
});
