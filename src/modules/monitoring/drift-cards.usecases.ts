import type { Db } from '../../platform/db.ts';
import type { Logger } from '../../platform/logger.ts';
import { renderLineChartPng, type ChartUpload, type LineChartOptions } from '../../shared/charts.ts';
import type { Clock } from '../../shared/clock.ts';
import { slackOrderKey } from '../outbox/outbox.models.ts';
import { enqueueOutboxMessage, type OutboxRepository } from '../outbox/outbox.repository.ts';
import { outboxRef } from '../outbox/outbox-refs.models.ts';
import type { OutboxRow } from '../outbox/outbox.table.ts';
import { buildDriftChartOptions } from './drift-chart.models.ts';
import { buildDriftMetrics } from './drift-metrics.models.ts';
import type { DriftRepository } from './drift.repository.ts';
import { loadDriftWindow, type PostAlertCard, type UpdateAlertCard } from './drift.usecases.ts';

// Drift alert cards in Slack, through the outbox. The card's post is the outbox row keyed by
// its alert: once delivered, its response holds the card's {channel, ts}, so updates name the
// card through that row (an `outboxRef` until Slack has answered) and no column is needed.
// The before/after PNG goes into the card's thread once the post is delivered: the outbox
// stores JSON, not bytes. The PNG drawn at post time waits in memory; after a restart the
// hook draws it again from the alert's stored windows. A failed upload is logged and not
// retried: the card's figures carry the alert, the chart only illustrates it.

export const DRIFT_CARD_POSTED = 'monitoring.drift_card_posted';

export interface DriftCardsDeps {
  db: Db;
  outboxRepository: Pick<OutboxRepository, 'listByPurpose'>;
  driftRepository: DriftRepository;
  /** The channel of a source's drift cards; null when it has none (the alert is then recorded, not posted). */
  channelOf(source: string): string | null;
  notifyOutbox(): void;
  /** files.uploadV2; null when Slack is off. */
  uploadFile: ((upload: ChartUpload) => Promise<void>) | null;
  renderChart?: (options: LineChartOptions) => Promise<Buffer>;
  clock: Clock;
  logger: Logger;
}

// Drift cards carry app-reported strings (model versions); never let Slack turn them into links or pings.
const SAFE_POST = { link_names: false, unfurl_links: false, unfurl_media: false } as const;

export function createDriftCards(deps: DriftCardsDeps) {
  const pendingCharts = new Map<number, Buffer>();

  const findCardPost = async (alertId: number): Promise<OutboxRow | undefined> => {
    const rows = await deps.outboxRepository.listByPurpose(DRIFT_CARD_POSTED, String(alertId));
    return rows.find((row) => row.method === 'chat.postMessage');
  };

  const postAlertCard: PostAlertCard = async (source, message, png, ref) => {
    const channel = deps.channelOf(source);
    if (!channel) {
      deps.logger.warn({ source, alertId: ref.alertId, metric: ref.metric }, 'drift alert recorded but not posted: the source has no review channel');
      return;
    }
    if (png && deps.uploadFile) pendingCharts.set(ref.alertId, png);
    await enqueueOutboxMessage(
      deps.db,
      {
        kind: 'slack',
        method: 'chat.postMessage',
        payload: { channel, ...message, ...SAFE_POST },
        orderKey: slackOrderKey(channel),
        // A run that retries an unposted card finds this row instead of posting a second card.
        dedupeKey: `monitoring.drift_card:${ref.alertId}`,
        purpose: DRIFT_CARD_POSTED,
        purposeRef: String(ref.alertId),
      },
      deps.clock.now(),
    );
    deps.notifyOutbox();
  };

  const updateAlertCard: UpdateAlertCard = async (_source, alertId, message) => {
    const post = await findCardPost(alertId);
    // Never posted (no channel), or its post failed for good: there is no card to update.
    if (!post || post.status === 'failed') return;
    const channel = post.payload.channel as string;
    const ts = typeof post.response?.ts === 'string' ? post.response.ts : outboxRef(post.id, 'ts');
    await enqueueOutboxMessage(deps.db, { kind: 'slack', method: 'chat.update', payload: { channel, ts, ...message }, orderKey: post.orderKey }, deps.clock.now());
    deps.notifyOutbox();
  };

  async function drawChart(alertId: number): Promise<{ png: Buffer; title: string } | null> {
    const alert = await deps.driftRepository.findAlert(alertId);
    if (!alert) return null;
    const title = `Drift of ${alert.metric} on ${alert.source}: before and after`;
    const kept = pendingCharts.get(alertId);
    if (kept) return { png: kept, title };
    const { windows } = alert.summary;
    const reference = await loadDriftWindow(deps.driftRepository, alert.source, windows.reference);
    const current = await loadDriftWindow(deps.driftRepository, alert.source, windows.current);
    const metric = buildDriftMetrics(reference, current).find((candidate) => candidate.name === alert.metric);
    if (!metric) return null;
    return { png: await (deps.renderChart ?? renderLineChartPng)(buildDriftChartOptions(metric.name, metric.windows)), title };
  }

  /** Outbox hook: the card is in Slack; put its chart in the card's thread. */
  async function uploadChartOnPosted(row: OutboxRow, response: Record<string, unknown>): Promise<void> {
    const alertId = Number(row.purposeRef);
    try {
      const channel = typeof response.channel === 'string' ? response.channel : null;
      const ts = typeof response.ts === 'string' ? response.ts : null;
      if (!deps.uploadFile || !channel || !ts) return;
      const chart = await drawChart(alertId);
      if (!chart) return;
      await deps.uploadFile({ channel_id: channel, thread_ts: ts, file: chart.png, filename: `drift-alert-${alertId}.png`, title: chart.title, alt_text: chart.title });
    } finally {
      pendingCharts.delete(alertId);
    }
  }

  return {
    postAlertCard,
    updateAlertCard,
    /** Register with `outbox.onDelivered(DRIFT_CARD_POSTED, …)`. */
    uploadChartOnPosted,
    /** Register with `outbox.onFailed(DRIFT_CARD_POSTED, …)`: the card will never exist, neither will its chart. */
    forgetChart: (row: OutboxRow) => void pendingCharts.delete(Number(row.purposeRef)),
  };
}

export type DriftCards = ReturnType<typeof createDriftCards>;
