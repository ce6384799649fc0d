// Survey script: api(), the one JSON call to the server (same origin, no cache, with a timeout).
  // ---- API ----
  function api(method, path, body, ms) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, ms || 25000);
    var opt = { method: method, headers: { Accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' };
    if (ctl) opt.signal = ctl.signal;
    if (body) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(body); }
    return fetch(path, opt).then(function (r) {
      return r.text().then(function (txt) {
        var data = null;
        try { data = txt ? JSON.parse(txt) : null; } catch (e) { /* not JSON, e.g. a proxy page */ }
        clearTimeout(timer);
        return { ok: r.ok, status: r.status, data: data, retry: parseInt(r.headers.get('Retry-After'), 10) || 0 };
      });
    }, function (e) { clearTimeout(timer); throw e; });
  }
