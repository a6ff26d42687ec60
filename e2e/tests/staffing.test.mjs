// A team leader opens the staffing plan for their demo team: the forecast
// backtest, the heatmap and the chart are there; raising shrinkage in the
// what-if raises the scheduled heads (through htmx, and without JavaScript);
// the printable operational plan opens with every section; contingency
// plans show each action's effect and take a review.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

describe('staffing plan, what-if and printable plan', { timeout: 240_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('team leader: plan, shrinkage what-if, printable plan', { timeout: 180_000 }, async () => {
    const shots = ensureArtifactsDir();
    const context = await newContext(browser, server.baseURL);
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(90_000);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      await page.locator('header.top nav').getByRole('link', { name: 'Staffing', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/staffing');
      await page.screenshot({ path: path.join(shots, 'staffing-index.png'), fullPage: true });
      await page.getByRole('link', { name: 'Open the plan' }).first().click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing$/.test(u.pathname));

      // The backtest lists every method with one chosen, and says why.
      const firstQueue = page.locator('section.queue').first();
      const methods = await firstQueue.locator('table.backtest').first().locator('tbody tr').allTextContents();
      assert.equal(methods.length, 5, `five forecasting methods should be listed, saw ${methods.length}`);
      assert.equal(await firstQueue.locator('table.backtest').first().locator('tr.chosen').count(), 1, 'exactly one method is chosen');
      const reason = await firstQueue.locator('table.backtest + p').first().textContent();
      assert.match(reason, /chosen: WAPE \d+\.\d%/, `the choice should be explained, got: ${reason}`);
      // Heatmap: 7 days; the chart is an SVG.
      assert.equal(await firstQueue.locator('table.heatmap tbody tr').count(), 7, 'the heatmap shows a week');
      assert.ok(await firstQueue.locator('.chart svg').count() === 1, 'the requirement chart is an SVG');
      await page.screenshot({ path: path.join(shots, 'staffing-plan.png'), fullPage: true });

      // What-if through htmx: raise unplanned shrinkage, scheduled heads rise.
      const whatIf = page.locator('#what-if');
      const before = Number(await whatIf.locator('[data-test=before-hours]').textContent());
      await page.evaluate(() => { window.__e2eNoReload = true; });
      await whatIf.locator('#wi-unplanned').fill('0.45');
      await whatIf.getByRole('button', { name: 'Show the effect' }).click();
      await page.locator('#what-if [data-test=after-hours]').filter({ hasNotText: '–' }).waitFor();
      const afterHours = Number(await page.locator('#what-if [data-test=after-hours]').textContent());
      const afterPeak = Number(await page.locator('#what-if [data-test=after-peak]').textContent());
      const beforePeak = Number(await page.locator('#what-if [data-test=before-peak]').textContent());
      assert.ok(afterHours > before, `scheduled hours should rise with more shrinkage: ${before} → ${afterHours}`);
      assert.ok(afterPeak >= beforePeak, `peak scheduled heads should not fall: ${beforePeak} → ${afterPeak}`);
      assert.equal(await page.evaluate(() => window.__e2eNoReload), true, 'the what-if should update in place, without a page load');
      await whatIf.screenshot({ path: path.join(shots, 'staffing-what-if.png') });

      // A bad shrinkage is refused, naming what to do.
      await page.locator('#what-if #wi-planned').fill('0.6');
      await page.locator('#what-if').getByRole('button', { name: 'Show the effect' }).click();
      await page.locator('#what-if .field-error').first().waitFor();
      assert.match(await page.locator('#what-if').textContent(), /below 1/);

      // Today so far: a row per open interval, one marked as now or all done.
      await page.getByRole('link', { name: 'Today so far' }).click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing\/today$/.test(u.pathname));
      assert.ok(await page.locator('table.today-table tbody tr').count() > 0, 'today lists intervals');
      assert.match(await page.locator('section.today p').first().textContent(), /re-forecast/);
      await page.screenshot({ path: path.join(shots, 'staffing-today.png'), fullPage: true });
      await page.goBack();

      // The printable plan.
      await page.getByRole('link', { name: 'Printable plan' }).click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing\/plan$/.test(u.pathname));
      for (const heading of ['Service standards and targets', 'Resources']) {
        assert.equal(await page.getByRole('heading', { name: heading }).count(), 1, `the plan has a "${heading}" section`);
      }
      assert.ok(await page.locator('section.levels').count() >= 1, 'the plan shows staffing levels');
      assert.ok(await page.locator('.op-plan table').nth(1).locator('tbody tr').count() > 3, 'the plan lists the team');
      await page.screenshot({ path: path.join(shots, 'staffing-print-screen.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('header.top').isVisible(), false, 'the navigation is not printed');
      await page.screenshot({ path: path.join(shots, 'staffing-print.png'), fullPage: true });
      await page.pdf({ path: path.join(shots, 'staffing-plan.pdf'), format: 'A4', landscape: true, printBackground: true });
    } finally {
      await context.close();
    }
  });

  test('team leader: contingencies show each action\'s effect; a review is recorded', { timeout: 120_000 }, async () => {
    const shots = ensureArtifactsDir();
    const context = await newContext(browser, server.baseURL);
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(90_000);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      await page.goto('/staffing');
      await page.getByRole('link', { name: 'Open the plan' }).first().click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing$/.test(u.pathname));
      assert.ok(await page.locator('#contingencies article.contingency').count() >= 2, 'the plan page lists the demo contingencies');
      await page.getByRole('link', { name: 'Open contingencies' }).click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing\/contingencies$/.test(u.pathname));

      // Every action shows its effect computed by the model, before and after.
      const plan = page.locator('article.contingency').first();
      const effect = await plan.locator('table.contingency-actions tbody tr td').nth(1).textContent();
      assert.match(effect, /agents needed \d+ → \d+, available \d+ → \d+/, `an action shows its staffing effect, got: ${effect}`);
      assert.match(effect, /service level (\d+\.\d%|not measured) → (\d+\.\d%|not measured)/);
      assert.match(await plan.textContent(), /(Firing|Not firing) today/, 'the trigger is checked against today');
      await page.screenshot({ path: path.join(shots, 'staffing-contingencies.png'), fullPage: true });

      // A review with a bad date is refused; a good one is recorded and shown.
      const form = page.locator('#record-review');
      const planName = (await form.locator('#rv-plan option').first().textContent()).trim();
      await form.locator('#rv-date').fill('yesterday');
      await form.locator('#rv-trigger').fill('Service level at 62% from 09:00 to 10:30.');
      await form.locator('#rv-actions').fill('Two agents moved over from email.');
      await form.locator('#rv-outcome').fill('Back to 80% by 11:00.');
      await form.locator('#rv-lessons').fill('Move people at the second interval, not the third.');
      await form.getByRole('button', { name: 'Record review' }).click();
      await page.locator('#record-review .field-error').first().waitFor();
      assert.match(await page.locator('#record-review .field-error').first().textContent(), /YYYY-MM-DD/);
      await page.locator('#rv-date').fill('2026-11-30');
      await Promise.all([
        page.waitForURL((u) => u.search.includes('notice=contingency-reviewed')),
        page.locator('#record-review').getByRole('button', { name: 'Record review' }).click(),
      ]);
      assert.match(await page.locator('.notice').textContent(), /Review recorded/);
      const reviewed = page.locator('article.contingency', { hasText: planName }).first();
      assert.match(await reviewed.textContent(), /Move people at the second interval/);
      await page.screenshot({ path: path.join(shots, 'staffing-contingency-review.png'), fullPage: true });

      // The printable plan carries the contingencies too.
      await page.getByRole('link', { name: 'Printable plan' }).click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing\/plan$/.test(u.pathname));
      assert.equal(await page.getByRole('heading', { name: 'Contingencies' }).count(), 1, 'the plan has a Contingencies section');
    } finally {
      await context.close();
    }
  });

  test('team leader: a bad setting is refused, a good one saved', { timeout: 120_000 }, async () => {
    const shots = ensureArtifactsDir();
    const context = await newContext(browser, server.baseURL);
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(90_000);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      await page.goto('/staffing');
      await page.getByRole('link', { name: 'Open the plan' }).first().click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing$/.test(u.pathname));
      await page.locator('section.queue').first().getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/staffing/queues/'));
      await page.locator('#shrinkage_planned').fill('0.95');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.locator('.field-error').first().waitFor();
      assert.match(await page.locator('.field-error').first().textContent(), /below 1/);
      await page.screenshot({ path: path.join(shots, 'staffing-settings-error.png'), fullPage: true });
      await page.locator('#shrinkage_planned').fill('0.25');
      await Promise.all([
        page.waitForURL((u) => /^\/teams\/\d+\/staffing$/.test(u.pathname)),
        page.getByRole('button', { name: 'Save settings' }).click(),
      ]);
      assert.match(await page.locator('.notice').textContent(), /Staffing settings saved/);
      assert.match(await page.locator('section.queue').first().textContent(), /25% planned/);
    } finally {
      await context.close();
    }
  });

  test('operations manager: names a special day, then removes it', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    context.setDefaultTimeout(60_000);
    try {
      const page = await context.newPage();
      await login(page, server.logins.ops_manager);
      await page.goto('/staffing');
      const days = page.locator('#special-days');
      assert.match(await days.textContent(), /Bank holiday/, 'the demo names bank holidays');
      await days.locator('#sd-day').fill('2026-13-01');
      await days.getByRole('button', { name: 'Save the day' }).click();
      await page.locator('#special-days .field-error').first().waitFor();
      await page.locator('#sd-day').fill('2026-11-27');
      await page.locator('#sd-queue').fill('bookings-chat');
      await page.locator('#sd-kind').selectOption('campaign');
      await page.locator('#sd-label').fill('Black Friday offer');
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('notice') === 'special-day'),
        page.getByRole('button', { name: 'Save the day' }).click(),
      ]);
      const row = page.locator('#special-days tr', { hasText: 'Black Friday offer' });
      assert.equal(await row.count(), 1, 'the new day is listed');
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('notice') === 'special-day-removed'),
        row.getByRole('button', { name: 'Remove' }).click(),
      ]);
      assert.equal(await page.locator('#special-days tr', { hasText: 'Black Friday offer' }).count(), 0, 'removed');
    } finally {
      await context.close();
    }
  });

  test('without JavaScript the what-if still works', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL, { javaScriptEnabled: false });
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(90_000);
    try {
      const page = await context.newPage();
      await login(page, server.logins.ops_manager);
      await page.goto('/staffing');
      await page.getByRole('link', { name: 'Open the plan' }).first().click();
      await page.waitForURL((u) => /^\/teams\/\d+\/staffing$/.test(u.pathname));
      await page.locator('#wi-unplanned').fill('0.4');
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('shrinkage_unplanned') === '0.4'),
        page.locator('#what-if').getByRole('button', { name: 'Show the effect' }).click(),
      ]);
      const before = Number(await page.locator('[data-test=before-hours]').textContent());
      const afterHours = Number(await page.locator('[data-test=after-hours]').textContent());
      assert.ok(afterHours > before, `scheduled hours should rise: ${before} → ${afterHours}`);
      assert.equal(await page.locator('#wi-unplanned').inputValue(), '0.4', 'the form keeps what was typed');
    } finally {
      await context.close();
    }
  });
});
