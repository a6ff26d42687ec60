// Full-page screenshots of the main pages, saved to e2e/artifacts/*.png for a
// person to look at. Each page must open with the expected status, render its
// heading, load its stylesheet, and log no console error (CSP violations included).

import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NAV_BY_ROLE, ensureArtifactsDir, launchBrowser, login, newContext, startServer } from './helpers.mjs';

describe('screenshots of the main pages', { timeout: 240_000 }, () => {
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

  /** Opens `url`, checks it, and saves `<name>.png`. */
  async function shoot(page, problems, name, url, { status = 200, heading = true } = {}) {
    const res = await page.goto(url);
    assert.equal(res.status(), status, `${url} should answer ${status}, got ${res.status()}`);
    await page.waitForLoadState('load');
    if (heading) {
      const h1 = page.locator('main h1');
      assert.equal(await h1.count(), 1, `${url} should have exactly one main h1`);
      assert.ok((await h1.textContent()).trim().length > 0, `${url}: the h1 should not be empty`);
    }
    // The stylesheet really applied: the header is not the browser's default transparent block.
    const styled = await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.endsWith('/assets/app.css') && s.cssRules.length > 0));
    assert.ok(styled, `${url}: /assets/app.css should be loaded and applied`);
    // Nothing sticks out sideways at desktop width (except inside deliberate scrollers).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${url}: the page should not scroll sideways at 1280px wide (overflows by ${overflow}px)`);
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(existsSync(file) && statSync(file).size > 5_000, `${file} should be a real screenshot`);
    // Long pages also get a first-screen shot, readable at a glance.
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    if (height > 1.5 * page.viewportSize().height) await page.screenshot({ path: path.join(dir, `${name}-top.png`) });
    assert.deepEqual(problems, [], `${url}: the browser reported problems:\n${problems.join('\n')}`);
  }

  async function openPage(context) {
    const page = await context.newPage();
    const problems = [];
    // Failed loads are reported with their URL by the response listener below.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && !res.request().isNavigationRequest()) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    // A request the browser abandons because the page moved on is not a fault.
    page.on('requestfailed', (req) => {
      const reason = req.failure()?.errorText ?? '';
      if (!reason.includes('ERR_ABORTED')) problems.push(`request failed: ${req.url()} ${reason}`);
    });
    return { page, problems };
  }

  test('login page and home for every role', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const { page, problems } = await openPage(context);
      await shoot(page, problems, 'login', '/login');
    } finally {
      await context.close();
    }
    for (const role of Object.keys(NAV_BY_ROLE)) {
      const ctx = await newContext(browser, server.baseURL);
      try {
        const { page, problems } = await openPage(ctx);
        await login(page, server.logins[role]);
        await shoot(page, problems, `home-${role}`, '/');
      } finally {
        await ctx.close();
      }
    }
  });

  test('team leader pages: people, profile, matrix, teams, skills, account, api docs', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const { page, problems } = await openPage(context);
      await login(page, server.logins.team_leader);
      await shoot(page, problems, 'people', '/people');
      await shoot(page, problems, 'matrix', '/skills/matrix');
      const profile = await page.locator('#matrix table.matrix tbody th a').first().getAttribute('href');
      await shoot(page, problems, 'profile', profile);
      // The profile with a refused skill level, to see how the error looks.
      await page.locator('select#skill_id').selectOption({ index: 1 });
      await page.locator('input#level').fill('9');
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/skills')),
        page.getByRole('button', { name: 'Save level' }).click(),
      ]);
      await page.locator('#level-error').waitFor();
      await page.locator('#skills').screenshot({ path: path.join(dir, 'profile-level-error.png') });
      problems.length = 0; // the 422 above was asked for
      await shoot(page, problems, 'teams', '/teams');
      const team = await page.locator('main a[href^="/teams/"]').first().getAttribute('href');
      await shoot(page, problems, 'team', team);
      await shoot(page, problems, 'skills', '/skills');
      await shoot(page, problems, 'account', '/account');
      await shoot(page, problems, 'apidocs', '/api/docs');
    } finally {
      await context.close();
    }
  });

  test('admin pages: users and audit; agent 403 page', { timeout: 120_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const { page, problems } = await openPage(context);
      await login(page, server.logins.admin);
      await shoot(page, problems, 'users', '/admin/users');
      await shoot(page, problems, 'audit', '/admin/audit');
    } finally {
      await context.close();
    }
    const agent = await newContext(browser, server.baseURL);
    try {
      const { page, problems } = await openPage(agent);
      await login(page, server.logins.agent);
      // Chromium logs the 403 document load as a console error; that one is expected.
      await shoot(page, [], 'forbidden-agent', '/admin/users', { status: 403 });
      const unexpected = problems;
      assert.deepEqual(unexpected, [], `the 403 page should load cleanly: ${unexpected.join('\n')}`);
    } finally {
      await agent.close();
    }
  });

  test('narrow screen: the matrix and the profile stay usable at 390px', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, server.baseURL, { viewport: { width: 390, height: 844 } });
    try {
      const { page, problems } = await openPage(context);
      await login(page, server.logins.team_leader);
      for (const [name, url] of [['mobile-home', '/'], ['mobile-matrix', '/skills/matrix']]) {
        await page.goto(url);
        await page.waitForLoadState('load');
        await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
      }
      assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`);
    } finally {
      await context.close();
    }
  });
});
