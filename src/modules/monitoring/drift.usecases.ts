import type { Logger } from '../../platform/logger.ts';
import { renderLineChartPng, type LineChartOptions } from '../../shared/charts.ts';
import { shouldAlert, type DriftAlertAction } from './drift-alerts.models.ts';
import { buildDriftAlertSummary, toBoostView, type DriftAlertSummary } from './drift-card.models.ts';
import { buildDriftChartOptions } from './drift-chart.models.ts';
import { buildDriftMetrics, createEmptyWindowData, describeWindowFigures, type DriftMetric, type DriftWindowData } from './drift-metrics.models.ts';
import { HOUR_MS, resolveDriftWindows, type DriftWindowPair } from './drift-windows.models.ts';
import { evaluateDrift, type DriftResult } from './drift.models.ts';
import { buildDriftAlertMessage, type SlackMessage } from './drift.blocks.ts';
import { toDriftAlertState, type DriftAlertRow, type DriftRepository, type TimeWindow } from './drift.repository.ts';
import type { BoostsRepository, SamplingBoostRow } from './boosts.repository.ts';
import type { DriftConfig } from './monitoring.config.ts';
import { isRefusal } from './refusal.models.ts';

// The hourly drift check of one source: load both windows, evaluate every metric, and keep
// one alert per drift episode (drift-alerts.models.ts). A new episode posts a card with a
// before/after chart and raises review sampling for the drifted slice. An alert row is
// written before its card is posted; if posting fails, a later run posts it.

/** Posts a drift alert card to the source's channel; the lead wires it to the outbox (the PNG as a file in the card's thread). */
export type PostAlertCard = (source: string, message: SlackMessage, png: Buffer | null, ref: { alertId: number; metric: string }) => Promise<void>;
/** Refreshes a posted card (same drift still going on, resolved, boost stopped). Optional. */
export type UpdateAlertCard = (source: string, alertId: number, message: SlackMessage) => Promise<void>;

export interface DriftJobDeps {
  driftRepository: DriftRepository;
  boostsRepository: BoostsRepository;
  postAlertCard: PostAlertCard;
  updateAlertCard?: UpdateAlertCard;
  /** Default: renderLineChartPng. */
  renderChart?: (options: LineChartOptions) => Promise<Buffer>;
  logger?: Logger;
}

export interface DriftCheckOutcome {
  metric: string;
  result: DriftResult | null;
  action: DriftAlertAction;
  alertId?: number;
  boostId?: number;
  /** Set when this metric could not be checked or its card not posted; the others still ran. */
  error?: string;
}

export interface DriftCheckReport {
  source: string;
  windows: DriftWindowPair;
  outcomes: DriftCheckOutcome[];
}

export async function runDriftCheck(deps: DriftJobDeps, input: { source: string; config: DriftConfig; now: number }): Promise<DriftCheckReport> {
  const { source, config, now } = input;
  const release = config.reference === 'since_release' ? await deps.driftRepository.findCurrentRelease(source, now) : null;
  const windows = resolveDriftWindows(config, now, release);
  const [reference, current] = [await loadDriftWindow(deps.driftRepository, source, windows.reference), await loadDriftWindow(deps.driftRepository, source, windows.current)];
  const outcomes: DriftCheckOutcome[] = [];
  for (const metric of buildDriftMetrics(reference, current)) {
    try {
      outcomes.push(await checkMetric(deps, { source, config, now, windows, metric }));
    } catch (error) {
      deps.logger?.error({ err: error, source, metric: metric.name }, 'drift check of a metric failed');
      outcomes.push({ metric: metric.name, result: null, action: 'none', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { source, windows, outcomes };
}

export async function loadDriftWindow(repository: DriftRepository, source: string, window: TimeWindow): Promise<DriftWindowData> {
  const data = createEmptyWindowData();
  if (window.to <= window.from) return data;
  await repository.forEachOutput(source, window, (length, head) => {
    data.events += 1;
    data.outputLengths.push(length);
    if (isRefusal(head)) data.refusals += 1;
  });
  data.detectorFlags = await repository.countDetectorFlags(source, window);
  data.graderScores = await repository.listGraderScores(source, window);
  data.modelVersions = await repository.countVersions(source, window, 'modelVersion');
  data.promptVersions = await repository.countVersions(source, window, 'promptVersion');
  return data;
}

/** Evidently's defaults, with the source's per-test threshold overrides. */
export function evaluateMetric(source: string, metric: DriftMetric, config: Pick<DriftConfig, 'min_sample_size' | 'thresholds'>): DriftResult {
  const base = { ...metric.windows, metric: { source, name: metric.name }, minSampleSize: config.min_sample_size };
  const result = evaluateDrift(base);
  const override = config.thresholds[result.test];
  if (override === undefined || override === result.threshold) return result;
  return evaluateDrift({ ...base, test: result.test, threshold: override });
}

interface MetricContext {
  source: string;
  config: DriftConfig;
  now: number;
  windows: DriftWindowPair;
  metric: DriftMetric;
}

async function checkMetric(deps: DriftJobDeps, context: MetricContext): Promise<DriftCheckOutcome> {
  const { source, config, now, metric } = context;
  const result = evaluateMetric(source, metric, config);
  const open = await deps.driftRepository.findOpenAlert(source, metric.name);
  const decision = shouldAlert(open ? toDriftAlertState(open) : null, result, now, { coolDownMs: config.cool_down_hours * HOUR_MS });
  const outcome: DriftCheckOutcome = { metric: metric.name, result, action: decision.action };
  const summary = (): DriftAlertSummary =>
    buildDriftAlertSummary({ result, kind: metric.windows.kind, figures: describeWindowFigures(metric.windows), windows: context.windows, now });

  if (decision.action === 'alert' && decision.state) {
    const alert = await deps.driftRepository.insertAlert({ source, metric: metric.name, slice: metric.slice, state: decision.state, summary: summary(), now });
    const boost = await deps.boostsRepository.insertBoost({
      source, slice: metric.slice, metric: metric.name, rate: config.boost.rate, startedAt: now, until: now + config.boost.hours * HOUR_MS, alertId: alert.id,
    });
    await postAlert(deps, alert, boost, context);
    return { ...outcome, alertId: alert.id, boostId: boost.id };
  }
  if (!open) return outcome;
  if (decision.action === 'update' && decision.state) {
    const latest = summary();
    await deps.driftRepository.updateAlert(open.id, { state: decision.state, summary: latest }, now);
    await refreshAlert(deps, { ...open, summary: latest }, context);
  } else if (decision.action === 'resolve') {
    await deps.driftRepository.updateAlert(open.id, { resolvedAt: now }, now);
    await refreshAlert(deps, { ...open, resolvedAt: now }, context);
  } else {
    if (decision.state && decision.state.clearSince !== open.clearSince) await deps.driftRepository.updateAlert(open.id, { state: decision.state }, now);
    if (open.postedAt === null) await refreshAlert(deps, open, context);
  }
  return { ...outcome, alertId: open.id };
}

/** Posts the card if it never reached Slack, otherwise updates the posted one. */
async function refreshAlert(deps: DriftJobDeps, alert: DriftAlertRow, context: MetricContext): Promise<void> {
  const boost = (await deps.boostsRepository.findBoostOfAlert(alert.id)) ?? null;
  if (alert.postedAt === null && alert.resolvedAt === null) return postAlert(deps, alert, boost, context);
  if (alert.postedAt === null || !deps.updateAlertCard) return;
  await deps.updateAlertCard(alert.source, alert.id, buildCard(alert, boost, context.now));
}

async function postAlert(deps: DriftJobDeps, alert: DriftAlertRow, boost: SamplingBoostRow | null, context: MetricContext): Promise<void> {
  let png: Buffer | null = null;
  try {
    png = await (deps.renderChart ?? renderLineChartPng)(buildDriftChartOptions(context.metric.name, context.metric.windows));
  } catch (error) {
    // The figures on the card carry the alert; a chart that cannot be drawn must not hold it back.
    deps.logger?.warn({ err: error, alertId: alert.id }, 'drift chart could not be rendered; posting the alert without it');
  }
  await deps.postAlertCard(alert.source, buildCard(alert, boost, context.now), png, { alertId: alert.id, metric: alert.metric });
  await deps.driftRepository.updateAlert(alert.id, { postedAt: context.now }, context.now);
}

export function buildCard(alert: DriftAlertRow, boost: SamplingBoostRow | null, now: number): SlackMessage {
  return buildDriftAlertMessage({
    alertId: alert.id,
    summary: alert.summary,
    openedAt: alert.openedAt,
    resolvedAt: alert.resolvedAt,
    boost: boost ? toBoostView(boost) : null,
    now,
  });
}
