// Survey script: draft saving in localStorage, the receipt drawn by the page, and the campaign's text limits.
  function loadDraft() {
    draft = { ratings: {}, reasons: {}, suggestion: '' };
    var raw = null;
    try { raw = JSON.parse(LS.get(draftKey()) || 'null'); } catch (e) { /* ignore */ }
    if (!raw || typeof raw !== 'object') return;
    units.forEach(function (u) {
      var r = raw.ratings && raw.ratings[u.code];
      if (typeof r === 'string' && scale[r]) draft.ratings[u.code] = r;
      var why = raw.reasons && raw.reasons[u.code];
      if (typeof why === 'string') draft.reasons[u.code] = why.slice(0, lim('reason'));
    });
    if (typeof raw.suggestion === 'string') draft.suggestion = raw.suggestion.slice(0, lim('suggestion'));
    if (dists().indexOf(raw.district) >= 0) draft.district = raw.district;
    if (typeof raw.receipt === 'string' && RCPT.test(raw.receipt)) draft.receipt = raw.receipt;
  }
  function saveDraft() { LS.set(draftKey(), JSON.stringify({ v: 1, ratings: draft.ratings, reasons: draft.reasons, suggestion: draft.suggestion, district: draft.district || undefined, receipt: draft.receipt || undefined })); }

  // The receipt is drawn here, once per draft, and kept in the draft before the ballot is sent:
  // resending after a lost answer proposes the same receipt, and the server answers with it
  // again instead of refusing the invitation as used. 80 random bits; byte & 31 is uniform.
  var ALPHA = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var RCPT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;
  function newReceipt() {
    var b = new Uint8Array(16), s = '';
    try { (window.crypto || window.msCrypto).getRandomValues(b); } catch (e) { return null; } // the server draws one
    for (var i = 0; i < 16; i++) s += (i && i % 4 === 0 ? '-' : '') + ALPHA.charAt(b[i] & 31);
    return s;
  }
  function lim(k) { var n = camp.limits && camp.limits[k + '_max_chars']; return n > 0 ? n : (k === 'reason' ? 200 : 500); }
