// Survey script: DOM helpers: text bindings re-run when the language changes (bind), element building (h),
// the language switch (setLang) and replacing the page's content (show).
  // ---- text bindings: re-evaluated when the language changes ----
  var binds = [];
  // one binding per element: binding again replaces it, bind(el, null) clears the text
  function bind(el, fn, attr, keep) {
    var slot = '_b' + (attr || '');
    var i = binds.indexOf(el[slot]);
    if (i >= 0) binds.splice(i, 1);
    el[slot] = null;
    if (!fn) { el.textContent = ''; return null; }
    var b = function () { var v = fn(); if (attr) el.setAttribute(attr, v); else el.textContent = v; };
    b.keep = keep; el[slot] = b; binds.push(b); b(); return b;
  }
  function h(tag, a, kids) {
    var el = d.createElement(tag);
    for (var k in a || {}) {
      var v = a[k];
      if (v == null || v === false) continue;
      if (k === 'text') { if (typeof v === 'function') bind(el, v); else el.textContent = v; }
      else if (k === 'class') el.className = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    (kids || []).forEach(function (c) { if (c) el.appendChild(typeof c === 'string' ? d.createTextNode(c) : c); });
    return el;
  }

  var app = d.getElementById('app');
  var langBtn = d.getElementById('lang');
  bind(d.getElementById('brand'), tf('brand'), null, true);
  bind(langBtn, tf('langBtn'), null, true);

  function setLang(l) {
    lang = l;
    LS.set('minping:lang', l);
    d.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
    langBtn.lang = l === 'en' ? 'zh-CN' : 'en';
    binds.forEach(function (b) { b(); });
    fitOptions();
  }
  langBtn.addEventListener('click', function () { setLang(lang === 'en' ? 'zh' : 'en'); });

  function show(build, focus) {
    binds = binds.filter(function (b) { return b.keep; });
    formEl = devCap = hpB = null;
    app.textContent = '';
    build(app);
    if (focus) {
      var hd = app.querySelector('[data-focus]') || app.querySelector('h1');
      if (hd) { hd.tabIndex = -1; hd.focus(); }
    }
  }
