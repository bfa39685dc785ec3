import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { startDemo } from '../src/app/demo.ts';
import { DEMO_CHANNELS, DEMO_USERS } from '../src/modules/sandbox/sandbox-demo.config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { cardWith, launchChromium, modal, openSandboxAs } from '../test/helpers/sandbox-browser.ts';

// `npm run docs:screenshots`: runs the demo, drives the sandbox page in Chromium and
// saves what the docs show into docs/images/. Rerun it after any change to Slack copy.

const OUT = new URL('../docs/images/', import.meta.url);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function save(target: Locator | Page, name: string): Promise<void> {
  await target.screenshot({ path: new URL(name, OUT).pathname, animations: 'disabled' });
  log(`docs/images/${name}`);
}

async function closeModal(page: Page): Promise<void> {
  await modal(page).locator('.modal-x').click();
  await modal(page).waitFor({ state: 'detached' });
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const demo = await startDemo({ logger: createLogger({ level: 'silent' }), port: 0, sandboxPort: 0, trafficIntervalMs: 0, logLevel: 'silent' });
  const browser = await launchChromium();
  try {
    await demo.ready;
    const origin = new URL(demo.sandboxUrl).origin;
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });

    await openSandboxAs(page, origin, DEMO_USERS.reviewer, DEMO_CHANNELS.review);
    const leak = cardWith(page, 'The order export keeps failing').first();
    await leak.waitFor({ timeout: 20_000 });
    await save(leak, 'review-card.png');

    await cardWith(page, 'Who placed order #5520').first().locator('[data-action-id="review.reject"]').click();
    await modal(page).waitFor();
    await save(modal(page), 'reject-modal.png');
    await closeModal(page);

    await openSandboxAs(page, origin, DEMO_USERS.approver, DEMO_CHANNELS.review);
    const card = cardWith(page, 'The order export keeps failing').first();
    await card.waitFor();
    await card.locator('[data-action-id="review.more"]').click();
    await card.locator('.overflow-item[data-value^="tighten|"]').click();
    await modal(page).waitFor();
    await save(modal(page), 'tighten-modal.png');
    await closeModal(page);

    await openSandboxAs(page, origin, DEMO_USERS.reviewer, 'home');
    await page.locator('.home .blocks').waitFor({ timeout: 10_000 });
    await save(page.locator('.layout'), 'app-home.png');

    // Whole channels: tall enough that the digest and its chart fit.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await openSandboxAs(page, origin, DEMO_USERS.oncall, DEMO_CHANNELS.review);
    const incident = page.locator('.nav-item', { hasText: '#inc-' }).first();
    await incident.waitFor({ timeout: 20_000 });
    await incident.click();
    for (const toggle of await page.locator('.thread-toggle').all()) await toggle.click();
    await page.waitForTimeout(300);
    await save(page.locator('.layout'), 'incident-channel.png');

    await page.locator('[data-demo="digest"]').click();
    await page.goto(`${origin}/sandbox?as=${DEMO_USERS.manager}#${DEMO_CHANNELS.weekly}`);
    await page.locator('.messages article.message').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1_500);
    await save(page.locator('.layout'), 'digest.png');

    await page.locator('[data-demo="drift"]').click();
    await page.goto(`${origin}/sandbox?as=${DEMO_USERS.reviewer}#${DEMO_CHANNELS.review}`);
    const drift = page.locator('.messages article.message').filter({ hasText: /drift/i }).last();
    await drift.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1_000);
    await save(drift, 'drift-alert.png');
  } finally {
    await browser.close();
    await demo.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`docs:screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
