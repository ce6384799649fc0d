// What the browser test scripts share: assertions, and calls to the API outside the page.

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
