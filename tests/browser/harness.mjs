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
