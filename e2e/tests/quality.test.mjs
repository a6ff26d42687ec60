// Quality assurance end to end: the team leader completes a spot check from the
// queue; the agent acknowledges it and disputes one criterion; the operations
// manager upholds the dispute and the score changes; the admin finds who
// changed what in the audit trail.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

describe('quality: spot check, acknowledge, dispute, uphold, audit', { timeout: 300_000 }, () => {
  let server;
  let browser;
  const shared = {};

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function as(role, body) {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins[role]);
      return await body(page);
    } finally {
      await context.close();
    }
  }

  const shot = (page, name) => page.screenshot({ path: path.join(ensureArtifactsDir(), `quality-${name}.png`), fullPage: true });

  test('agent: lands on My evaluations and cannot see calibration', async () => {
    await as('agent', async (page) => {
      shared.agentName = (await page.locator('header.top .who a').first().textContent()).trim();
      await page.locator('header.top nav').getByRole('link', { name: 'Quality', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/quality');
      assert.equal((await page.locator('h1').textContent()).trim(), 'My evaluations');
      const response = await page.goto('/quality/calibration');
      assert.equal(response.status(), 403, 'calibration is invisible to agents');
    });
  });

  test('team leader: completes a spot check from the queue', async () => {
    await as('team_leader', async (page) => {
      await page.locator('header.top nav').getByRole('link', { name: 'Quality', exact: true }).click();
      await page.getByRole('link', { name: 'Open your queue' }).click();
      await page.waitForURL((u) => u.pathname === '/quality/queue');
      await shot(page, 'queue');
      const row = page.locator('tr[data-spot]', { hasText: shared.agentName }).first();
      assert.ok(await row.count(), `the queue should hold a spot check of ${shared.agentName}`);
      await row.getByRole('link', { name: /Evaluate/ }).click();
      await page.waitForURL((u) => u.pathname === '/quality/evaluate');
      await page.locator('.qa-contact dl.facts').first().waitFor();
      assert.match(await page.locator('.qa-contact').textContent(), /Outcome/, 'the contact details sit beside the form');

      // Answer every criterion: "no" to greet (to be disputed), otherwise good ratings.
      const criteria = page.locator('fieldset.qa-criterion');
      const count = await criteria.count();
      assert.ok(count >= 5, `the call form has criteria (${count})`);
      for (let i = 0; i < count; i++) {
        const c = criteria.nth(i);
        const id = await c.getAttribute('data-criterion');
        const choice = id === 'greet' ? 'No' : (await c.getByLabel('Yes', { exact: true }).count()) ? 'Yes' : (await c.getByLabel('4', { exact: true }).count()) ? '4' : 'N/A';
        await c.getByLabel(choice, { exact: true }).check();
      }
      await page.locator('input[name="c.greet"]').fill('No greeting heard at the start');
      await page.locator('#summary').fill('Helpful call; remember the greeting.');
      await page.locator('#coaching').fill('Listen back to the first ten seconds of two calls');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'evaluate');
      await page.getByRole('button', { name: 'Save evaluation' }).click();
      await page.waitForURL((u) => /^\/quality\/evaluations\/\d+$/.test(u.pathname));
      shared.evaluationPath = new URL(page.url()).pathname;
      shared.before = (await page.locator('[data-testid="qa-score"] strong').textContent()).trim();
      assert.match(await page.locator('.notice').textContent(), /Evaluation saved/);
    });
  });

  test('agent: acknowledges and disputes one criterion', async () => {
    assert.ok(shared.evaluationPath, 'the leader test made an evaluation');
    await as('agent', async (page) => {
      await page.goto('/quality');
      await page.locator(`a[href="${shared.evaluationPath}"]`).click();
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.waitForURL((u) => u.pathname === shared.evaluationPath);
      assert.match(await page.locator('#acknowledge').textContent(), /You acknowledged/);
      const row = page.locator('tr[data-criterion="greet"]');
      await row.locator('summary', { hasText: 'Dispute' }).click();
      await row.locator('textarea[name="reason"]').fill('I greeted the customer by name at the start of the call.');
      await row.getByRole('button', { name: 'Send dispute' }).click();
      await page.waitForURL((u) => u.pathname === shared.evaluationPath);
      assert.match(await page.locator('tr[data-criterion="greet"]').textContent(), /disputed/);
      await shot(page, 'agent-evaluation');
    });
  });

  test('operations manager: upholds the dispute and the score changes', async () => {
    await as('ops_manager', async (page) => {
      await page.goto('/quality/disputes');
      const card = page.locator('.qa-dispute-card', { hasText: 'I greeted the customer by name' }).first();
      await card.locator('select[name="decision"]').selectOption('uphold');
      await card.locator('input[name="new_rating"]').fill('yes');
      await card.locator('input[name="note"]').fill('The greeting is on the recording.');
      await shot(page, 'disputes');
      await card.getByRole('button', { name: 'Record decision' }).click();
      await page.waitForURL((u) => u.pathname === '/quality/disputes');
      await page.goto(shared.evaluationPath);
      const after = (await page.locator('[data-testid="qa-score"] strong').textContent()).trim();
      assert.ok(Number(after) > Number(shared.before), `the score should rise after the upheld dispute: ${shared.before} → ${after}`);
      shared.after = after;
      assert.match(await page.locator('#disputes').textContent(), /upheld/);
      await shot(page, 'upheld');
    });
  });

  test('admin: the audit trail shows who changed the rating and score', async () => {
    await as('admin', async (page) => {
      await page.goto('/admin/audit');
      const event = page.locator('table.audit tbody tr', { hasText: 'dispute.upheld' }).first();
      const text = await event.textContent();
      assert.match(text, /Helen Marsh/, `the upheld dispute is by the operations manager: ${text}`);
      assert.ok(text.includes(`${shared.before} → ${shared.after}`), `the event shows the score change ${shared.before} → ${shared.after}: ${text}`);
      assert.ok(await page.locator('table.audit tbody tr', { hasText: 'dispute.raise' }).count(), 'the dispute itself is audited');
    });
  });

  test('operations manager: calibration report, numbers and scorecards render', async () => {
    await as('ops_manager', async (page) => {
      await page.goto('/quality/calibration');
      await page.locator('table.data a').first().click();
      await page.waitForURL((u) => /^\/quality\/calibration\/\d+$/.test(u.pathname));
      assert.match(await page.locator('main').textContent(), /α = /, 'the revealed demo session shows its alpha');
      await shot(page, 'calibration');
      await page.goto('/quality/numbers');
      assert.match(await page.locator('main').textContent(), /95% interval/);
      await shot(page, 'numbers');
      await page.goto('/quality/scorecards');
      await page.getByRole('link', { name: 'Dealership service advisor observation' }).click();
      await shot(page, 'scorecard');
      await page.goto('/quality/sampling');
      await shot(page, 'sampling');
    });
  });
});
