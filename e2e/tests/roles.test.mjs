// Each role logs in with the login the demo printed, sees exactly the nav links
// its role allows, is refused one page it may not use, and logs out.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ALL_NAV, NAV_BY_ROLE, launchBrowser, login, logout, navLabels, newContext, startServer,
} from './helpers.mjs';

/** One URL per non-admin role that must answer 403 with the error page. */
const FORBIDDEN = {
  agent: ['/admin/users', '/skills/matrix'],
  team_leader: ['/admin/audit'],
  ops_manager: ['/admin/users'],
  hr: ['/skills/matrix'],
};

describe('roles and navigation', { timeout: 180_000 }, () => {
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

  for (const role of Object.keys(NAV_BY_ROLE)) {
    test(`${role}: nav shows what the role may use, forbidden pages answer 403, logout works`, { timeout: 60_000 }, async () => {
      const creds = server.logins[role];
      assert.ok(creds, `the demo printed no login for ${role}; logins: ${JSON.stringify(server.logins)}`);
      const context = await newContext(browser, server.baseURL);
      try {
        const page = await context.newPage();
        await login(page, creds);
        assert.equal(new URL(page.url()).pathname, '/', `${role} should land on the home page after logging in, got ${page.url()}`);

        const labels = await navLabels(page);
        const hrefs = Object.fromEntries(await page.locator('header.top nav a').evaluateAll(
          (links) => links.map((a) => [a.textContent.trim(), a.getAttribute('href')]),
        ));
        const expected = NAV_BY_ROLE[role];
        assert.deepEqual(labels, expected, `${role} nav links (in order) should be ${expected.join(', ')}; got ${labels.join(', ')}`);
        for (const label of ALL_NAV.filter((l) => !expected.includes(l))) {
          assert.ok(!labels.includes(label), `${role} must NOT see the "${label}" nav link`);
          assert.equal(
            await page.locator('header.top nav').getByRole('link', { name: label, exact: true }).count(), 0,
            `${role} must NOT have a "${label}" link in header.top nav`,
          );
        }
        // The Home link is marked current on the home page.
        assert.equal(
          await page.locator('header.top nav a[aria-current="page"]').allTextContents().then((t) => t.map((s) => s.trim())).then((t) => t.join()),
          'Home', `${role}: the Home link should carry aria-current="page" on /`,
        );
        // The header names the role.
        const roleText = (await page.locator('header.top .who .role').textContent())?.trim();
        assert.ok(roleText, `${role}: the header should show the role label`);

        for (const url of FORBIDDEN[role] ?? []) {
          const res = await page.goto(url);
          assert.equal(res.status(), 403, `${role} visiting ${url} should get 403, got ${res.status()}`);
          await page.locator('main .eyebrow', { hasText: 'Error 403' }).waitFor({ state: 'visible' });
          const message = await page.locator('main').textContent();
          assert.match(message, /do not have permission/i, `${role} on ${url}: the 403 page should explain the refusal; main says: ${message.trim()}`);
          // The error page offers a way back.
          assert.equal(await page.locator('main a', { hasText: 'Go to the home page' }).getAttribute('href'), '/',
            `${role} on ${url}: the 403 page should link back to the home page`);
        }

        // Every allowed nav link opens without an error status.
        for (const label of expected) {
          const href = hrefs[label];
          const res = await page.goto(href);
          assert.equal(res.status(), 200, `${role}: nav link "${label}" (${href}) should open with 200, got ${res.status()}`);
        }

        await logout(page);
        assert.equal(await page.locator('header.top nav').count(), 0, `${role}: after logging out no nav should be shown`);
        // The session is really gone: a protected page sends us back to log in.
        await page.goto('/teams');
        assert.equal(new URL(page.url()).pathname, '/login', `${role}: after logout /teams should redirect to /login, got ${page.url()}`);
      } finally {
        await context.close();
      }
    });
  }

  test('a wrong password is refused with a message and no session', { timeout: 30_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await page.goto('/login');
      await page.locator('#email').fill(server.logins.agent.email);
      await page.locator('#password').fill('not-the-password');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Log in' }).click(),
      ]);
      assert.equal(res.status(), 401, `a bad password should answer 401, got ${res.status()}`);
      await page.locator('p.error-summary[role=alert]').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#email').inputValue(), server.logins.agent.email, 'the email should be kept after a failed login');
      assert.equal(await page.locator('#password').inputValue(), '', 'the password should not be echoed back');
      const cookies = await context.cookies();
      assert.ok(!cookies.some((c) => c.name === 'crewdeck_session' && c.value), 'no session cookie after a failed login');
    } finally {
      await context.close();
    }
  });
});
