import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

// Debian's chromium driven by playwright-core: no browser download, no network. `.ci/run`
// installs /usr/bin/chromium when it is missing.

export const CHROMIUM_PATH = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set VIGIL_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Opens the sandbox as `user` on `place` (a channel id, or `home`). */
export async function openSandboxAs(page: Page, sandboxOrigin: string, user: string, place: string): Promise<void> {
  await page.goto(`${sandboxOrigin}/sandbox?as=${user}#${place}`);
  await page.locator('.topbar').waitFor();
}

/** The top-level message whose blocks show `text` (the demo's inputs are unique per kind). */
export function messageWith(page: Page, text: string | RegExp): Locator {
  return page.locator('.messages > .message-group > article.message, .messages > article.message').filter({ hasText: text });
}

/** A review card: a message carrying the Approve button. */
export function cardWith(page: Page, text: string | RegExp): Locator {
  return messageWith(page, text).filter({ has: page.locator('[data-action-id="review.approve"]') });
}

export function modal(page: Page): Locator {
  return page.locator('.modal-layer [role="dialog"]');
}
