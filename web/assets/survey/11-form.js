// Survey script: the survey form: units and options, reasons, suggestion, district, progress.
  // ---- the survey form ----
  var rows = {}, progress = null, liveTimer = 0, formAlert = null, submitBtn = null, sending = false, devCap = null, hpB = null;

  function viewSurvey(root) {
    rows = {};
    var n = units.length;
    root.appendChild(title());
    if (pub && !pub.phone) root.appendChild(tabs('pub')); // device mode: panel members may still use their code
    if (pub && pub.cls === 'panel') root.appendChild(h('p', { class: 'notice', id: 'panel-note', text: tf('panelNote') }));
    root.appendChild(h('p', { class: 'intro', text: function () { return t('intro', n, camp.require_all !== false); } }));
    root.appendChild(h('p', { class: 'intro', text: tf('anon') }));

    var txt = h('span', { 'aria-hidden': 'true' });
    var live = h('span', { class: 'sr', 'aria-live': 'polite' });
    var fill = h('i');
    root.appendChild(h('div', { class: 'bar', id: 'progress' }, [txt, live, h('span', { class: 'meter', 'aria-hidden': 'true' }, [fill])]));
    progress = { txt: txt, live: live, fill: fill };

    var opts = camp.scale || [];
    var form = formEl = h('form', { id: 'survey', novalidate: true, onsubmit: onSubmit, onkeydown: function (e) {
      if (e.key === 'Enter' && e.target.type === 'radio') e.preventDefault();
    } });
    form.style.setProperty('--cols', Math.min(opts.length, 4) || 1);

    camp.categories.forEach(function (cat, ci) {
      var hid = 'cat-' + ci;
      var sec = h('section', { class: 'cat', 'aria-labelledby': hid }, [h('h2', { id: hid, text: L(cat, 'name') })]);
      (cat.units || []).forEach(function (u) { sec.appendChild(unitRow(u, opts)); });
      form.appendChild(sec);
    });

    var sugId = 'suggestion';
    var sug = h('textarea', { id: sugId, name: 'suggestion', rows: '4', maxlength: String(lim('suggestion')), 'aria-describedby': 'sug-note sug-count sug-err' });
    sug.value = draft.suggestion;
    var sugCount = counter('sug-count', sug, lim('suggestion'));
    var sugErr = h('p', { id: 'sug-err', class: 'ferr' });
    sug.addEventListener('input', function () { draft.suggestion = sug.value; sugCount(); clearField(sug, sugErr); saveDraft(); });
    rows.$suggestion = { input: sug, err: sugErr };
    form.appendChild(h('section', { class: 'cat', 'aria-labelledby': 'sug-h' }, [
      h('h2', { id: 'sug-h', text: tf('sugTitle') }),
      h('div', { class: 'unit' }, [h('label', { for: sugId, class: 'lbl', text: tf('sugLabel') }), h('p', { class: 'hint', id: 'sug-note', text: tf('sugNote') }), sug, sugCount.el, sugErr])
    ]));

    if (dists().length) form.appendChild(districtField());

    formAlert = h('div', { class: 'alert', role: 'alert', id: 'form-alert' });
    submitBtn = h('button', { type: 'submit', class: 'btn primary', id: 'submit', text: tf('submit') });
    if (pub) {
      hpB = honeypot('hp2');
      if (!pub.phone) devCap = captcha('bcap'); // device mode: a picture code goes with the ballot
    }
    form.appendChild(h('div', { class: 'send' }, [devCap && devCap.el, hpB && hpB.el, formAlert, submitBtn, h('p', { class: 'hint', text: tf('submitNote') })]));
    root.appendChild(form);
    updateProgress(true);
    fitOptions();
  }

  function districtField() {
    var sel = h('select', { id: 'district', name: 'district', 'aria-describedby': 'district-err' }, [h('option', { value: '', text: tf('distNone') })]
      .concat(dists().map(function (x) { return h('option', { value: x, text: x }); })));
    var err = h('p', { id: 'district-err', class: 'ferr' });
    sel.value = draft.district || '';
    sel.addEventListener('change', function () { draft.district = sel.value; clearField(sel, err); saveDraft(); });
    rows.$district = { input: sel, err: err };
    return h('div', { class: 'unit dist' }, [h('label', { for: 'district', class: 'lbl', text: tf('distLabel') }), sel, err]);
  }

  function counter(id, input, max) {
    var el = h('p', { id: id, class: 'count' });
    var f = bind(el, function () { return t('left', Math.max(0, max - input.value.length)); });
    f.el = el;
    return f;
  }

  function unitRow(u, opts) {
    var id = 'u-' + u.code;
    var errId = id + '-err';
    var fs = h('fieldset', { class: 'unit', id: id, 'data-unit': u.code, 'aria-describedby': errId });
    fs.appendChild(h('legend', { text: L(u, 'name') }));
    var grid = h('div', { class: 'opts' });
    var radios = [];
    opts.forEach(function (o) {
      var r = h('input', { type: 'radio', name: 'r-' + u.code, value: o.code });
      if (draft.ratings[u.code] === o.code) r.checked = true;
      r.addEventListener('change', function () { onRate(u, o); });
      radios.push(r);
      grid.appendChild(h('label', { class: 'opt' }, [r, h('span', { text: L(o, 'label') })]));
    });
    fs.appendChild(grid);
    var err = h('p', { class: 'ferr', id: errId });
    var row = rows[u.code] = { fs: fs, radios: radios, err: err, box: null };
    var cur = scale[draft.ratings[u.code]];
    if (cur && cur.asks_reason) reasonBox(u, row);
    fs.appendChild(err);
    return fs;
  }

  function reasonBox(u, row) {
    if (row.box) { row.box.hidden = false; return; }
    var tid = 'why-' + u.code, max = lim('reason');
    var ta = h('textarea', { id: tid, name: 'reason-' + u.code, rows: '3', maxlength: String(max), 'aria-describedby': tid + '-count ' + tid + '-err' });
    ta.value = draft.reasons[u.code] || '';
    var count = counter(tid + '-count', ta, max);
    var err = h('p', { class: 'ferr', id: tid + '-err' });
    ta.addEventListener('input', function () { draft.reasons[u.code] = ta.value; count(); clearField(ta, err); saveDraft(); });
    row.box = h('div', { class: 'why' }, [h('label', { for: tid, class: 'lbl', text: tf('reasonLabel') }), ta, count.el, err]);
    row.reason = { input: ta, err: err };
    row.fs.insertBefore(row.box, row.err.parentNode ? row.err : null);
  }

  function onRate(u, o) {
    var row = rows[u.code];
    draft.ratings[u.code] = o.code;
    if (o.asks_reason) reasonBox(u, row);
    else if (row.box) row.box.hidden = true;
    row.fs.classList.remove('missing');
    bind(row.err, null);
    saveDraft();
    updateProgress();
  }

  function rated() { return units.filter(function (u) { return draft.ratings[u.code]; }).length; }

  function updateProgress(first) {
    var a = rated(), n = units.length;
    bind(progress.txt, function () { return t('progress', a, n); });
    progress.fill.style.width = (n ? (100 * a / n) : 0) + '%';
    // announce once tapping settles, not on every change
    clearTimeout(liveTimer);
    if (!first) liveTimer = setTimeout(function () { bind(progress.live, function () { return t('progress', a, n); }); }, 1200);
  }

  function clearField(input, err) { input.removeAttribute('aria-invalid'); bind(err, null); }

  function alertTop(fn) {
    bind(formAlert, null);
    // a fresh text node after a tick so the same message is announced again
    setTimeout(function () { bind(formAlert, fn); }, 60);
  }

  function focusUnit(code) {
    var row = rows[code];
    if (!row) return;
    row.fs.scrollIntoView({ block: 'start' });
    var r = row.radios.filter(function (x) { return x.checked; })[0] || row.radios[0];
    if (r) r.focus({ preventScroll: true });
  }
