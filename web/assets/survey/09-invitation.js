// Survey script: invitation entry: the form that takes the short code printed on the letter.
  function codeForm(err, head) {
    var input = h('input', {
      id: 'code', name: 'code', type: 'text', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', maxlength: '64', 'aria-describedby': 'code-hint code-err', enterkeyhint: 'go'
    });
    var errEl = h('p', { id: 'code-err', class: 'ferr', role: 'alert' });
    var btn = h('button', { type: 'submit', class: 'btn', text: tf('codeBtn') });
    var busy = false, cap = null, form;
    // while a campaign's short codes are being guessed, the server asks for a picture code too
    function needCaptcha(r) { return !!r && r.status === 403 && !!r.data && r.data.error === 'captcha_required'; }
    function addCaptcha() {
      if (cap) return cap.load();
      cap = captcha('ccap');
      form.insertBefore(cap.el, btn);
    }
    function fail(fn, r) {
      bind(errEl, fn);
      input.setAttribute('aria-invalid', 'true');
      busy = false; btn.disabled = false; bind(btn, tf('codeBtn'));
      if (needCaptcha(r) || cap) addCaptcha();
      if (needCaptcha(r) || (r && r.data && /^captcha/.test(r.data.field || '') && cap)) cap.input.focus();
      else input.focus();
    }
    form = h('form', { class: 'card', novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      if (busy) return;
      var v = input.value.trim();
      bind(errEl, null);
      if (!v) return fail(tf('codeEmpty'));
      busy = true; btn.disabled = true; bind(btn, tf('checking'));
      inv = v; pub = null;
      var body = { invitation: v };
      if (cap && cap.id()) { body.captcha_id = cap.id(); body.captcha_answer = cap.input.value.trim(); }
      api('POST', base + '/invitations/status', body).then(function (r) {
        onStatus(r, 'codeUnknown', true, function (msg) { fail(msg, r); });
      }, function () { fail(tf('netFail')); });
    } }, [
      h('h2', { 'data-focus': head, text: tf('codeTitle') }),
      h('p', { text: tf('codeIntro') }),
      h('label', { for: 'code', class: 'lbl', text: tf('codeLabel') }),
      h('p', { id: 'code-hint', class: 'hint', text: tf('codeHint') }),
      input, errEl, btn
    ]);
    if (err) { bind(errEl, err); input.setAttribute('aria-invalid', 'true'); }
    return form;
  }
