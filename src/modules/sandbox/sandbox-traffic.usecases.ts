import type { Logger } from '../../platform/logger.ts';
import { buildDemoEvent, OPENING_KINDS, pickTrafficKind, type DemoEvent } from './sandbox-traffic.models.ts';

// The demo's production app: it sends Vigil events through the public API with an API
// key, exactly as a real app would (POST /v1/events), so ingestion, the detectors, the
// sampler and the outbox all run for real.

export interface TrafficOptions {
  vigilUrl: string;
  apiKey: string;
  logger: Logger;
  /** Milliseconds between live events after the opening batch; 0 sends the opening batch only. */
  intervalMs: number;
  rng?: () => number;
}

export async function postDemoEvents(options: Pick<TrafficOptions, 'vigilUrl' | 'apiKey'>, events: DemoEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 500) {
    const response = await fetch(`${options.vigilUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
      body: JSON.stringify({ events: events.slice(start, start + 500) }),
    });
    if (response.status !== 202) throw new Error(`Vigil refused the demo events: ${response.status} ${await response.text()}`);
  }
}

/** Sends the opening batch now, then one event every `intervalMs` until stopped. */
export function startTraffic(options: TrafficOptions) {
  const rng = options.rng ?? Math.random;
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const send = async (events: DemoEvent[]) => {
    try {
      await postDemoEvents(options, events);
    } catch (error) {
      if (!stopped) options.logger.warn({ err: error }, 'demo traffic: a batch was refused');
    }
  };
  const opening = send(OPENING_KINDS.map((kind) => buildDemoEvent(kind, index++)));
  if (options.intervalMs > 0) {
    const tick = () => {
      if (stopped) return;
      void send([buildDemoEvent(pickTrafficKind(rng()), index++)]).finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
    };
    timer = setTimeout(tick, options.intervalMs);
  }
  return {
    opening,
    /** A few more events at once (the page's "Send more traffic"). */
    burst: (count: number) => send(Array.from({ length: count }, () => buildDemoEvent(pickTrafficKind(rng()), index++))),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
