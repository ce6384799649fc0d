// Survey script: the public channel: fields, the picture code (captcha), the honeypot, and the phone and
// text-message code card.
  // ---- the public channel ----
  // an input with its label and its error line; fieldErr(f, text) shows an error there
  function field(id, key, a) {
    a.id = id; a.name = a.name || id; a['aria-describedby'] = id + '-err';
    return { label: h('label', { for: id, class: 'lbl', text: tf(key) }), input: h('input', a), err: h('p', { id: id + '-err', class: 'ferr', role: 'alert' }) };
  }
  function fieldErr(f, fn) {
    bind(f.err, fn);
    if (f.input.tagName === 'INPUT') f.input.setAttribute('aria-invalid', 'true');
    f.input.focus();
  }
  function btn(key, click, id, cls) { return h('button', { type: click ? 'button' : 'submit', class: 'btn ' + (cls || ''), id: id || null, text: tf(key), onclick: click || null }); }

  // A picture code. Each answer works once: after any use the caller loads a new one.
  var bigCap = false;
  function captcha(p) {
    var cur = null, seq = 0, img = h('img', { id: p + '-img' }), box = h('div', { class: 'capbox' }, [img]);
    var c = field(p, 'capLabel', { name: 'captcha_answer', type: 'text', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', maxlength: '12' });
    bind(img, tf('capLabel'), 'alt');
    c.id = function () { return cur && cur.id; };
    c.load = function () {
      var n = ++seq;
      cur = null; c.input.value = ''; img.hidden = true;
      box.classList.toggle('big', bigCap);
      api('GET', '/api/v1/captcha' + (bigCap ? '?size=large' : '')).then(function (r) {
        var dt = r.data || {}, ms = ((dt.expires_in || 300) - 10) * 1000;
        if (n !== seq) return;
        if (!r.ok || !/^data:image\//.test(dt.image || '')) return bind(c.err, errText(dt, 'capFail'));
        cur = dt;
        img.src = dt.image; img.setAttribute('data-id', dt.id); img.hidden = false;
        // an expired picture is replaced unless an answer is being typed
        setTimeout(function () { if (n === seq && img.isConnected && !c.input.value) c.load(); }, ms);
      }, function () { if (n === seq) bind(c.err, tf('capFail')); });
    };
    c.el = h('div', { class: 'cap' }, [c.label, h('p', { class: 'hint', text: tf('capHint') }), box, h('div', { class: 'caprow' }, [
      btn('capNew', function () { bind(c.err, null); c.load(); }, p + '-new', 'sm'),
      btn('capBig', function () { bigCap = true; bind(c.err, null); c.load(); }, p + '-big', 'sm')
    ]), c.input, c.err]);
    c.load();
    return c;
  }

  // a field people do not see: bots that fill in every field give themselves away
  function honeypot(id) {
    var i = h('input', { id: id, name: 'homepage', type: 'text', tabindex: '-1', autocomplete: 'off' });
    return { el: h('div', { class: 'hp', 'aria-hidden': 'true' }, [h('label', { for: id, text: tf('hp') }), i]), input: i };
  }

  // the campaign takes no public request: say why instead of the form
  function refused(r) {
    var e = r.data && r.data.error, k = e === 'public_closed' ? 'pubClosed' : r.status === 410 ? 'closed' : e === 'not_open' ? 'notOpen' : '';
    if (k) show(message(tf(k), errText(r.data, k + 'Msg')), true);
    return !!k;
  }
  // a button that can be used again in n seconds, when it reads t(key)
  function countdown(b, n, key) {
    var end = Date.now() + n * 1000;
    clearTimeout(b._t);
    (function tick() {
      var left = Math.ceil((end - Date.now()) / 1000);
      b.disabled = left > 0;
      bind(b, left > 0 ? function () { return t('wait', left); } : tf(key));
      if (left > 0 && b.isConnected) b._t = setTimeout(tick, 1000);
    })();
  }
  // POST; null when the network failed
  function post(path, body) { return api('POST', base + path, body).then(null, function () { return null; }); }

  // phone, picture code, "get code"; then the code from the text message and "verify"
  function phoneCard(note) {
    var busy = false, sentTo = null, cap = captcha('cap'), hp = honeypot('hp1');
    var phone = field('phone', 'phoneLabel', { type: 'tel', inputmode: 'numeric', autocomplete: 'tel', maxlength: '20' });
    var code = field('otp', 'otpLabel', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', enterkeyhint: 'go' });
    var msg = h('p', { id: 'otp-msg', class: 'ferr', role: 'alert', tabindex: '-1' }), gen = { input: msg, err: msg };
    var sentEl = h('p', { id: 'sent', class: 'ok', role: 'status' });
    var getBtn = btn('getCode', 0, 'get-code', 'primary'), vBtn = btn('verify', 0, 0, 'primary');
    var again = btn('again', function () { step(false); cap.input.focus(); }, 'resend');
    var f2 = h('form', { id: 'verify', novalidate: true, hidden: true, onsubmit: onVerify }, [code.label, code.input, code.err, vBtn, again]);
    // once a code is sent the picture code is asked again only for a new code
    function step(sent) {
      f2.hidden = !sent; cap.el.hidden = getBtn.hidden = sent;
      if (!sent) { sentTo = null; clearTimeout(again._t); bind(sentEl, null); }
    }
    function start(e) {
      e.preventDefault();
      if (busy) return false;
      [phone, cap, code, gen].forEach(function (f) { clearField(f.input, f.err); });
      return true;
    }
    function done(b, key) { busy = false; b.disabled = false; bind(b, tf(key)); }
    phone.input.addEventListener('input', function () { if (sentTo != null && phone.input.value.trim() !== sentTo) step(false); });

    var f1 = h('form', { id: 'otp-form', novalidate: true, onsubmit: function (e) {
      if (!start(e)) return;
      var p = phone.input.value.trim(), a = cap.input.value.trim(), body = { phone: p, captcha_id: cap.id(), captcha_answer: a };
      if (!p) return fieldErr(phone, tf('phoneEmpty'));
      if (!a) return fieldErr(cap, tf('capHint'));
      if (hp.input.value) body.homepage = hp.input.value;
      busy = getBtn.disabled = true; bind(getBtn, tf('sendingCode'));
      post('/otp', body).then(function (r) {
        done(getBtn, 'getCode');
        cap.load(); // its answer is used up, right or wrong
        if (!r) return fieldErr(gen, tf('netFail'));
        if (r.ok) {
          var dt = r.data || {};
          sentTo = p; step(true); code.input.value = '';
          bind(sentEl, function () { return t('sent', dt.masked || p, Math.round((dt.expires_in || 300) / 60)); });
          countdown(again, dt.resend_after || 60, 'again');
          return code.input.focus();
        }
        if (refused(r)) return;
        var f = (r.data && r.data.field) || '';
        fieldErr(f === 'phone' ? phone : /^captcha/.test(f) ? cap : gen, errText(r.data, 'loadFailMsg'));
        if (r.retry && r.retry <= 3600) countdown(getBtn, r.retry, 'getCode'); // the message says when too
      });
    } }, [phone.label, phone.input, phone.err, cap.el, hp.el, msg, getBtn, sentEl]);

    function onVerify(e) {
      if (!start(e)) return;
      var v = code.input.value.replace(/\D/g, ''), ph = sentTo;
      if (v.length !== 6) return fieldErr(code, tf('otpEmpty'));
      busy = vBtn.disabled = true; bind(vBtn, tf('checking'));
      post('/otp/verify', { phone: ph, otp: v }).then(function (r) {
        done(vBtn, 'verify');
        if (!r) return fieldErr(code, tf('netFail'));
        var dt = r.data || {};
        if (r.ok) {
          pub = { phone: ph, otp: v, cls: dt['class'], until: Date.now() + (dt.valid_for || 7200) * 1000 };
          SS.set(pubKey, JSON.stringify(pub));
          loadDraft();
          return show(viewSurvey, true);
        }
        if (code409(r, 'already_used')) return show(viewUsed(false, 'usedPhone'), true);
        if (refused(r)) return;
        if (dt.error === 'otp_expired' || (dt.details || {}).tries_left === 0) countdown(again, 0, 'again'); // ask for a new code at once
        fieldErr(code, errText(r.data, 'loadFailMsg'));
      });
    }

    if (note) bind(msg, note);
    return h('div', { class: 'card', id: 'pub' }, [h('h2', { 'data-focus': true, text: tf('pubTab') }), h('p', { text: tf('pubIntro') }), f1, f2]);
  }
