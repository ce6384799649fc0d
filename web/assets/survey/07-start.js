// Survey script: starting up: load the campaign, then the invitation's status or the public channel.
  // ---- start ----
  function start(focus) {
    show(viewLoading, focus);
    if (!slug) return show(message(tf('badLink'), tf('notFoundMsg')), focus);
    inv = readHash() || SS.get(invKey) || null;
    pub = null;
    var fromLink = !!readHash();
    Promise.all([
      api('GET', base),
      inv ? api('POST', base + '/invitations/status', { invitation: inv }) : null
    ]).then(function (res) {
      var c = res[0];
      if (c.status === 404) return show(message(tf('notFound'), tf('notFoundMsg')), focus);
      if (!c.ok || !c.data || !Array.isArray(c.data.categories)) return show(viewLoadError, focus);
      setCampaign(c.data);
      if (camp.status && camp.status !== 'open') {
        var ended = /clos|end|finish|archiv/.test(camp.status);
        return show(message(tf(ended ? 'closed' : 'notOpen'), tf(ended ? 'closedMsg' : 'notOpenMsg')), focus);
      }
      if (!inv) return startPublic(focus);
      onStatus(res[1], fromLink ? 'linkUnknown' : 'codeUnknown', focus);
    }, function () { show(viewLoadError, focus); });
  }

  function setCampaign(c) {
    camp = c; units = []; scale = {};
    (c.scale || []).forEach(function (o) { scale[o.code] = o; });
    c.categories.forEach(function (cat) { (cat.units || []).forEach(function (u) { units.push(u); }); });
    bind(d.head.querySelector('title'), function () { return loc(c.title, c.title_en) + ' · ' + t('brand'); }, null, true);
  }

  function startPublic(focus) {
    var mode = pmode(), s = null;
    if (mode === 'off') return show(viewCode(null), focus);
    try { s = JSON.parse(SS.get(pubKey) || 'null'); } catch (e) { /* ignore */ }
    pub = {};
    if (mode === 'phone' && s && s.phone && s.otp && s.until > Date.now()) pub = s;
    else if (LS.get(doneKey) != null) return show(viewUsed(false, 'usedHere'), focus);
    else if (mode === 'phone') return show(viewEntry('pub'), focus);
    loadDraft();
    show(viewSurvey, focus);
  }

  // returns true when the survey was shown
  function onStatus(r, unknownKey, focus, codeView) {
    if (r.ok && r.data && r.data.status === 'unused') {
      SS.set(invKey, inv);
      loadDraft();
      show(viewSurvey, focus);
      return true;
    }
    if (r.ok && r.data && r.data.status === 'used') {
      loadDraft();
      // a ballot of this draft was sent and its answer lost: send it again to get its receipt
      if (draft.receipt) { SS.set(invKey, inv); resend(focus); } else show(viewUsed(false), focus);
      return true;
    }
    if (r.status === 404 || r.status === 400 || r.status === 422 || (r.status === 403 && r.data && r.data.error === 'captcha_required')) {
      SS.del(invKey);
      var msg = r.status === 404 ? tf(unknownKey) : errText(r.data, unknownKey);
      if (codeView) codeView(msg); else show(viewCode(msg), focus);
      return false;
    }
    if (codeView) codeView(errText(r.data, 'loadFailMsg')); else show(viewLoadError, focus);
    return false;
  }
