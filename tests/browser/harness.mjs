// What the browser test scripts share: launching Chromium, counting checks, the end of a run (with its
// overall time limit and closing the browser), assertions, and calls to the API outside the page.
//
// A script reports its checks with ok(), names what it is doing with step(), launches the browser with
// launch() and hands its main() to run(). It prints `ok N - …` per check passed and a last line
// `N passed, 0 failed`; on the first failure, `FAIL [step]: …` and `N passed, 1 failed`, and exits 1.
import { chromium } from 'playwright-core';

let browser = null;
let current = 'setup';
let passed = 0;

/// Names what the test does now: a failure, or running out of time, says where it happened.
export function step(name) {
  current = name;
}

/// Reports a check passed.
export function ok(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}

/// Launches Chromium (CHROMIUM, default Debian's /usr/bin/chromium); run() closes it at the end.
export async function launch(wait) {
  step('launch chromium');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: wait,
  });
  return browser;
}

/// Runs the test's main() and ends the process: 0 when it returned, 1 when it threw or when the whole
/// run took longer than `total` milliseconds.
export function run(main, total) {
  const overall = setTimeout(() => finish(1, `FAIL [${current}]: the whole test took longer than ${total / 1000} s`), total);
  main().then(
    () => { clearTimeout(overall); console.log(`${passed} passed, 0 failed`); return finish(0); },
    (e) => { clearTimeout(overall); return finish(1, failure(e)); },
  );
}

// The first line of what failed (Playwright's messages go on with a call log, printed to stderr).
function failure(e) {
  const message = String((e && e.message) || e);
  const [first, ...rest] = message.split('\n');
  if (rest.length) console.error(message);
  return `FAIL [${current}]: ${first}${e && e.cause ? ` (${e.cause.code || e.cause})` : ''}`;
}

async function finish(code, msg) {
  if (msg) console.log(msg);
  if (code) console.log(`${passed} passed, 1 failed`);
  const closing = browser ? browser.close().catch(() => {}) : null;
  if (closing) await Promise.race([closing, new Promise((r) => setTimeout(r, 3000))]);
  process.exit(code);
}

export function check(cond, what) {
  if (!cond) throw new Error(what);
}

/// A JSON client for the API at `base`; every call is bounded by `wait` milliseconds.
export function apiClient(base, wait) {
  return async function api(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(wait),
    });
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, data };
  };
}

/// The flags every browser test launches Debian's Chromium with.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/// A phone-sized browser context (360 px wide, touch, Chinese) whose waits are bounded by `wait` milliseconds.
export async function phoneContext(browser, wait) {
  const ctx = await browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  ctx.setDefaultTimeout(wait);
  ctx.setDefaultNavigationTimeout(wait);
  return ctx;
}
