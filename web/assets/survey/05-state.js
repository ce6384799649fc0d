// Survey script: the page's state (campaign, invitation, public channel, draft) and the storage keys it uses.
  // ---- state ----
  var m = /^\/s\/([^/]+)\/?$/.exec(location.pathname);
  var slug = m ? decodeURIComponent(m[1]) : '';
  var base = '/api/v1/campaigns/' + encodeURIComponent(slug);
  var openedAt = Date.now();
  var camp = null, inv = null, units = [], scale = {}, draft = null, formEl = null;
  var invKey = 'minping:inv:' + slug;
  // the public channel: pub is null on the invitation path; {phone, otp, cls, until} once a phone
  // is verified (kept in sessionStorage only); {} in device mode or before verifying
  var pub = null, pubKey = 'minping:pub:' + slug, doneKey = 'minping:done:' + slug;
  function pmode() { var p = camp && camp.public, v = p && p.mode; return v === 'phone' || v === 'device' ? v : 'off'; }
  // the districts the public may say they live in (optional); a panel member's is on the roster
  function dists() { return pub && pub.cls !== 'panel' && camp.districts || []; }

  function hash(s) {
    var a = 0x811c9dc5, b = 0x9747b28c;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 16777619); b = Math.imul(b ^ c, 2246822519);
    }
    return (a >>> 0).toString(36) + (b >>> 0).toString(36);
  }
  // keyed by a hash so the invitation itself is not written to long-lived storage
  function invId() { return slug + ':' + (pub ? 'pub' : hash(inv.toUpperCase().replace(/[^0-9A-Z]/g, ''))); }
  function draftKey() { return 'minping:draft:' + invId(); }
  function rcptKey() { return 'minping:rcpt:' + invId(); }

  function readHash() {
    var r = /(?:^|&)i=([^&]+)/.exec(location.hash.slice(1));
    if (!r) return null;
    try { return decodeURIComponent(r[1]).trim() || null; } catch (e) { return null; }
  }
