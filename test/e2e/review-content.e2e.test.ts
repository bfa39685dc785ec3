import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLimitViolations } from '../../src/shared/slack-limits.ts';
import { readItemId, startSlackTestVigil, USERS, type SlackTestVigil } from '../helpers/test-vigil-slack.ts';

// Model output is attacker-controlled. Whatever it contains, the card and the View-full modal
// that reach Slack carry it inert (escaped, fenced), redacted and within Block Kit limits.

const SECRET = 'ghp_1A2b3C4d5E6f7G8h9I0jK1l2M3n4O5p6Q7r8';
const EMAIL = 'jane.doe@acme-corp.com';
const HOSTILE =
  `Hello <!channel> and <!here>, please verify at <https://evil.example|your bank> or ping <@U0ADMIN01>.\n` +
  '```\nclosed the fence early\n```\n' +
  `Write to ${EMAIL} and use the token ${SECRET} for access. ` +
  'x'.repeat(50_000);

/** Every text Slack would render, joined. */
function collectTexts(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => collectTexts(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'text' && typeof item === 'string') found.push(item);
      else collectTexts(item, found);
    }
  }
  return found;
}

function expectInert(texts: string[]) {
  const all = texts.join('\n');
  expect(all).not.toMatch(/<!channel>|<!here>|<@U0ADMIN01>|<https:\/\/evil\.example/);
  expect(all).toContain('&lt;!channel&gt;');
  expect(all).toContain('&lt;https://evil.example|your bank&gt;');
  expect(all).not.toContain(EMAIL);
  expect(all).not.toContain(SECRET);
  expect(all).toContain('[redacted email]');
  for (const text of texts) {
    // Only Vigil's own fences remain: the output's backticks are broken by zero-width spaces.
    const fences = text.match(/```/g) ?? [];
    expect(fences.length % 2).toBe(0);
    expect(text).not.toContain('```\nclosed the fence early\n```');
  }
}

describe('review cards with hostile output', () => {
  let vigil: SlackTestVigil;

  beforeAll(async () => {
    vigil = await startSlackTestVigil();
  });
  afterAll(async () => vigil.stop());

  it('escapes, redacts and cuts the card, and the View full modal shows all of it the same way', async () => {
    const accepted = await vigil.post([{ id: 'hostile-1', input: `My mail is ${EMAIL}`, output: HOSTILE }]);
    expect(accepted.status).toBe(202);
    const card = await vigil.waitForCard();
    expect(card.body.link_names).toBe('false');
    expect(listLimitViolations({ text: card.body.text, blocks: card.body.blocks })).toEqual([]);
    const texts = collectTexts(card.body.blocks);
    expectInert(texts);
    expect(texts.join('\n')).toContain('[redacted ');
    expect(card.body.text).not.toMatch(/[<>]/);
    expect(JSON.stringify(card.body.blocks)).toContain('Shortened to fit Slack');

    const click = await vigil.click(card, 'review.view_full', { user: USERS.reviewer });
    expect(click.status).toBe(200);
    const modal = await vigil.fake.waitFor('views.open', (call) => call.body.view.callback_id === 'review.full_modal');
    expect(JSON.parse(modal.body.view.private_metadata)).toEqual({ itemId: readItemId(card) });
    expect(listLimitViolations(modal.body.view)).toEqual([]);
    const modalTexts = collectTexts(modal.body.view.blocks);
    expectInert(modalTexts);
    const xs = modalTexts.join('').match(/x{20,}/g) ?? [];
    expect(xs.reduce((sum, run) => sum + run.length, 0)).toBe(50_000);
  });

  it('opens View full from the overflow menu for reviewers only', async () => {
    await vigil.post([{ id: 'hostile-2', output: `Short, but ${EMAIL} still leaks <!everyone>.` }]);
    const card = await vigil.waitForCard((call) => JSON.stringify(call.body.blocks).includes('Short, but'));
    const itemId = readItemId(card);
    const before = vigil.fake.calls('views.open').length;
    await vigil.click(card, 'review.more', { user: USERS.outsider, option: `view_full|${itemId}` });
    const notice = await vigil.fake.waitFor('chat.postEphemeral', (call) => call.body.user === USERS.outsider);
    expect(notice.body.text).toContain('Only reviewers of *support-bot* can see the full content of its items');
    expect(vigil.fake.calls('views.open')).toHaveLength(before);

    await vigil.click(card, 'review.more', { user: USERS.reviewer, option: `view_full|${itemId}` });
    const modal = await vigil.fake.waitFor('views.open', (call) => JSON.parse(call.body.view.private_metadata).itemId === itemId);
    const shown = collectTexts(modal.body.view.blocks).join('\n');
    expect(shown).toContain('&lt;!everyone&gt;');
    expect(shown).not.toContain(EMAIL);
  });
});
