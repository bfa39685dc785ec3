import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent, postEvents, startTestVigil, type TestVigil } from '../helpers/test-vigil.ts';

// /v1/events bodies are read and checked by the detector workers: what a worker that dies or
// a full queue must not change (nothing acknowledged is lost, nothing refused is stored).

const CUE_WORKER = new URL('../fixtures/workers/cue-detectors.worker.ts', import.meta.url);

describe('POST /v1/events through the detector workers', () => {
  let vigil: TestVigil | undefined;
  afterEach(async () => {
    await vigil?.stop();
    vigil = undefined;
  });

  const countStored = async (key: string, ids: string[]) => {
    let found = 0;
    for (const id of ids) {
      const response = await fetch(`${vigil!.url}/v1/events/${id}`, { headers: { authorization: `Bearer ${key}` } });
      if (response.status === 200) found++;
      await response.arrayBuffer();
    }
    return found;
  };

  it('answers 500 for a batch whose worker dies mid-batch, stores none of it, keeps what was acknowledged, and carries on with a new worker', async () => {
    vigil = await startTestVigil({ app: { detectorWorkers: 1, detectorWorkerEntry: CUE_WORKER } });
    const key = await vigil.createKey();

    const before = await postEvents(vigil.url, key, { events: [makeEvent({ id: 'kept-1' }), makeEvent({ id: 'kept-2' })] });
    expect(before.status).toBe(202);
    const crashed = await postEvents(vigil.url, key, { events: [makeEvent({ id: 'lost-1' }), makeEvent({ id: 'lost-2', output: 'crash-worker' })] });
    expect(crashed.status).toBe(500);
    expect(crashed.body.error.code).toBe('internal_error');
    expect(await countStored(key, ['lost-1', 'lost-2'])).toBe(0);
    expect(await countStored(key, ['kept-1', 'kept-2'])).toBe(2);

    const after = await postEvents(vigil.url, key, { events: [makeEvent({ id: 'lost-1' }), makeEvent({ id: 'after-1' })] });
    expect(after).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });
  });

  it('answers 503 with Retry-After when the workers and their queue are full, storing nothing of the refused batch', async () => {
    vigil = await startTestVigil({ env: { DETECTOR_QUEUE_MB: '1' }, app: { detectorWorkers: 1, detectorWorkerEntry: CUE_WORKER } });
    const key = await vigil.createKey();
    // ~300 KB each: one in the worker (held 400 ms), one waiting, then the queue's 1 MiB is full.
    const filler = 'x'.repeat(1000);
    const batches = Array.from({ length: 6 }, (_, b) => ({
      events: Array.from({ length: 300 }, (_, i) => makeEvent({ id: `bp-${b}-${i}`, output: `slow-worker ${filler}` })),
    }));
    const responses = await Promise.all(
      batches.map((batch) =>
        fetch(`${vigil!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(batch) }),
      ),
    );
    const answers = await Promise.all(responses.map(async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, any> })));
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((answer) => answer.status === 202 || answer.status === 503)).toBe(true);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body.error.code).toBe('ingest.overloaded');
    }
    for (const [b, answer] of answers.entries()) {
      const ids = [`bp-${b}-0`, `bp-${b}-299`];
      expect(await countStored(key, ids)).toBe(answer.status === 202 ? 2 : 0);
    }
  });
});
