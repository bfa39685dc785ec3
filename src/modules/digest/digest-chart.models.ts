import type { ChartPoint, LineChartOptions } from '../../shared/charts.ts';
import type { EventFigures, ReviewFigures } from './digest-data.models.ts';

// The digest's trend chart: over the last 8 weeks, the share of events flagged by the
// checks and the share of reviewed items humans rejected. Two rates on one axis, so a
// manager sees at once whether the automation and the humans move together.

export const TREND_WEEKS = 8;

export interface TrendWeek {
  week: string;
  events: EventFigures;
  review: ReviewFigures | null;
}

export interface TrendPoint {
  week: string;
  events: number;
  flaggedPercent: number | null;
  reviewed: number | null;
  rejectedPercent: number | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

export function buildTrendPoints(weeks: readonly TrendWeek[]): TrendPoint[] {
  return weeks.map(({ week, events, review }) => {
    const reviewed = review ? review.approved + review.rejected : null;
    return {
      week,
      events: events.events,
      flaggedPercent: percent(events.flagged, events.events),
      reviewed,
      rejectedPercent: review && reviewed !== null ? percent(review.rejected, reviewed) : null,
    };
  });
}

/** A week without events (or without reviews) has no point on that line rather than a misleading 0. */
export function buildTrendChartOptions(source: string, points: readonly TrendPoint[]): LineChartOptions {
  const chartPoints: ChartPoint[] = points.flatMap((point) => [
    ...(point.flaggedPercent === null ? [] : [{ x: point.week, y: point.flaggedPercent, series: 'flagged by checks' }]),
    ...(point.rejectedPercent === null ? [] : [{ x: point.week, y: point.rejectedPercent, series: 'rejected by reviewers' }]),
  ]);
  return {
    title: `${source}: last ${points.length} weeks`,
    xTitle: 'ISO week',
    yTitle: '% of events / % of reviewed items',
    xType: 'ordinal',
    points: chartPoints,
    width: 560,
    height: 260,
  };
}
