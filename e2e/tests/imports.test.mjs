// A team leader uploads a small interactions CSV with one bad row, watches it
// import, downloads the rejected row, finds the import in the history, and
// links an agent id the file introduced; then reads customer comments by theme.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS_DIR, ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

const CSV = [
  'id,channel,queue,agent_id,customer_id,topic,arrived_at,answered_at,ended_at,wrap_seconds,outcome',
  'e2e-1,chat,E2E queue,e2e.agent,c1,billing,2026-03-01T09:00:00Z,2026-03-01T09:00:20Z,2026-03-01T09:05:00Z,0,resolved',
  'e2e-2,voice,E2E queue,e2e.agent,c2,billing,2026-03-01T10:00:00Z,2026-03-01T10:00:10Z,2026-03-01T10:04:00Z,30,resolved',
  'e2e-3,chat,E2E queue,e2e.agent,c3,billing,not a time,,,,resolved',
  'e2e-4,email,E2E queue,,c4,returns,2026-03-02T09:00:00Z,,,,unresolved',
  '',
].join('\n');

describe('imports: upload, progress, result, rejected rows, history; comments by theme', { timeout: 240_000 }, () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ensureArtifactsDir();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('team leader imports a CSV with one bad row', { timeout: 180_000 }, async () => {
    const context = await newContext(browser, server.baseURL, { acceptDownloads: true });
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      await page.locator('header.top nav').getByRole('link', { name: 'Imports', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/imports');
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'imports-upload.png'), fullPage: true });

      await page.selectOption('select#kind', 'interactions');
      await page.setInputFiles('input#file', { name: 'e2e-contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.waitForURL((u) => u.pathname.startsWith('/imports/jobs/'));
      // The progress panel shows first; the page moves on to the result by itself.
      await page.locator('#import-progress').waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'imports-progress.png'), fullPage: true });
      await page.locator('#import-result').waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'imports-result.png'), fullPage: true });
      const cells = await page.locator('#import-result tbody tr').first().locator('td').allTextContents();
      assert.equal(cells[1].trim(), '3', `three rows should be imported; result row: ${cells.join(' | ')}`);
      assert.equal(cells[2].trim(), '0', `nothing should be updated; result row: ${cells.join(' | ')}`);
      assert.ok(cells[3].trim().startsWith('1'), `one row should be rejected; result row: ${cells.join(' | ')}`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download rejected rows (CSV)' }).click(),
      ]);
      const saved = path.join(ARTIFACTS_DIR, 'imports-rejected.csv');
      await download.saveAs(saved);
      const lines = readFileSync(saved, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'line,reason');
      assert.equal(lines.length, 2, `one rejected row expected: ${lines.join(' / ')}`);
      assert.match(lines[1], /^4,"?arrived_at: /, `the bad row is line 4 and its arrived_at is named: ${lines[1]}`);

      await page.getByRole('link', { name: 'Import history' }).first().click();
      await page.waitForURL((u) => u.pathname === '/imports/history');
      const row = page.locator('table.data tbody tr', { hasText: 'e2e-contacts.csv' });
      assert.equal(await row.count(), 1, 'the import should be listed once in the history');
      const historyCells = await row.locator('td').allTextContents();
      assert.ok(historyCells[4].trim() === '3' && historyCells[6].includes('1'), `history row: ${historyCells.join(' | ')}`);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'imports-history.png'), fullPage: true });

      // The file's agent id matches nobody: it is offered for linking.
      await page.goto(`${server.baseURL}/imports/agents`);
      const unlinked = page.locator('#unlinked tbody tr', { hasText: 'e2e.agent' });
      assert.equal(await unlinked.count(), 1, 'e2e.agent should be listed as matching nobody');
      await unlinked.locator('select').selectOption({ index: 1 });
      await unlinked.getByRole('button', { name: 'Link' }).click();
      await page.waitForURL((u) => u.pathname === '/imports/agents');
      assert.match(await page.locator('.notice').textContent(), /Agent id linked/);
      assert.equal(await page.locator('#linked tbody tr', { hasText: 'e2e.agent' }).count(), 1);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'imports-agents.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('team leader reads comments by theme', { timeout: 90_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      await page.locator('header.top nav').getByRole('link', { name: 'Comments', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/comments');
      const themeLinks = page.locator('#theme-counts tbody a');
      assert.ok(await themeLinks.count() >= 3, 'the demo themes should be listed with their counts');
      assert.equal(await page.locator('#trend svg').count(), 1, 'the weekly trend is drawn as one SVG chart');
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'comments.png'), fullPage: true });

      const waiting = page.locator('#theme-counts tbody tr', { hasText: 'Waiting times' });
      const count = Number((await waiting.locator('td').nth(1).textContent()).trim());
      assert.ok(count > 0, 'the team leader\'s teams have comments about waiting');
      await waiting.getByRole('link', { name: 'Waiting times' }).click();
      await page.waitForURL((u) => u.searchParams.has('theme'));
      assert.equal((await page.locator('#comment-list h2').textContent()).trim(), 'Comments in “Waiting times”');
      const rows = page.locator('#comment-list tbody tr');
      const shown = await rows.count();
      assert.equal(shown, Math.min(count, 100), `the list should hold the theme's ${count} comments (up to 100)`);
      for (let i = 0; i < Math.min(shown, 10); i++) {
        assert.match(await rows.nth(i).locator('ul.chips').textContent(), /Waiting times/);
        assert.match(await rows.nth(i).locator('a').first().getAttribute('href'), /^\/interactions\//);
      }
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'comments-theme.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
