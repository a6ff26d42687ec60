// Work allocation in the browser: a team leader previews a batch, reads a
// rationale, asks "why not" for another agent, moves an item to that agent
// with a reason, and confirms; the agent then logs in and sees the item.
// Screenshots go to e2e/artifacts/allocation-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

/** The next Wednesday (today if it is one), UTC: every demo working pattern works that day. */
function nextWednesday() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
}

describe('work allocation: preview, why not, override, confirm; the agent sees it', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let dir;
  // Filled in along the way.
  const shared = {};

  before(async () => {
    dir = ensureArtifactsDir();
    server = await startServer();
    browser = await launchBrowser();
    // The agent's name, as the leader's pages show it.
    const context = await newContext(browser, server.baseURL);
    const page = await context.newPage();
    await login(page, server.logins.agent);
    shared.agentName = (await page.locator('header.top .who a').first().textContent()).trim();
    await context.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('team leader: preview, rationale, why not, override with a reason, confirm', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      await login(page, server.logins.team_leader);
      await page.locator('header.top nav').getByRole('link', { name: 'Work', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/work');
      assert.ok(await page.locator('#open table.data tbody tr').count() > 0, 'the demo team has open work');
      await page.screenshot({ path: path.join(dir, 'allocation-queue.png'), fullPage: true });

      await page.locator('#plan_date').fill(nextWednesday());
      await Promise.all([
        page.waitForURL((u) => /^\/work\/batches\/\d+$/.test(u.pathname)),
        page.locator('#preview-batch').click(),
      ]);
      const batchURL = new URL(page.url()).pathname;

      // A rationale a person can check: skills against requirements and the load after.
      const firstAssigned = page.locator('.batch-line:not(.unplaced)').first();
      const rationale = (await firstAssigned.locator('.rationale').textContent()).trim();
      assert.match(rationale, /load \d+\/\d+ after this/, `the rationale should give the load after: "${rationale}"`);
      assert.match(rationale, /≥/, `the rationale should compare skill levels: "${rationale}"`);

      // A line the agent could take but was not given.
      const lines = page.locator('.batch-line');
      let itemId = null;
      for (let i = 0; i < await lines.count(); i++) {
        const line = lines.nth(i);
        const offered = await line.locator('select[name=person_id] option', { hasText: shared.agentName }).count();
        if (offered > 0) {
          itemId = await line.getAttribute('data-item');
          break;
        }
      }
      assert.ok(itemId, `some line should offer a move to ${shared.agentName}`);
      shared.itemId = itemId;

      // "Why not?" for that agent and item.
      await page.locator('#why_item').selectOption(itemId);
      await page.locator('#why_person').selectOption({ label: shared.agentName });
      await Promise.all([page.waitForURL((u) => u.searchParams.has('why_item')), page.locator('#ask-why').click()]);
      const answer = (await page.locator('#why-answer').textContent()).trim();
      assert.ok(answer.includes(shared.agentName), `the answer should name the agent: "${answer}"`);
      await page.screenshot({ path: path.join(dir, 'allocation-why-not.png'), fullPage: true });

      // Override: move the item to the agent, first without a reason (refused), then with one.
      const line = page.locator(`.batch-line[data-item="${itemId}"]`);
      await line.locator('select[name=person_id]').selectOption({ label: shared.agentName });
      await Promise.all([page.waitForLoadState('load'), line.getByRole('button', { name: 'Move' }).click()]);
      const refused = page.locator(`.batch-line[data-item="${itemId}"] .field-error`);
      assert.match((await refused.first().textContent()).trim(), /Say why/, 'a move without a reason is refused');
      // The refusal is a 422 page, which the browser logs as a failed load: expected here.
      problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('422')));
      const again = page.locator(`.batch-line[data-item="${itemId}"]`);
      await again.locator('select[name=person_id]').selectOption({ label: shared.agentName });
      shared.reason = 'Building billing experience, agreed at our 1:1';
      await again.locator('input[name=reason]').fill(shared.reason);
      await Promise.all([
        page.waitForURL((u) => u.pathname === batchURL && !u.searchParams.has('why_item')),
        again.getByRole('button', { name: 'Move' }).click(),
      ]);
      const moved = page.locator(`.batch-line[data-item="${itemId}"]`);
      assert.equal((await moved.locator('.assignee').textContent()).trim(), shared.agentName);
      assert.ok((await moved.textContent()).includes('moved by you'), 'the moved line is marked');
      assert.ok((await moved.locator('.rationale').textContent()).includes(shared.reason), 'the reason is kept');
      await moved.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(dir, 'allocation-batch.png'), fullPage: true });

      await Promise.all([
        page.waitForURL((u) => u.pathname === '/work' && u.searchParams.get('notice') === 'confirmed'),
        page.locator('#confirm-batch').click(),
      ]);
      assert.match(await page.locator('.notice').first().textContent(), /Allocation confirmed/);
      assert.ok(await page.locator(`#held tr[data-item="${itemId}"]`).count() === 1, 'the item is now held');
      await page.screenshot({ path: path.join(dir, 'allocation-confirmed.png'), fullPage: true });

      for (const [name, url] of [['follow-up', '/work/follow-up'], ['fairness', '/work/fairness']]) {
        const res = await page.goto(url);
        assert.equal(res.status(), 200, `${url} should open`);
        await page.screenshot({ path: path.join(dir, `allocation-${name}.png`), fullPage: true });
      }
      assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });

  test('agent: sees the item in My work, with the reason', { timeout: 60_000 }, async () => {
    assert.ok(shared.itemId, 'the leader test assigned an item');
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins.agent);
      await page.locator('header.top nav').getByRole('link', { name: 'Work', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/work');
      assert.equal(await page.locator('main h1').textContent(), 'My work');
      const row = page.locator(`#mine tr[data-item="${shared.itemId}"]`);
      assert.equal(await row.count(), 1, 'the confirmed item is in My work');
      assert.equal(await page.locator('#get-next').count(), 1, 'agents can ask for the next item');
      await page.screenshot({ path: path.join(dir, 'allocation-agent.png'), fullPage: true });
      await Promise.all([page.waitForURL((u) => u.pathname === `/work/items/${shared.itemId}`), row.locator('a').first().click()]);
      assert.ok((await page.locator('.rationale').textContent()).includes(shared.reason), 'the agent reads why');
      await page.screenshot({ path: path.join(dir, 'allocation-agent-item.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
