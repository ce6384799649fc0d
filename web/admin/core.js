// Console core: labels, DOM helpers, the API helper (CSRF), session, routing, the campaign list and setup, tabs, dialogs.
// 民评 staff console (作风办 / 督查办). No framework, no external resources; every text that
// comes from the API goes into the page through textContent or text nodes, never as HTML.
// The console's scripts (core, results, panel, remind, channel, live, settings, audit, admin; loaded in that order) share one
// namespace, window.Minping: each takes the names it needs from it and adds its own. Core calls the
// tabs' functions as M.name() since they are added by later scripts (all before boot).
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});

  const API = '/api/v1/admin';
  const ROLE = { admin: '管理员', monitor: '作风办工作人员', auditor: '督查人员' };
  const STATUS = { draft: '草稿', open: '进行中', closed: '已结束' };
  const CLASS = { panel: '评议团', public: '公众（手机）', device: '公众（设备）' };
  const TABS = ['live', 'results', 'remind', 'feedback', 'roster', 'export', 'settings', 'audit'];
  const S = { me: null, camps: null, slug: null, tab: null, prog: null, res: null, resView: 'formula', audit: null, es: null,
    timer: null, keys: {}, nr: null, nrAt: null, nrSeq: 0, fb: null, fbSeq: 0, fbTimer: null, sel: {}, asking: null,
    obOn: false, obGen: 0, obTimer: null };
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;

  // ---------- small helpers ----------
  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k != null && k !== false) e.append(k);
    return e;
  }
  const NS = 'http://www.w3.org/2000/svg';
  function sv(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    return e;
  }
  const show = (id, msg) => { const e = $(id); e.textContent = msg || ''; e.hidden = !msg; };
  const num = (n) => (n == null ? '—' : Number(n).toLocaleString('zh-CN'));
  const pct1 = (x) => (x == null || !isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);
  // "0.7647" -> "76.47%" without floating point
  function pct(s) {
    if (s == null) return '—';
    const m = /^(\d+)\.(\d\d)(\d*)$/.exec(s);
    return m ? `${Number(m[1] + m[2])}${m[3] ? `.${m[3]}` : ''}%` : String(s);
  }
  const weight = (s) => `${+(Number(s) * 100).toFixed(4)}%`;
  // China has kept UTC+8 without daylight saving since 1991: format Asia/Shanghai by hand.
  const pad = (n) => String(n).padStart(2, '0');
  function cst(sec) {
    const d = new Date((sec + 8 * 3600) * 1000);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  }
  const fmtTime = (sec) => { const t = cst(sec); return `${t.y}-${pad(t.mo)}-${pad(t.d)} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`; };
  const fmtClock = (sec) => { const t = cst(sec); return `${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}`; };
  const fmtHour = (sec) => { const t = cst(sec); return `${t.mo}月${t.d}日 ${pad(t.h)}:00–${pad((t.h + 1) % 24)}:00`; };
  const className = (c) => CLASS[c] || c;
  function flagText(f) {
    const [k, x] = [f.split(':')[0], f.slice(f.indexOf(':') + 1)];
    const seg = x === '(none)' ? '未填界别' : `界别“${x}”`;
    switch (k) {
      case 'no_valid_ballots': return '无有效票';
      case 'class_missing': return `缺少${className(x)}有效票`;
      case 'class_unweighted': return `${className(x)}未设权重`;
      case 'class_insufficient': return `${className(x)}有效票不足，未计入`;
      case 'segment_missing': return `缺少${seg}有效票`;
      case 'segment_insufficient': return `${seg}有效票不足，未计入`;
      case 'segment_unweighted': return `${seg}未设权重`;
      case 'flagged_ballots_excluded': return '可疑票未计入';
      case 'below_minimum': return '有效票不足，不排名';
      case 'not_ranked': return '只评不排';
      case 'indistinguishable_from_neighbour': return '与相邻名次差异不显著';
      default: return f;
    }
  }
  function announce(msg) { const a = $('announce'); a.textContent = ''; setTimeout(() => { a.textContent = msg; }, 50); }

  // ---------- the API ----------
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    const raw = body instanceof Blob; // an uploaded file goes as it is
    if (body !== undefined) headers['Content-Type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
    if (method !== 'GET' && S.me) headers['X-CSRF-Token'] = S.me.csrf;
    let res;
    try {
      res = await fetch(API + path, { method, headers, credentials: 'same-origin', cache: 'no-store', body: body === undefined || raw ? body : JSON.stringify(body) });
    } catch {
      throw Object.assign(new Error('无法连接服务器，请检查网络后重试'), { status: 0 });
    }
    if (res.status === 204) return null;
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    if (!res.ok) {
      if (res.status === 401 && path !== '/session') expired();
      throw Object.assign(new Error((data && data.message) || `服务器暂时无法处理（${res.status}），请稍后重试`), { status: res.status, code: data && data.error, field: data && data.field, details: data && data.details });
    }
    return data;
  }

  // ---------- views and session ----------
  function view(name) {
    for (const v of ['signin', 'list', 'campaign']) $(`v-${v}`).hidden = v !== name;
    $('boot').hidden = true;
    if (name !== 'campaign') { M.stopLive(); S.slug = null; }
    if (name !== 'list') M.stopOutbox();
  }
  function showSignin(note) {
    S.me = null;
    $('who').hidden = true;
    view('signin');
    show('signin-note', note);
    $('signin-h').focus();
  }
  function expired() {
    if (!S.me) return;
    showSignin('登录已过期，请重新登录。');
  }
  function signedIn(me) {
    S.me = me;
    S.camps = null;
    $('who-name').textContent = me.name;
    $('who-role').textContent = ROLE[me.role] || me.role;
    $('who').hidden = false;
    $('t-audit').hidden = !canAudit();
    $('t-roster').hidden = $('t-settings').hidden = !isAdmin();
    route();
  }
  const canAudit = () => S.me && (S.me.role === 'admin' || S.me.role === 'auditor');
  const isAdmin = () => S.me && S.me.role === 'admin';

  async function signIn(ev) {
    ev.preventDefault();
    const name = $('f-name').value.trim(), password = $('f-pass').value;
    show('signin-note');
    if (!name || !password) {
      show('signin-err', '请输入用户名和密码');
      (name ? $('f-pass') : $('f-name')).focus();
      return;
    }
    const btn = $('signin-btn');
    btn.disabled = true;
    btn.textContent = '正在登录…';
    try {
      const me = await api('POST', '/session', { name, password });
      show('signin-err');
      $('f-pass').value = '';
      signedIn(me);
    } catch (e) {
      show('signin-err', e.message);
      $('f-pass').select();
      $('f-pass').focus();
    } finally {
      btn.disabled = false;
      btn.textContent = '登录';
    }
  }
  async function signOut() {
    try { await api('DELETE', '/session'); } catch (e) { if (e.status !== 401) { announce(e.message); return; } }
    S.camps = S.res = S.audit = S.prog = null;
    showSignin('您已退出登录。');
  }

  function route() {
    if (!S.me) return showSignin();
    const m = /^#\/c\/([a-z0-9-]+)(?:\/([a-z]+))?$/.exec(location.hash);
    if (!m) return showList();
    let tab = TABS.includes(m[2]) ? m[2] : 'live';
    if ((tab === 'audit' && !canAudit()) || ((tab === 'roster' || tab === 'settings') && !isAdmin())) tab = 'live';
    openCampaign(m[1], tab);
  }

  async function loadCamps() {
    S.camps = await api('GET', '/campaigns');
    return S.camps;
  }

  async function showList(focus = true) {
    view('list');
    const admin = isAdmin();
    $('setup').hidden = $('list-act').hidden = !admin;
    if (focus) { show('list-note'); $('list-h').focus(); }
    const tb = $('list-table').tBodies[0];
    try {
      const camps = await loadCamps();
      show('list-err');
      tb.replaceChildren(...camps.map((c) => el('tr', { 'data-slug': c.slug },
        el('td', null, el('a', { href: `#/c/${c.slug}` }, c.title)),
        el('td', { class: 'mono' }, c.slug),
        el('td', null, el('span', { class: `chip ${c.status}` }, STATUS[c.status] || c.status)),
        el('td', { class: 'num' }, num(c.ballots)),
        el('td', { class: 'num' }, num(c.invitations)),
        admin ? el('td', { class: 'act' }, c.status === 'draft'
          ? el('button', { type: 'button', class: 'btn primary', 'data-open': c.slug }, '开始评议', el('span', { class: 'sr' }, `：${c.title}`)) : null) : null)));
      if (!camps.length) tb.replaceChildren(el('tr', null, el('td', { colspan: admin ? 6 : 5, class: 'muted' }, '还没有评议活动。')));
    } catch (e) {
      if (e.status !== 401) show('list-err', e.message);
    }
    if (admin) M.startOutbox();
  }

  // ---------- a campaign ----------
  const camp = () => (S.camps || []).find((c) => c.slug === S.slug);

  async function openCampaign(slug, tab) {
    const fresh = S.slug !== slug;
    if (fresh) {
      M.stopLive();
      S.slug = slug;
      S.prog = S.res = S.audit = null;
      S.resView = 'formula';
      S.flaggedRule = null;
      S.keys = {};
      view('campaign');
      $('v-campaign').hidden = false;
      $('c-title').textContent = '正在加载…';
      $('c-crumb').textContent = '';
      for (const id of ['live-err', 'res-err', 'a-err']) show(id);
      $('a-filter').value = '';
      M.resetTabs();
      M.resetRemind();
      M.resetSettings();
      try {
        if (!camp()) await loadCamps();
      } catch (e) {
        if (e.status !== 401) show('live-err', e.message);
        return;
      }
      if (S.slug !== slug) return;
      if (!camp()) {
        $('c-title').textContent = '没有这项评议活动';
        return;
      }
      header();
      M.startLive();
    }
    view('campaign');
    selectTab(tab);
    if (fresh) $('c-title').focus();
  }

  function header() {
    const c = camp();
    if (!c) return;
    $('c-title').textContent = c.title;
    $('c-crumb').textContent = c.title;
    $('c-slug').textContent = c.slug;
    const st = $('c-status');
    st.textContent = STATUS[c.status] || c.status;
    st.className = `chip ${c.status}`;
    document.title = `${c.title} · 民评评议工作台`;
  }

  function selectTab(tab) {
    S.tab = tab;
    for (const t of TABS) {
      const on = t === tab;
      $(`t-${t}`).setAttribute('aria-selected', String(on));
      $(`t-${t}`).tabIndex = on ? 0 : -1;
      $(`p-${t}`).hidden = !on;
    }
    if (tab === 'live') { S.keys = {}; M.renderLive(); }
    if (tab === 'results') M.loadResults(false);
    if (tab === 'export') M.renderExports();
    if (tab === 'audit') { M.loadAudit(); M.loadApprovals(); }
    if (tab === 'remind') { M.fillNRSelects(); M.loadNR(); M.remindShow(); }
    if (tab === 'settings') M.loadSettings();
    if (tab === 'feedback') { M.fillUnits(); M.loadFB(); }
    if (tab === 'roster') M.rosterLinks();
  }
  const goTab = (tab) => { location.hash = `#/c/${S.slug}/${tab}`; };

  // ---------- a confirmation dialog (opening a campaign, re-issuing an invitation, sending reminders) ----------
  // o: { title, body: [text…], ok, run: async () => result, then(result), fail(error) → true when handled }
  function ask(o) {
    $('ask-h').textContent = o.title;
    $('ask-d').replaceChildren(...o.body.map((t) => el('p', null, t)));
    $('ask-ok').textContent = o.ok;
    show('ask-err');
    S.asking = o;
    $('ask-dlg').showModal();
    $('ask-cancel').focus();
  }
  async function askOk() {
    const o = S.asking, ok = $('ask-ok'), cancel = $('ask-cancel');
    if (!o || ok.disabled) return;
    ok.disabled = cancel.disabled = true;
    ok.textContent = '正在处理…';
    let result, failed = null;
    try { result = await o.run(); } catch (e) { failed = e; }
    ok.disabled = cancel.disabled = false;
    ok.textContent = o.ok;
    if (failed && !(failed.status === 401 || (o.fail && o.fail(failed)))) return show('ask-err', failed.message);
    $('ask-dlg').close();
    if (!failed && o.then) o.then(result);
  }
  async function busy(id, label, fn) {
    const b = $(id), was = b.textContent;
    b.disabled = true;
    b.textContent = label;
    try { return await fn(); } finally { b.disabled = false; b.textContent = was; }
  }
  function fill(id, names, all) {
    const sel = $(id), v = sel.value;
    sel.replaceChildren(el('option', { value: '' }, all), ...names.map((n) => el('option', { value: n }, n)));
    sel.value = names.includes(v) ? v : '';
  }
  function focusRow(slug) {
    const a = $('list-table').querySelector(`tr[data-slug="${CSS.escape(slug)}"] a`);
    if (a) a.focus();
  }

  // ---------- campaign setup (admin, on the list) ----------
  async function createCamp(ev) {
    ev.preventDefault();
    const f = $('cf-file').files[0];
    show('cf-err');
    show('list-note');
    if (!f) { show('cf-err', '请先选择活动文件（.toml）'); return $('cf-file').focus(); }
    try {
      const r = await busy('cf-btn', '正在创建…', () => api('POST', '/campaigns', f));
      $('cf-file').value = '';
      await showList(false);
      show('list-note', `已创建评议活动“${r.slug}”，状态为草稿。请进入该活动导入评议团名单，核对无误后点击“开始评议”。`);
      focusRow(r.slug);
    } catch (e) {
      if (e.status !== 401) show('cf-err', e.code === 'campaign_exists' ? `${e.message}。请修改活动文件中的标识（slug）后重试。` : e.message);
    }
  }
  function askOpen(slug) {
    const c = (S.camps || []).find((x) => x.slug === slug);
    if (!c) return;
    ask({
      title: '开始评议？',
      body: [`“${c.title}”开始后即接收选票：评议团成员可用邀请链接或邀请码投票。`,
        `目前已为 ${num(c.invitations)} 名成员生成邀请。评议开始后不能退回草稿状态。`],
      ok: '确认开始评议',
      run: () => api('POST', `/campaigns/${enc(slug)}/open`),
      then: async () => {
        await showList(false);
        show('list-note', `“${c.title}”已开始评议。`);
        focusRow(slug);
      },
    });
  }

  Object.assign(M, { API, CLASS, S, $, enc, el, sv, show, num, pct1, pct, weight, pad, cst, fmtTime, fmtClock,
    fmtHour, className, flagText, announce, api, showSignin, signedIn, signIn, signOut, route, loadCamps, camp,
    header, goTab, ask, askOk, busy, fill, focusRow, showList, createCamp, askOpen });
})();
