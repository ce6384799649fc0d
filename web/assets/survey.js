/* 民评 survey page: plain JS, no dependencies. Text from the API is only ever set with textContent. */
'use strict';
(function () {
  var d = document;

  // ---- storage that never throws (private mode, disabled storage) ----
  function store(name) {
    function s() { try { return window[name]; } catch (e) { return null; } }
    return {
      get: function (k) { try { return s().getItem(k); } catch (e) { return null; } },
      set: function (k, v) { try { s().setItem(k, v); } catch (e) { /* ignore */ } },
      del: function (k) { try { s().removeItem(k); } catch (e) { /* ignore */ } }
    };
  }
  var LS = store('localStorage'), SS = store('sessionStorage');

  // ---- UI text ----
  var S = {
    zh: {
      brand: '民评 · 社会评议',
      langBtn: 'English',
      loading: '正在加载…',
      loadFail: '暂时无法加载',
      loadFailMsg: '网络连接异常或服务器暂时不可用。请检查网络后重试。',
      retry: '重试',
      notFound: '未找到该评议',
      notFoundMsg: '链接可能不完整或已失效，请核对链接或邀请函上的网址。',
      badLink: '链接无效',
      closed: '本次评议已结束',
      closedMsg: '感谢关注。本次评议现已停止接收评价。',
      notOpen: '本次评议暂未开放',
      notOpenMsg: '请在评议开放期间再访问此链接。',
      codeTitle: '请输入邀请码',
      codeIntro: '邀请码印在您收到的邀请函上。',
      codeLabel: '邀请码',
      codeHint: '例如 K7QM-2XPD，不区分大小写',
      codeBtn: '继续',
      checking: '正在核对…',
      codeEmpty: '请输入邀请码。',
      codeUnknown: '未找到该邀请码，请核对邀请函后重新输入。',
      linkUnknown: '此邀请链接无效。您也可以输入邀请函上的邀请码。',
      netFail: '网络连接异常，请检查网络后重试。',
      usedTitle: '此邀请已使用',
      usedMsg: '该邀请的评价已经提交，每份邀请只能提交一次。感谢您的参与！',
      usedJustNow: '这次提交没有被计入：此邀请此前已有一份评价被计入（可能是您早先提交的，例如在其他设备或浏览器中）。每份邀请只计一次。',
      intro: function (n, all) { return all ? '请对以下全部 ' + n + ' 个单位逐一评价，每个单位选择一项。' : '请评价您了解的单位，每个单位选择一项。'; },
      anon: '评价匿名进行，不记录您的身份。填写内容会自动保存在本机，可随时返回继续。',
      progress: function (a, n) { return '已评 ' + a + ' / ' + n; },
      pick: '请选择一项',
      reasonLabel: '原因（选填）',
      left: function (n) { return '还可输入 ' + n + ' 字'; },
      sugTitle: '意见建议',
      sugLabel: '您对以上单位的意见或建议（选填）',
      distLabel: '您所在的区县（选填）',
      distNone: '不填',
      submit: '提交评价',
      sending: '正在提交…',
      submitNote: '提交后不能修改。',
      missing: function (n) { return '还有 ' + n + ' 个单位未评价，请先完成评价再提交。'; },
      none: '请至少评价一个单位。',
      unavailable: '未能确认评价是否已提交（网络或服务器异常）。您填写的内容仍保留在本机，请稍后再点击“提交评价”：如已计入，不会重复计票，您会收到同一回执码。',
      failed: '提交未成功：',
      doneTitle: '提交成功，感谢参与！',
      rcptLabel: '您的回执码',
      rcptKeep: '请截图或抄下此回执码。日后可凭它查询您的评价是否已被计入。',
      rcptAnon: '评价是匿名的：回执码不与您的身份关联，只用于核对计票。',
      rcptCheck: '查询是否已计入',
      counted: '已计入统计。',
      notCounted: '尚未计入，请稍后再查询。',
      yourRcpt: '您的回执码：',
      pubTab: '市民参与：手机号验证',
      codeTab: '评议团成员：输入邀请码',
      devTab: '市民参与：直接评价',
      pubIntro: '将向您的手机发送短信验证码。每个号码只能参加一次。',
      phoneLabel: '手机号',
      phoneEmpty: '请输入手机号。',
      capLabel: '图片验证码',
      capHint: '请输入图中的字符。',
      capNew: '换一张',
      capBig: '看不清？换大图',
      capFail: '图片未能加载，请点“换一张”。',
      getCode: '获取验证码',
      sendingCode: '正在发送…',
      sent: function (m, n) { return '验证码已发送至 ' + m + '，' + n + ' 分钟内有效。'; },
      wait: function (n) { return n < 120 ? n + ' 秒后可重新获取' : Math.ceil(n / 60) + ' 分钟后可重新获取'; },
      again: '重新获取验证码',
      otpLabel: '短信验证码（6 位数字）',
      otpEmpty: '请输入短信中的 6 位数字验证码。',
      verify: '验证并开始评价',
      pubClosed: '本次评议不接受市民参与',
      pubClosedMsg: '请使用邀请函上的邀请码参与。',
      pubJustNow: '这次提交没有被计入：此前已有一份评价被计入。',
      reverify: '手机验证已过期，请重新获取验证码。已填写的评价仍保留。',
      panelNote: '您的手机号在本次评议团名单中，您的评价将计入评议团。感谢您的参与！',
      hp: '请勿填写',
      usedPhone: '该手机号已参加过本次评议',
      usedHere: '您已参加过本次评议',
      usedPub: '每个号码只能参加一次。感谢您的参与！',
      usedDev: '每台设备只能参加一次。感谢您的参与！',
      otherPhone: '使用其他手机号参加'
    },
    en: {
      brand: 'Minping · Public Review',
      langBtn: '中文',
      loading: 'Loading…',
      loadFail: 'Could not load the survey',
      loadFailMsg: 'The network or the server is unavailable right now. Check your connection and try again.',
      retry: 'Try again',
      notFound: 'Survey not found',
      notFoundMsg: 'The link may be incomplete or expired. Please check the address on your invitation.',
      badLink: 'Invalid link',
      closed: 'This survey has closed',
      closedMsg: 'Thank you for your interest. This survey no longer accepts answers.',
      notOpen: 'This survey is not open',
      notOpenMsg: 'Please come back while the survey is open.',
      codeTitle: 'Enter your invitation code',
      codeIntro: 'The code is printed on the invitation letter you received.',
      codeLabel: 'Invitation code',
      codeHint: 'For example K7QM-2XPD, upper or lower case',
      codeBtn: 'Continue',
      checking: 'Checking…',
      codeEmpty: 'Please enter the invitation code.',
      codeUnknown: 'This invitation code was not found. Please check your letter and try again.',
      linkUnknown: 'This invitation link is not valid. You can enter the code printed on your letter instead.',
      netFail: 'Network error. Check your connection and try again.',
      usedTitle: 'This invitation has already been used',
      usedMsg: 'A ballot has already been submitted with this invitation. Each invitation can be used once. Thank you for taking part!',
      usedJustNow: 'This submission was not counted: a ballot had already been counted for this invitation (perhaps sent earlier, for example from another device or browser). Each invitation counts once.',
      intro: function (n, all) { return all ? 'Please rate each of the ' + n + ' units below: choose one option per unit.' : 'Please rate the units you know: choose one option per unit.'; },
      anon: 'Your answers are anonymous. They are saved on this device as you go, so you can come back later.',
      progress: function (a, n) { return 'Rated ' + a + ' / ' + n; },
      pick: 'Please choose one option',
      reasonLabel: 'Reason (optional)',
      left: function (n) { return n + ' characters left'; },
      sugTitle: 'Suggestions',
      sugLabel: 'Your comments or suggestions for these units (optional)',
      distLabel: 'Your district (optional)',
      distNone: 'Prefer not to say',
      submit: 'Submit',
      sending: 'Submitting…',
      submitNote: 'You cannot change your answers after submitting.',
      missing: function (n) { return n + (n === 1 ? ' unit is' : ' units are') + ' not rated yet. Please rate every unit before submitting.'; },
      none: 'Please rate at least one unit.',
      unavailable: 'We could not confirm that your ballot was received (network or server problem). Your answers are kept on this device: please press “Submit” again in a moment. If it was received, it is not counted twice and you get the same receipt code.',
      failed: 'Not submitted: ',
      doneTitle: 'Submitted. Thank you!',
      rcptLabel: 'Your receipt code',
      rcptKeep: 'Take a screenshot or write this code down. You can use it later to check that your ballot was counted.',
      rcptAnon: 'Your ballot is anonymous: the receipt code is not linked to who you are; it only lets you check the count.',
      rcptCheck: 'Check that it was counted',
      counted: 'Counted.',
      notCounted: 'Not counted yet. Please check again later.',
      yourRcpt: 'Your receipt code: ',
      pubTab: 'Public: mobile phone check',
      codeTab: 'Panel: invitation code',
      devTab: 'Public: rate now',
      pubIntro: 'We send a code to your phone. Each number can take part once.',
      phoneLabel: 'Mobile number',
      phoneEmpty: 'Please enter your mobile number.',
      capLabel: 'Picture code',
      capHint: 'Type the characters in the picture.',
      capNew: 'New picture',
      capBig: 'Larger picture',
      capFail: 'The picture did not load. Press “New picture”.',
      getCode: 'Send me a code',
      sendingCode: 'Sending…',
      sent: function (m, n) { return 'Code sent to ' + m + ', valid for ' + n + ' minutes.'; },
      wait: function (n) { return 'New code in ' + (n < 120 ? n + ' s' : Math.ceil(n / 60) + ' min'); },
      again: 'Send a new code',
      otpLabel: 'Code from the text message (6 digits)',
      otpEmpty: 'Please enter the 6-digit code.',
      verify: 'Verify and start',
      pubClosed: 'Not open to the public',
      pubClosedMsg: 'Please use the code on your invitation letter.',
      pubJustNow: 'This submission was not counted: a ballot had already been counted.',
      reverify: 'Your phone check has expired. Please get a new code. Your answers are kept.',
      panelNote: 'Your number is on this survey\'s citizen panel: your ballot counts for the panel. Thank you!',
      hp: 'Leave this empty',
      usedPhone: 'This number has already taken part',
      usedHere: 'You have already taken part',
      usedPub: 'Each number can take part once. Thank you!',
      usedDev: 'Each device can take part once. Thank you!',
      otherPhone: 'Use another number'
    }
  };
  var lang = LS.get('minping:lang') === 'en' ? 'en' : 'zh';
  function t(key) {
    var v = S[lang][key] !== undefined ? S[lang][key] : S.zh[key];
    return typeof v === 'function' ? v.apply(null, [].slice.call(arguments, 1)) : v;
  }
  function tf() { var a = arguments; return function () { return t.apply(null, a); }; }
  function loc(zh, en) { return lang === 'en' && en ? en : (zh || en || ''); }
  function L(o, f) { return function () { return loc(o[f], o[f + '_en']); }; }
  function errText(data, fallbackKey) {
    return function () { return (data && loc(data.message, data.message_en)) || t(fallbackKey); };
  }

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
    if (r.status === 404 || r.status === 400 || r.status === 422) {
      SS.del(invKey);
      var msg = r.status === 404 ? tf(unknownKey) : errText(r.data, unknownKey);
      if (codeView) codeView(msg); else show(viewCode(msg), focus);
      return false;
    }
    if (codeView) codeView(errText(r.data, 'loadFailMsg')); else show(viewLoadError, focus);
    return false;
  }

  // ---- views ----
  function title() { return h('h1', { text: L(camp, 'title') }); }

  function viewLoading(root) {
    root.appendChild(h('p', { class: 'loading', role: 'status', text: tf('loading') }));
  }

  function viewLoadError(root) {
    root.appendChild(h('h1', { text: tf('loadFail') }));
    root.appendChild(h('p', { class: 'alert', role: 'alert', text: tf('loadFailMsg') }));
    root.appendChild(h('button', { type: 'button', class: 'btn', text: tf('retry'), onclick: function () { start(true); } }));
  }

  function message(head, body) {
    return function (root) {
      if (camp) root.appendChild(title());
      root.appendChild(h('div', { class: 'notice' }, [h(camp ? 'h2' : 'h1', { 'data-focus': true, text: head }), h('p', { text: body })]));
    };
  }

  // head: the public channel's heading (usedPhone or usedHere)
  function viewUsed(justNow, head) {
    return function (root) {
      var rc = !head ? SS.get(rcptKey()) : head === 'usedHere' ? LS.get(doneKey) : null, phone = pmode() === 'phone';
      root.appendChild(title());
      root.appendChild(h('div', { class: 'notice', id: 'used' }, [
        h('h2', { 'data-focus': true, text: tf(head || 'usedTitle') }),
        h('p', { text: tf(!head ? 'usedMsg' : phone ? 'usedPub' : 'usedDev') }),
        justNow ? h('p', { text: tf(head ? 'pubJustNow' : 'usedJustNow') }) : null,
        rc ? h('p', null, [h('span', { text: tf('yourRcpt') }), h('strong', { class: 'mono', text: rc })]) : null,
        // a phone may be shared in a family: another number can still take part from it
        head && phone ? h('button', { type: 'button', class: 'btn', text: tf('otherPhone'), onclick: function () { show(viewEntry('pub'), true); } }) : null
      ]));
    };
  }

  // no invitation in the address: the short-code form, and the public path beside it when open
  function viewEntry(tab, err) {
    return function (root) {
      var two = pmode() !== 'off';
      root.appendChild(title());
      if (two) root.appendChild(tabs(tab));
      root.appendChild(tab === 'pub' ? phoneCard(err) : codeForm(err, two));
    };
  }
  function tabs(tab) {
    return h('div', { class: 'tabs' }, [['pub', pmode() === 'phone' ? 'pubTab' : 'devTab'], ['code', 'codeTab']].map(function (x) {
      return h('button', { type: 'button', class: 'tab', 'aria-pressed': String(x[0] === tab), text: tf(x[1]), onclick: function () {
        if (x[0] !== tab) { if (x[0] === 'pub') startPublic(true); else show(viewEntry('code'), true); }
      } });
    }));
  }
  function viewCode(err) { return viewEntry('code', err); }

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
    var sug = h('textarea', { id: sugId, name: 'suggestion', rows: '4', maxlength: String(lim('suggestion')), 'aria-describedby': 'sug-count sug-err' });
    sug.value = draft.suggestion;
    var sugCount = counter('sug-count', sug, lim('suggestion'));
    var sugErr = h('p', { id: 'sug-err', class: 'ferr' });
    sug.addEventListener('input', function () { draft.suggestion = sug.value; sugCount(); clearField(sug, sugErr); saveDraft(); });
    rows.$suggestion = { input: sug, err: sugErr };
    form.appendChild(h('section', { class: 'cat', 'aria-labelledby': 'sug-h' }, [
      h('h2', { id: 'sug-h', text: tf('sugTitle') }),
      h('div', { class: 'unit' }, [h('label', { for: sugId, class: 'lbl', text: tf('sugLabel') }), sug, sugCount.el, sugErr])
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

  // four options in a row when their labels fit, otherwise two by two
  function fitOptions() {
    if (!formEl) return;
    formEl.classList.remove('narrow');
    var spans = formEl.querySelectorAll('.opts')[0];
    spans = spans ? spans.querySelectorAll('span') : [];
    for (var i = 0; i < spans.length; i++) {
      if (spans[i].scrollWidth > spans[i].clientWidth + 1) { formEl.classList.add('narrow'); break; }
    }
  }
  var rsz = 0;
  window.addEventListener('resize', function () { clearTimeout(rsz); rsz = setTimeout(fitOptions, 150); });
  window.addEventListener('hashchange', function () { if (readHash() && readHash() !== inv) start(true); });

  if (lang === 'en') setLang('en');
  start(false);
})();
