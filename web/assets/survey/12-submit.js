// Survey script: submission: checks, the ballot's body, sending (and resending after a lost answer), the
// answers, and the confirmation with its receipt.
  function onSubmit(e) {
    e.preventDefault();
    if (sending) return;
    bind(formAlert, null);
    var missing = units.filter(function (u) { return !draft.ratings[u.code]; });
    units.forEach(function (u) { rows[u.code].fs.classList.remove('missing'); bind(rows[u.code].err, null); });
    if (missing.length && (camp.require_all !== false || missing.length === units.length)) {
      var k = missing.length;
      if (camp.require_all !== false) {
        missing.forEach(function (u) { rows[u.code].fs.classList.add('missing'); bind(rows[u.code].err, tf('pick')); });
        alertTop(function () { return t('missing', k); });
      } else alertTop(tf('none'));
      focusUnit(missing[0].code);
      return;
    }
    if (devCap) {
      clearField(devCap.input, devCap.err);
      if (!devCap.input.value.trim()) return fieldErr(devCap, tf('capHint'));
    }
    if (!draft.receipt) draft.receipt = newReceipt();
    saveDraft(); // the receipt is stored before the ballot leaves

    sending = true;
    submitBtn.disabled = true;
    bind(submitBtn, tf('sending'));
    formEl.setAttribute('aria-busy', 'true');
    send(afterSubmit);
  }

  function ballotBody() {
    var body = { ratings: {}, reasons: {}, opened_at_ms: openedAt };
    if (!pub) body.invitation = inv;
    else if (pub.phone) { body.phone = pub.phone; body.otp = pub.otp; }
    else if (devCap) { body.captcha_id = devCap.id(); body.captcha_answer = devCap.input.value.trim(); }
    if (hpB && hpB.input.value) body.homepage = hpB.input.value;
    units.forEach(function (u) {
      var c = draft.ratings[u.code];
      if (!c) return;
      body.ratings[u.code] = c;
      var why = (draft.reasons[u.code] || '').trim();
      if (scale[c] && scale[c].asks_reason && why) body.reasons[u.code] = why;
    });
    var s = draft.suggestion.trim();
    if (s) body.suggestion = s;
    if (dists().indexOf(draft.district) >= 0) body.district = draft.district;
    if (draft.receipt) body.receipt = draft.receipt;
    return body;
  }

  function code409(r, code) { return !!r && r.status === 409 && !!r.data && r.data.error === code; }

  // Sends the draft; done(r) gets the answer, or null when the network failed.
  // receipt_taken: nothing was stored, so a fresh receipt is sent once; in_progress: the same
  // ballot (maybe its lost first copy) is being committed right now, so ask again shortly.
  function send(done, taken, waits) {
    api('POST', base + '/ballots', ballotBody(), 60000).then(null, function () { return null; }).then(function (r) {
      if (code409(r, 'receipt_taken') && !taken) {
        draft.receipt = newReceipt(); saveDraft();
        return send(done, true, waits);
      }
      if (code409(r, 'in_progress') && (waits || 0) < 2) {
        return setTimeout(function () { send(done, taken, (waits || 0) + 1); }, 1500);
      }
      done(r);
    });
  }

  function counted(r) {
    var rc = (r.data && r.data.receipt) || draft.receipt || '';
    LS.del(draftKey());
    if (pub) { LS.set(doneKey, rc); SS.del(pubKey); } // the public path has no invitation to ask about
    else if (rc) SS.set(rcptKey(), rc); // so a reload in this tab shows the receipt again
    show(viewDone(rc), true);
  }
  function usedBefore(r) { return !!r && r.status === 409 && (!r.data || !r.data.error || r.data.error === 'already_used'); }

  // the page opened on a used invitation with a sent draft: resend it with its receipt
  function resend(focus) {
    show(function (root) { root.appendChild(h('p', { class: 'loading', role: 'status', text: tf('sending') })); }, focus);
    send(function (r) {
      if (r && r.ok) return counted(r);
      if (!r || r.status >= 500 || code409(r, 'in_progress')) return show(viewLoadError, true);
      LS.del(draftKey());
      show(viewUsed(usedBefore(r)), true);
    });
  }

  function afterSubmit(r) {
    sending = false;
    if (r && r.ok) return counted(r);
    if (devCap) devCap.load(); // its answer is used up
    if (usedBefore(r)) { LS.del(draftKey()); return show(viewUsed(true, pub && (pub.phone ? 'usedPhone' : 'usedHere')), true); }
    // the phone check has lapsed: verify again, the draft stays
    if (pub && pub.phone && r && r.data && /^(bad_otp|otp_expired|bad_phone)$/.test(r.data.error)) {
      SS.del(pubKey); pub = {};
      return show(viewEntry('pub', tf('reverify')), true);
    }
    // malformed (our bug) or taken twice: nothing was stored, the next try draws a fresh receipt
    if (code409(r, 'receipt_taken') || (r && r.data && r.data.error === 'invalid_receipt')) { draft.receipt = newReceipt(); saveDraft(); }
    formEl.removeAttribute('aria-busy');
    submitBtn.disabled = false;
    bind(submitBtn, tf('submit'));
    var data = r && r.data, field = data && data.field, target = null;
    if (!r || r.status >= 500) {
      alertTop(tf('unavailable'));
    } else {
      var msg = errText(data, 'loadFailMsg');
      alertTop(function () { return t('failed') + msg(); });
      var fm = /^(ratings|reasons)\.(.+)$/.exec(field || '');
      var row = fm && rows[fm[2]];
      if (field === 'suggestion' || field === 'district') target = rows['$' + field];
      else if (devCap && /^captcha/.test(field || '')) target = devCap;
      else if (row && fm[1] === 'reasons' && row.reason && !row.box.hidden) target = row.reason;
      else if (row) {
        row.fs.classList.add('missing');
        bind(row.err, msg);
        focusUnit(fm[2]);
        return;
      }
      if (target) {
        bind(target.err, msg);
        target.input.setAttribute('aria-invalid', 'true');
        target.input.focus();
        return;
      }
    }
    submitBtn.focus();
  }

  function viewDone(rc) {
    return function (root) {
      var out = h('p', { role: 'status', class: 'hint' });
      root.appendChild(title());
      root.appendChild(h('div', { class: 'notice done' }, [
        h('h2', { 'data-focus': true, text: tf('doneTitle') }),
        rc ? h('p', { class: 'lbl', text: tf('rcptLabel') }) : null,
        rc ? h('p', { class: 'receipt mono', id: 'receipt', text: rc }) : null,
        h('p', { text: tf('rcptKeep') }),
        h('p', { text: tf('rcptAnon') }),
        rc ? h('button', { type: 'button', class: 'btn', text: tf('rcptCheck'), onclick: function () {
          bind(out, null);
          api('GET', '/api/v1/receipts/' + encodeURIComponent(rc)).then(function (r) {
            bind(out, r.ok && r.data ? tf(r.data.counted ? 'counted' : 'notCounted') : errText(r.data, 'loadFailMsg'));
          }, function () { bind(out, tf('netFail')); });
        } }) : null,
        out
      ]));
    };
  }
