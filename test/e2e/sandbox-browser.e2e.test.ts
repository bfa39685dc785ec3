import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startDemo, type Demo } from '../../src/app/demo.ts';
import { DEMO_CHANNELS, DEMO_USERS } from '../../src/modules/sandbox/sandbox-demo.config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { cardWith, launchChromium, modal, openSandboxAs } from '../helpers/sandbox-browser.ts';

// The demo as a person uses it: a real Chromium on the sandbox page, every click a signed
// request through Bolt into Vigil's handlers, every card redrawn from what Vigil posted.

const LEAK = 'The order export keeps failing';
const PII = 'Who placed order #5520';
const OFF_BRAND = 'Why is the Trailhead jacket so expensive';

// A shared two-core machine can take a while to start Chromium and the demo.
describe('the Slack sandbox in a browser', { timeout: 90_000 }, () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ logger: createLogger({ level: 'silent' }), port: 0, sandboxPort: 0, trafficIntervalMs: 0, history: false, logLevel: 'silent' });
    await demo.ready;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  const origin = () => new URL(demo.sandboxUrl).origin;

  it('shows a leak card, and Approve turns it into a final card', async () => {
    await openSandboxAs(page, origin(), DEMO_USERS.reviewer, DEMO_CHANNELS.review);
    const card = cardWith(page, LEAK).first();
    await card.waitFor({ timeout: 15_000 });
    const ts = await card.getAttribute('data-ts');
    const updated = page.locator(`article.message[data-ts="${ts}"]`);
    const approve = updated.locator('[data-action-id="review.approve"]');
    await approve.click();
    // The page redraws a card whenever Vigil updates it (a duplicate arriving, say); a click that
    // lands on the element being replaced is lost, so click again as a person would. A second
    // Approve by the same reviewer is idempotent.
    await expect
      .poll(async () => {
        const left = await approve.count();
        if (left > 0) await approve.click({ timeout: 2_000 }).catch(() => undefined);
        return left;
      }, { timeout: 30_000, interval: 3_000 })
      .toBe(0);
    await expect.poll(() => updated.textContent()).toMatch(/approved/i);
  });

  it('rejects another card through the reject modal, with a reason', async () => {
    const card = cardWith(page, PII).first();
    await card.waitFor({ timeout: 15_000 });
    const ts = await card.getAttribute('data-ts');
    await card.locator('[data-action-id="review.reject"]').click();
    const dialog = modal(page);
    await dialog.waitFor();
    await dialog.locator('select').first().selectOption('data_leak');
    await dialog.locator('.modal-footer .btn-primary').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator(`article.message[data-ts="${ts}"]`).textContent(), { timeout: 20_000 }).toMatch(/rejected/i);
  });

  it('lets an approver tighten a guardrail from a card, and posts the new version', async () => {
    await openSandboxAs(page, origin(), DEMO_USERS.approver, DEMO_CHANNELS.review);
    const card = cardWith(page, OFF_BRAND).first();
    await card.waitFor({ timeout: 15_000 });
    await card.locator('[data-action-id="review.more"]').click();
    await card.locator('.overflow-item[data-value^="tighten|"]').click();
    const dialog = modal(page);
    await dialog.waitFor();
    // The tighten modal, then its confirmation if Vigil asks for one.
    for (let step = 0; step < 3 && (await dialog.count()) > 0; step++) {
      const callback = await dialog.getAttribute('data-callback-id');
      await dialog.locator('.modal-footer .btn-primary').click();
      await expect.poll(async () => ((await dialog.count()) === 0 ? null : await dialog.getAttribute('data-callback-id')), { timeout: 20_000 }).not.toBe(callback);
    }
    await page.goto(`${origin()}/sandbox?as=${DEMO_USERS.approver}#${DEMO_CHANNELS.guardrails}`);
    await expect.poll(() => page.locator('.messages').textContent(), { timeout: 20_000 }).toMatch(/version 2|v2\b/i);
  });

  it('refuses a non-member with a message only they see', async () => {
    await openSandboxAs(page, origin(), DEMO_USERS.outsider, DEMO_CHANNELS.review);
    const card = cardWith(page, OFF_BRAND).first();
    await card.waitFor({ timeout: 15_000 });
    await card.locator('[data-action-id="review.approve"]').click();
    const notice = page.locator('article.message.ephemeral');
    await notice.first().waitFor({ timeout: 20_000 });
    expect(await notice.first().textContent()).toMatch(/only visible to you/i);
    expect(await card.locator('[data-action-id="review.approve"]').count()).toBe(1);
  });
});
