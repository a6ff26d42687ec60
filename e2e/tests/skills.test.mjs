// A team leader works with the skills matrix, records a skill level on a
// profile (first a bad level, then a good one), and the admin finds the change
// in the tamper-evident audit trail.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, login, logout, newContext, startServer } from './helpers.mjs';

describe('skills matrix, recording a skill level, audit trail', { timeout: 180_000 }, () => {
  let server;
  let browser;
  // Filled in by the team leader's test, checked by the admin's.
  const recorded = {};

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('team leader: matrix filter via htmx, bad level rejected, good level saved', { timeout: 90_000 }, async () => {
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins.team_leader);
      recorded.leaderName = (await page.locator('header.top .who a').first().textContent()).trim();

      // --- The matrix --------------------------------------------------------
      await page.locator('header.top nav').getByRole('link', { name: 'Skills matrix', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/skills/matrix');
      await page.locator('#matrix table.matrix').waitFor();
      const rows = page.locator('#matrix table.matrix tbody tr');
      const rowCount = await rows.count();
      assert.ok(rowCount > 0, 'the skills matrix should have at least one person row');
      const skillCount = await page.locator('#matrix table.matrix thead th').count() - 1;
      assert.ok(skillCount > 0, 'the skills matrix should have at least one skill column');
      for (let i = 0; i < rowCount; i++) {
        assert.equal(await rows.nth(i).locator('td').count(), skillCount, `matrix row ${i + 1} should have one cell per skill (${skillCount})`);
      }

      // Cells with a level carry class l1..l5 and a real background colour; levels differ in colour.
      const colours = await page.locator('#matrix table.matrix td').evaluateAll((cells) => {
        const byLevel = {};
        for (const td of cells) {
          const m = td.className.match(/\bl([1-5])\b/);
          if (!m) continue;
          byLevel[m[1]] ??= { bg: getComputedStyle(td).backgroundColor, text: td.textContent.trim(), count: 0 };
          byLevel[m[1]].count++;
        }
        return byLevel;
      });
      const levels = Object.keys(colours);
      assert.ok(levels.length >= 2, `the matrix should show at least two different levels; saw ${JSON.stringify(colours)}`);
      for (const [level, { bg, text }] of Object.entries(colours)) {
        assert.ok(!/rgba\(0, 0, 0, 0\)|transparent/.test(bg), `cells at level ${level} should be coloured, background is ${bg}`);
        assert.ok(text.startsWith(level), `a cell with class l${level} should show "${level}", shows "${text}"`);
      }
      assert.equal(new Set(Object.values(colours).map((c) => c.bg)).size, levels.length, `each level should have its own colour: ${JSON.stringify(colours)}`);
      const emptyCells = await page.locator('#matrix table.matrix td.none').count();
      if (emptyCells > 0) {
        const bg = await page.locator('#matrix table.matrix td.none').first().evaluate((td) => getComputedStyle(td).backgroundColor);
        assert.ok(!Object.values(colours).some((c) => c.bg === bg), 'a cell with no level should not look like a levelled cell');
      }
      // Learning goals are marked with a diamond inside a cell.
      const goals = await page.locator('#matrix table.matrix td.learning .learning-mark').allTextContents();
      assert.ok(goals.length > 0 && goals.every((g) => g.includes('◆')), 'the demo matrix should mark some learning goals with ◆');

      // --- Filter by team: htmx swaps #matrix without a full page load ----------
      const teamSelect = page.locator('select#team');
      const options = await teamSelect.locator('option').evaluateAll((opts) => opts.map((o) => ({ value: o.value, label: o.textContent.trim() })));
      const teamOption = options.find((o) => o.value !== '');
      assert.ok(teamOption, `the team filter should offer at least one team; options: ${JSON.stringify(options)}`);
      await page.evaluate(() => {
        window.__e2eNoReload = true;
        document.querySelector('#matrix table.matrix').dataset.e2eStale = '1';
      });
      const [htmxResponse] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/skills/matrix') && r.request().headers()['hx-request'] === 'true'),
        teamSelect.selectOption(teamOption.value),
      ]);
      assert.equal(htmxResponse.status(), 200, `the htmx request for the team filter should answer 200, got ${htmxResponse.status()}`);
      assert.match(htmxResponse.url(), new RegExp(`[?&]team=${teamOption.value}\\b`), 'the htmx request should carry the chosen team');
      const fragment = await htmxResponse.text();
      assert.ok(!/<html|<header/i.test(fragment), 'the htmx response should be a fragment, not a whole page');
      await page.waitForFunction(() => {
        const t = document.querySelector('#matrix table.matrix');
        return t && !t.dataset.e2eStale;
      }, null, { timeout: 10_000 });
      await page.waitForURL((u) => u.pathname === '/skills/matrix' && u.searchParams.get('team') === teamOption.value);
      assert.equal(await page.evaluate(() => window.__e2eNoReload), true, 'changing the team filter should swap the table in place, not reload the page');
      assert.equal(await page.locator('#matrix').count(), 1, 'there should be exactly one #matrix after the swap (no nested copy)');
      assert.equal(await page.locator('h1', { hasText: 'Skills matrix' }).count(), 1, 'the swapped-in fragment must not contain a second page heading');
      const filteredRows = page.locator('#matrix table.matrix tbody tr');
      assert.ok(await filteredRows.count() > 0, `the matrix for team "${teamOption.label}" should have rows`);
      for (const team of await filteredRows.locator('th .small').allTextContents()) {
        assert.equal(team.trim(), teamOption.label, `after filtering by "${teamOption.label}" every row should belong to that team, saw "${team.trim()}"`);
      }
      // Reloading the pushed URL keeps the filter.
      await page.reload();
      assert.equal(await teamSelect.inputValue(), teamOption.value, 'after a reload the pushed URL should keep the chosen team selected');

      // --- Open a person from the matrix -------------------------------------
      const personLink = page.locator('#matrix table.matrix tbody th a').first();
      const personName = (await personLink.textContent()).trim();
      const personHref = await personLink.getAttribute('href');
      await personLink.click();
      await page.waitForURL((u) => u.pathname === personHref);
      assert.match(personHref, /^\/people\/\d+$/, `matrix names should link to /people/{id}, got ${personHref}`);
      assert.equal((await page.locator('main h1').textContent()).trim(), personName, 'the profile heading should be the person clicked in the matrix');
      for (const id of ['skills', 'goals', 'capacity', 'absences']) {
        assert.equal(await page.locator(`section#${id}`).count(), 1, `the profile should have a #${id} section`);
      }

      // Pick a skill that is not already at level 4 for this person.
      const skillLevels = await page.locator('#skills tr[data-skill]').evaluateAll((trs) => Object.fromEntries(
        trs.map((tr) => [tr.dataset.skill, tr.querySelector('.level')?.textContent.trim()]),
      ));
      const skillOptions = await page.locator('select#skill_id option').evaluateAll((opts) => opts.filter((o) => o.value).map((o) => ({ value: o.value, label: o.textContent.trim() })));
      assert.ok(skillOptions.length > 0, 'the skill select should list the catalogue');
      const skill = skillOptions.find((o) => skillLevels[o.label] && skillLevels[o.label] !== '4')
        ?? skillOptions.find((o) => skillLevels[o.label] !== '4');
      assert.ok(skill, 'there should be a skill that is not already at level 4');
      const before = skillLevels[skill.label] ?? null;

      // --- A bad level is refused beside the field ----------------------------
      const form = page.locator('form[action$="/skills"]');
      await page.locator('select#skill_id').selectOption(skill.value);
      await page.locator('input#level').fill('9');
      await page.locator('input#evidence').fill('e2e: should not be saved');
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`${personHref}/skills`)),
        form.getByRole('button', { name: 'Save level' }).click(),
      ]);
      assert.equal(bad.status(), 422, `level 9 should be refused with 422, got ${bad.status()}`);
      await page.waitForLoadState('domcontentloaded');
      const levelError = page.locator('p.field-error#level-error');
      await levelError.waitFor({ state: 'visible' });
      const errorText = (await levelError.textContent()).trim();
      assert.match(errorText, /1.*5/, `the level error should mention 1 to 5, says "${errorText}"`);
      // The error sits beside the level field, inside its .field wrapper, and is linked for screen readers.
      assert.equal(await page.locator('.field.invalid:has(input#level) #level-error').count(), 1, '#level-error should be inside the level field wrapper');
      assert.equal(await page.locator('input#level').getAttribute('aria-invalid'), 'true', 'the level input should be aria-invalid');
      assert.equal(await page.locator('input#level').getAttribute('aria-describedby'), 'level-error', 'the level input should point at #level-error');
      // What was typed is kept, so it can be corrected.
      assert.equal(await page.locator('select#skill_id').inputValue(), skill.value, 'the chosen skill should stay selected after the error');
      assert.equal(await page.locator('input#level').inputValue(), '9', 'the bad level should be shown back for correction');
      assert.equal(await page.locator('.notice', { hasText: 'Skill level saved' }).count(), 0, 'no success notice after a refused level');

      // Nothing was saved: a fresh load of the profile shows the old level.
      await page.goto(personHref);
      const rowAfterBad = page.locator(`#skills tr[data-skill="${skill.label}"]`);
      if (before === null) {
        assert.equal(await rowAfterBad.count(), 0, `level 9 must not create a "${skill.label}" row`);
      } else {
        assert.equal((await rowAfterBad.locator('.level').textContent()).trim(), before, `level 9 must not change "${skill.label}" (was ${before})`);
        assert.ok(!(await rowAfterBad.textContent()).includes('should not be saved'), 'the refused evidence must not be stored');
      }

      // --- A good level is saved ---------------------------------------------
      const evidence = `e2e: observed five calls at 1:1 (${Date.now()})`;
      await page.locator('select#skill_id').selectOption(skill.value);
      await page.locator('input#level').fill('4');
      await page.locator('input#evidence').fill(evidence);
      await Promise.all([
        page.waitForURL((u) => u.pathname === personHref),
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`${personHref}/skills`) && r.status() === 303),
        form.getByRole('button', { name: 'Save level' }).click(),
      ]);
      await page.locator('p.notice', { hasText: 'Skill level saved' }).waitFor({ state: 'visible' });
      assert.equal(await page.locator('#level-error').count(), 0, 'no level error after a good level');
      const savedRow = page.locator(`#skills tr[data-skill="${skill.label}"]`);
      assert.equal(await savedRow.count(), 1, `there should be exactly one "${skill.label}" row`);
      assert.equal((await savedRow.locator('.level').textContent()).trim(), '4', `"${skill.label}" should now show level 4`);
      assert.ok((await savedRow.locator('.level').getAttribute('class')).split(/\s+/).includes('l4'), 'the level badge should use the l4 colour');
      const rowText = await savedRow.textContent();
      assert.ok(rowText.includes(evidence), `the row should show the evidence; row says: ${rowText}`);
      assert.ok(rowText.includes(recorded.leaderName), `the row should name the team leader (${recorded.leaderName}) as assessor; row says: ${rowText}`);

      // The matrix shows the new level too.
      await page.goto('/skills/matrix');
      const col = await page.locator('#matrix table.matrix thead th').evaluateAll((ths, name) => ths.findIndex((th) => th.textContent.trim() === name), skill.label);
      assert.ok(col > 0, `the matrix should have a "${skill.label}" column`);
      const cell = page.locator('#matrix table.matrix tbody tr', { has: page.locator(`th a[href="${personHref}"]`) }).locator('td').nth(col - 1);
      assert.match((await cell.textContent()).trim(), /^4/, `the matrix cell for ${personName} / ${skill.label} should show 4`);

      Object.assign(recorded, { skill: skill.label, before, personHref, evidence, personId: personHref.split('/').pop() });
      await logout(page);
    } finally {
      await context.close();
    }
  });

  test('admin: the audit trail shows the skill change by the team leader and an intact chain', { timeout: 60_000 }, async (t) => {
    if (!recorded.skill) {
      assert.fail('the team leader test did not record a skill level, so there is nothing to look for in the audit trail');
    }
    const context = await newContext(browser, server.baseURL);
    try {
      const page = await context.newPage();
      await login(page, server.logins.admin);
      await page.locator('header.top nav').getByRole('link', { name: 'Audit trail', exact: true }).click();
      await page.waitForURL((u) => u.pathname === '/admin/audit');

      const headers = (await page.locator('table.audit thead th').allTextContents()).map((h) => h.trim());
      assert.deepEqual(headers.map((h) => h.split(' ')[0]), ['#', 'When', 'Who', 'What', 'Subject', 'Change'], `audit columns should be #, When, Who, What, Subject, Change; got ${headers.join(' | ')}`);

      const events = await page.locator('table.audit tbody tr').evaluateAll((trs) => trs.map((tr) => {
        const [seq, when, who, what, subject, change] = [...tr.cells].map((c) => c.textContent.trim());
        return { seq: Number(seq), when, who, what, subject, change };
      }));
      assert.ok(events.length > 0, 'the audit trail should list events');
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i - 1].seq > events[i].seq, `events should be newest first: #${events[i - 1].seq} is followed by #${events[i].seq}`);
      }

      const newest = events.slice(0, 5);
      const event = newest.find((e) => e.what === 'person.skill.set');
      assert.ok(event, `one of the newest events should be person.skill.set; newest are: ${newest.map((e) => `#${e.seq} ${e.what}`).join(', ')}`);
      assert.ok(event.change.includes(recorded.skill), `the change should name the skill "${recorded.skill}"; it says: ${event.change}`);
      assert.ok(event.change.includes('→ 4'), `the change should say "→ 4"; it says: ${event.change}`);
      assert.ok(event.change.includes(`level ${recorded.before ?? 'none'} → 4`), `the change should show the old level (${recorded.before ?? 'none'}) → 4; it says: ${event.change}`);
      assert.ok(event.change.includes(recorded.evidence), `the change should quote the evidence; it says: ${event.change}`);
      assert.equal(event.subject, `person:${recorded.personId}`, `the subject should be person:${recorded.personId}`);
      const leader = server.logins.team_leader;
      assert.ok(
        event.who.includes(recorded.leaderName) || event.who.includes(leader.email),
        `the event should be by the team leader (${recorded.leaderName} / ${leader.email}); Who says: ${event.who}`,
      );
      assert.match(event.when, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/, `When should be a UTC timestamp, got ${event.when}`);
      // The refused level 9 left no trace.
      assert.ok(!events.some((e) => e.change.includes('→ 9') || e.change.includes('should not be saved')), 'the refused level 9 must not appear in the audit trail');

      const chain = (await page.locator('#chain-status').textContent()).trim();
      assert.match(chain, /intact/i, `#chain-status should say the chain is intact; it says: ${chain}`);
      assert.ok(!(await page.locator('#chain-status').getAttribute('class')).includes('warn'), '#chain-status should not be a warning');

      // The subject link filters the trail to that person.
      await page.locator('table.audit tbody tr', { hasText: 'person.skill.set' }).first().getByRole('link', { name: event.subject }).click();
      await page.waitForURL((u) => u.searchParams.get('subject') === event.subject);
      const subjects = (await page.locator('table.audit tbody tr td:nth-child(5)').allTextContents()).map((s) => s.trim());
      assert.ok(subjects.length > 0 && subjects.every((s) => s === event.subject), `filtering by ${event.subject} should show only its events; saw ${[...new Set(subjects)].join(', ')}`);
      await logout(page);
    } finally {
      await context.close();
    }
  });
});
