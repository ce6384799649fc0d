// Survey script: invitation entry: the form that takes the short code printed on the letter.
  function codeForm(err, head) {
    var input = h('input', {
      id: 'code', name: 'code', type: 'text', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', maxlength: '64', 'aria-describedby': 'code-hint code-err', enterkeyhint: 'go'
    });
    var errEl = h('p', { id: 'code-err', class: 'ferr', role: 'alert' });
    var btn = h('button', { type: 'submit', class: 'btn', text: tf('codeBtn') });
    var busy = false;
    function fail(fn) {
      bind(errEl, fn);
      input.setAttribute('aria-invalid', 'true');
      busy = false; btn.disabled = false; bind(btn, tf('codeBtn'));
      input.focus();
    }
    var form = h('form', { class: 'card', novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      if (busy) return;
      var v = input.value.trim();
      bind(errEl, null);
      if (!v) return fail(tf('codeEmpty'));
      busy = true; btn.disabled = true; bind(btn, tf('checking'));
      inv = v; pub = null;
      api('POST', base + '/invitations/status', { invitation: v }).then(function (r) {
        onStatus(r, 'codeUnknown', true, fail);
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
