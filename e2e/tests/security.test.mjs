// Security basics as a browser sees them: an HttpOnly session cookie, a CSP that
// forbids framing, and no request to any host but the crewdeck server itself.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, login, logout, newContext, startServer } from './helpers.mjs';

describe('security basics in the browser', { timeout: 180_000 }, () => {
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

  test('the session cookie is HttpOnly, SameSite and not readable from script', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      const cookies = await context.cookies(server.baseURL);
      const session = cookies.find((c) => c.name === 'crewdeck_session');
      assert.ok(session, `a crewdeck_session cookie should be set after login; cookies: ${cookies.map((c) => c.name).join(', ') || 'none'}`);
      assert.ok(session.value.length >= 16, 'the session id should be long enough not to be guessed');
      assert.equal(session.httpOnly, true, 'the session cookie must be HttpOnly');
      assert.equal(session.sameSite, 'Lax', `the session cookie should be SameSite=Lax, got ${session.sameSite}`);
      assert.equal(session.path, '/', 'the session cookie should be scoped to /');
      const visible = await page.evaluate(() => document.cookie);
      assert.ok(!visible.includes('crewdeck_session'), `document.cookie must not expose the session; it is "${visible}"`);

      await logout(page);
      const afterLogout = (await context.cookies(server.baseURL)).find((c) => c.name === 'crewdeck_session');
      assert.ok(!afterLogout || afterLogout.value === '', 'logging out should clear the session cookie');
    } finally {
      await context.close();
    }
  });

  test('pages carry a content-security-policy with frame-ancestors \'none\'', { timeout: 60_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      const loginRes = await page.goto('/login');
      for (const res of [loginRes]) {
        const csp = (await res.allHeaders())['content-security-policy'];
        assert.ok(csp, `${res.url()} should send a content-security-policy header`);
        assert.match(csp, /frame-ancestors 'none'/, `the CSP of ${res.url()} should include frame-ancestors 'none'; it is: ${csp}`);
      }
      await login(page, server.logins.ops_manager);
      for (const url of ['/', '/people', '/skills/matrix']) {
        const res = await page.goto(url);
        assert.equal(res.status(), 200, `${url} should open`);
        const headers = await res.allHeaders();
        const csp = headers['content-security-policy'];
        assert.ok(csp, `${url} should send a content-security-policy header`);
        assert.match(csp, /frame-ancestors 'none'/, `the CSP of ${url} should include frame-ancestors 'none'; it is: ${csp}`);
        assert.match(csp, /default-src 'self'|script-src 'self'/, `the CSP of ${url} should restrict scripts to the same origin; it is: ${csp}`);
        assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp), `the CSP of ${url} should not allow inline scripts; it is: ${csp}`);
      }
      // The CSP holds in practice: the pages run no inline script that the policy blocks.
      const violations = [];
      page.on('console', (msg) => {
        if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
      });
      await page.goto('/skills/matrix');
      await page.locator('select#team').selectOption({ index: 1 });
      await page.waitForURL((u) => u.searchParams.has('team'));
      assert.deepEqual(violations, [], `no CSP violations should be reported on the matrix page: ${violations.join('\n')}`);
    } finally {
      await context.close();
    }
  });

  test('no request leaves 127.0.0.1 while using the app', { timeout: 90_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    const requests = [];
    context.on('request', (req) => requests.push(req.url()));
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await login(page, server.logins.admin);
      for (const url of ['/', '/people', '/teams', '/skills', '/admin/users', '/admin/audit', '/account', '/api/docs']) {
        const res = await page.goto(url);
        assert.equal(res.status(), 200, `${url} should open for the admin`);
        await page.waitForLoadState('load');
      }
      // A profile page, with its forms.
      await page.goto('/people');
      const first = page.locator('main a[href^="/people/"]').filter({ hasNotText: /new|add/i }).first();
      const href = await first.getAttribute('href');
      await page.goto(href);
      await page.waitForLoadState('load');
      await logout(page);

      await login(page, server.logins.team_leader);
      await page.goto('/skills/matrix');
      await page.locator('select#team').selectOption({ index: 1 });
      await page.waitForURL((u) => u.searchParams.has('team'));
      await page.waitForLoadState('load');
      await logout(page);

      assert.ok(requests.length > 10, `expected to record the app's requests, recorded ${requests.length}`);
      const offsite = requests.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
        return url.hostname !== '127.0.0.1';
      });
      assert.deepEqual(offsite, [], `every request should go to 127.0.0.1; these did not:\n${offsite.join('\n')}`);
      // Sub-resources come from the app itself.
      assert.ok(requests.some((u) => u.endsWith('/assets/app.css')), 'the stylesheet should be loaded from /assets/app.css');
      assert.ok(requests.some((u) => u.endsWith('/assets/htmx.min.js')), 'htmx should be loaded from /assets/htmx.min.js');
    } finally {
      await context.close();
    }
  });
});
