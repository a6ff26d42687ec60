// Shared helpers for the crewdeck browser tests: start and stop a demo server on
// a fresh SQLite database, launch Debian's Chromium through playwright-core, and
// log in through the real login form.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(here, '..');
export const REPO_DIR = path.resolve(E2E_DIR, '..');
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Chromium flags: headless, no sandbox (we run as root in CI), and nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Role keys used by the tests, keyed by the label the demo prints. */
export const ROLE_LABELS = {
  Agent: 'agent',
  'Team leader': 'team_leader',
  'Operations manager': 'ops_manager',
  HR: 'hr',
  Administrator: 'admin',
};

/**
 * Every nav link the app can show, in the order the app shows them, with the
 * roles that see it. Each product area adds its own links after its marker.
 */
const NAV_SECTIONS = [
  ['Home', ['agent', 'team_leader', 'ops_manager', 'hr', 'admin']],
  ['People', ['team_leader', 'ops_manager', 'hr', 'admin']],
  ['Teams', ['agent', 'team_leader', 'ops_manager', 'hr', 'admin']],
  ['Skills matrix', ['team_leader', 'ops_manager']],
  ['Skills', ['agent', 'team_leader', 'ops_manager', 'hr', 'admin']],
  // area: kpi
  // area: imports
  ['Imports', ['team_leader', 'ops_manager']],
  // area: quality
  // area: allocation
  // area: staffing
  ['Staffing', ['team_leader', 'ops_manager']],
  ['Users', ['admin']],
  ['Audit trail', ['admin']],
  ['Settings', ['admin']],
  ['API', ['agent', 'team_leader', 'ops_manager', 'hr', 'admin']],
];

/** Every nav link the app can show, in the order the app shows them. */
export const ALL_NAV = NAV_SECTIONS.map(([label]) => label);

/** The nav links each role must see (everything else in ALL_NAV must be absent). */
export const NAV_BY_ROLE = Object.fromEntries(
  ['agent', 'team_leader', 'ops_manager', 'hr', 'admin'].map((role) => [
    role,
    NAV_SECTIONS.filter(([, roles]) => roles.includes(role)).map(([label]) => label),
  ]),
);

const STARTUP_TIMEOUT_MS = 60_000;

export function crewdeckBin() {
  const bin = process.env.CREWDECK_BIN || path.join(REPO_DIR, 'target', 'debug', 'crewdeck');
  if (!existsSync(bin)) {
    throw new Error(
      `crewdeck binary not found at ${bin}: build it with "cargo build -p crewdeck" or set CREWDECK_BIN`,
    );
  }
  return bin;
}

/**
 * Start `crewdeck demo` on a fresh SQLite database in a temp dir and a free port.
 * Resolves once the address and all five logins have been printed and /healthz answers 200.
 * Returns { baseURL, logins: {role: {email, password, label}}, stop(), output() }.
 */
export async function startServer({ seed = 1 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crewdeck-e2e-'));
  const db = `sqlite://${path.join(dir, 'demo.db')}`;
  const child = spawn(
    crewdeckBin(),
    ['--database', db, 'demo', '--listen', '127.0.0.1:0', '--seed', String(seed)],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    const parsed = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`crewdeck demo did not print its address and logins within ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS,
      );
      const check = () => {
        const addr = stdout.match(/crewdeck demo is running at (http:\/\/127\.0\.0\.1:\d+)/);
        const logins = {};
        for (const line of stdout.split('\n')) {
          const m = line.match(/^\s+(Agent|Team leader|Operations manager|HR|Administrator)\s{2,}(\S+@\S+)\s+(\S+)\s*$/);
          if (m) logins[ROLE_LABELS[m[1]]] = { label: m[1], email: m[2], password: m[3] };
        }
        if (addr && Object.keys(logins).length === Object.keys(ROLE_LABELS).length) {
          clearTimeout(timer);
          resolve({ baseURL: addr[1], logins });
        }
      };
      child.stdout.on('data', (d) => { stdout += d; check(); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`crewdeck demo exited early (code ${code}, signal ${signal})`));
      });
    });
    await waitHealthy(parsed.baseURL);
    return { ...parsed, dir, stop, output: () => ({ stdout, stderr }) };
  } catch (err) {
    await stop();
    err.message += `\n--- crewdeck stdout ---\n${stdout}\n--- crewdeck stderr ---\n${stderr.slice(-4000)}`;
    throw err;
  }
}

async function waitHealthy(baseURL, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100)); // poll interval, not a fixed wait
  }
  throw new Error(`GET ${baseURL}/healthz did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Launch Debian's Chromium. playwright-core gives every launch a fresh temporary
 * --user-data-dir of its own (and refuses one in `args`), which it removes on close.
 */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install chromium"`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/** A new isolated browser context (own cookies) with bounded default timeouts. */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/** Log in through the form; resolves when the browser has left /login. */
export async function login(page, { email, password }) {
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { timeout: 15_000 }),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]).catch(async (err) => {
    const alert = await page.locator('[role=alert]').textContent().catch(() => null);
    throw new Error(`login as ${email} did not leave /login${alert ? ` (page says: ${alert.trim()})` : ''}: ${err.message}`);
  });
}

/** Log out with the header button; resolves on /login. */
export async function logout(page) {
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    page.locator('header.top').getByRole('button', { name: 'Log out' }).click(),
  ]);
}

/** The visible labels of the main nav links, in order. */
export async function navLabels(page) {
  const texts = await page.locator('header.top nav a').allTextContents();
  return texts.map((t) => t.trim());
}

export function ensureArtifactsDir() {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return ARTIFACTS_DIR;
}
