// The team dashboard in a real browser: tiles, trends and a control chart; a
// click on a tile reaches the interactions behind it; the CSV export downloads
// with its header row and rows. Screenshots go to e2e/artifacts/dashboard-*.png.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

describe('team dashboard', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let dir;

  before(async () => {
    dir = ensureArtifactsDir();
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('tiles, trends, control charts, drill-down and CSV', { timeout: 180_000 }, async () => {
    const context = await newContext(browser, server.baseURL, { acceptDownloads: true });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
    try {
      await login(page, server.logins.team_leader);
      await page.goto('/dashboards');
      await page.locator('main a[href^="/dashboards/team/"]').first().click();
      await page.waitForURL(/\/dashboards\/team\/\d+/);
      assert.ok((await page.locator('.kpi-tile').count()) >= 5, 'a tile per standard and KPI');
      assert.ok((await page.locator('.kpi-tile.rag-green, .kpi-tile.rag-amber, .kpi-tile.rag-red').count()) >= 1, 'tiles carry a status');
      assert.ok((await page.locator('figure.trend svg').count()) >= 1, 'weekly trends are drawn');
      assert.ok((await page.locator('figure.control svg').count()) >= 1, 'control charts are drawn');
      assert.match(await page.locator('main').textContent(), /Control chart \((p-chart|XmR chart)\)/);
      await page.screenshot({ path: path.join(dir, 'dashboard-team-top.png') });
      await page.screenshot({ path: path.join(dir, 'dashboard-team.png'), fullPage: true });
      await page.locator('.kpi-detail').first().screenshot({ path: path.join(dir, 'dashboard-charts.png') });

      // A click on a tile's figure reaches the interactions behind it.
      await page.locator('.kpi-tile .kpi-value a').first().click();
      await page.waitForURL(/\/interactions\?/);
      assert.ok((await page.locator('table.interactions tbody tr').count()) > 0, 'the contacts behind the figure');
      await page.screenshot({ path: path.join(dir, 'dashboard-interactions.png'), fullPage: true });

      // The CSV export downloads, with a header row and rows.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download all as CSV' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^interactions-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      const file = path.join(dir, 'dashboard-interactions.csv');
      await download.saveAs(file);
      const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
      assert.match(lines[0], /^id,arrived,channel,queue,agent_id,topic,outcome,wait_seconds,handle_seconds,fcr,csat,nps,ces,comment,link,period$/);
      assert.ok(lines.length > 1, 'the export has rows');

      // One interaction in full.
      await page.locator('table.interactions tbody a').first().click();
      await page.waitForURL(/\/interactions\/[^?]+$/);
      await page.screenshot({ path: path.join(dir, 'dashboard-interaction.png'), fullPage: true });
      assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });

  test('the home page shows a team leader what needs attention', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    const page = await context.newPage();
    try {
      await login(page, server.logins.team_leader);
      await page.goto('/');
      const card = page.locator('section.card').filter({ has: page.locator('h3', { hasText: 'Last seven days' }) }).first();
      await card.waitFor();
      const text = await card.textContent();
      assert.match(text, /Work to follow up/);
      assert.match(text, /Quality/);
      const flagged = card.locator('ul.attention li');
      if ((await flagged.count()) > 0) {
        assert.match(await flagged.first().textContent(), /(Off|Close to) target/);
      } else {
        assert.match(text, /on target|No KPI with a target has data/);
      }
      await page.screenshot({ path: path.join(dir, 'home-attention.png'), fullPage: true });
      await card.getByRole('link', { name: 'Open the dashboard' }).click();
      await page.waitForURL(/\/dashboards\/team\/\d+\?from=\d{4}-\d{2}-\d{2}&to=/);
      assert.ok((await page.locator('.kpi-tile').count()) >= 1, 'the same seven days on the dashboard');
    } finally {
      await context.close();
    }
  });

  test('standards page for the operations manager', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    const page = await context.newPage();
    try {
      await login(page, server.logins.ops_manager);
      await page.goto('/standards');
      assert.match(await page.locator('main').textContent(), /CSAT ≥ 85%/);
      await page.screenshot({ path: path.join(dir, 'dashboard-standards.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
