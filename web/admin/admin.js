// 民评 staff console (作风办 / 督查办). No framework, no external resources; every text that
// comes from the API goes into the page through textContent or text nodes, never as HTML.
'use strict';
(() => {
  const API = '/api/v1/admin';
  const ROLE = { admin: '管理员', monitor: '作风办工作人员', auditor: '督查人员' };
  const STATUS = { draft: '草稿', open: '进行中', closed: '已结束' };
  const CLASS = { panel: '评议团', public: '社会公众' };
  const TABS = ['live', 'results', 'remind', 'feedback', 'roster', 'export', 'audit'];
  const ACTIONS = {
    'staff.sign_in': '登录', 'staff.sign_out': '退出登录', 'user.add': '添加工作人员',
    'campaign.create': '创建评议', 'campaign.open': '开始评议', 'campaign.formula': '修改计分规则',
    'campaign.close': '结束评议', 'results.freeze': '封存结果', 'roster.import': '导入评议团名单',
    'invitation.reissue': '补发邀请', 'export.letters': '打印邀请函', 'export.invitations.csv': '导出邀请链接',
  };
  const FILES = [
    ['results.xlsx', '结果工作簿（Excel）', '每个类别一张表，另含计票明细、计分规则与结果指纹、意见建议。'],
    ['results.csv', '结果表（CSV）', '全部单位的得分、满意率与排名；UTF-8 编码，Excel 可直接打开。'],
    ['results.json', '结果数据（JSON）', '供考评系统读取的机器格式，字段含义见计分说明。'],
    ['ballots.jsonl', '匿名选票（JSON Lines）', '每行一张选票，不含身份、回执和意见文字；可用 minping verify 复核全部结果与指纹。评议结束后才能导出。'],
    ['receipts.txt', '回执清单（文本）', '全部回执，每行一个，供评议人核对自己的选票已计入；看不出哪张回执对应哪张选票。'],
  ];
  const AUDIT_MAX = 1000;
  const NR_MAX = 2000;

  const S = { me: null, camps: null, slug: null, tab: null, prog: null, res: null, audit: null, es: null, timer: null, keys: {},
    nr: null, nrAt: null, nrSeq: 0, fb: null, fbSeq: 0, fbTimer: null, sel: {}, asking: null };
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
      case 'segment_missing': return `缺少${seg}有效票`;
      case 'segment_unweighted': return `${seg}未设权重`;
      case 'flagged_ballots_excluded': return '可疑票未计入';
      case 'below_minimum': return '有效票不足，不排名';
      case 'not_ranked': return '只评不排';
      case 'indistinguishable_from_neighbour': return '与相邻名次差异不显著';
      default: return f;
    }
  }
  function announce(msg) { const a = $('announce'); a.textContent = ''; setTimeout(() => { a.textContent = msg; }, 50); }
  const store = {
    get(k) { try { return localStorage.getItem(k); } catch { return null; } },
    set(k, v) { try { localStorage.setItem(k, v); } catch { /* private mode */ } },
  };

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
      throw Object.assign(new Error((data && data.message) || `服务器暂时无法处理（${res.status}），请稍后重试`), { status: res.status, code: data && data.error, details: data && data.details });
    }
    return data;
  }

  // ---------- views and session ----------
  function view(name) {
    for (const v of ['signin', 'list', 'campaign']) $(`v-${v}`).hidden = v !== name;
    $('boot').hidden = true;
    if (name !== 'campaign') { stopLive(); S.slug = null; }
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
    $('t-roster').hidden = !isAdmin();
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
    if ((tab === 'audit' && !canAudit()) || (tab === 'roster' && !isAdmin())) tab = 'live';
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
  }

  // ---------- a campaign ----------
  const camp = () => (S.camps || []).find((c) => c.slug === S.slug);

  async function openCampaign(slug, tab) {
    const fresh = S.slug !== slug;
    if (fresh) {
      stopLive();
      S.slug = slug;
      S.prog = S.res = S.audit = null;
      S.keys = {};
      view('campaign');
      $('v-campaign').hidden = false;
      $('c-title').textContent = '正在加载…';
      $('c-crumb').textContent = '';
      const t = Number(store.get(`minping.admin.target.${slug}`));
      $('target').value = t >= 1 && t <= 100 ? t : 80;
      for (const id of ['live-err', 'res-err', 'a-err']) show(id);
      $('a-filter').value = '';
      resetTabs();
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
      startLive();
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
    if (tab === 'live') { S.keys = {}; renderLive(); }
    if (tab === 'results') loadResults(false);
    if (tab === 'export') renderExports();
    if (tab === 'audit') loadAudit();
    if (tab === 'remind') { fillNRSelects(); loadNR(); }
    if (tab === 'feedback') { fillUnits(); loadFB(); }
    if (tab === 'roster') rosterLinks();
  }
  const goTab = (tab) => { location.hash = `#/c/${S.slug}/${tab}`; };

  // ---------- live progress ----------
  function stopLive() {
    if (S.es) { S.es.close(); S.es = null; }
    clearTimeout(S.timer);
    S.timer = null;
  }
  function startLive() {
    stopLive();
    const slug = S.slug;
    const url = `/campaigns/${encodeURIComponent(slug)}/progress`;
    poll(slug, url, true);
    if (!window.EventSource) return;
    conn('connecting');
    const es = new EventSource(`${API}${url}/stream`);
    S.es = es;
    es.addEventListener('progress', (ev) => {
      let p;
      try { p = JSON.parse(ev.data); } catch { return; }
      got(p, 'sse');
    });
    es.onerror = () => {
      if (S.es !== es) return;
      es.close();
      S.es = null;
      conn('poll');
      S.timer = setTimeout(() => poll(slug, url, false, 1), 5000);
    };
  }
  // once (first paint), or every 5 s while the stream is down; every minute the stream is tried again
  async function poll(slug, url, once, n) {
    if (S.slug !== slug) return;
    try {
      got(await api('GET', url), once ? null : 'poll');
    } catch (e) {
      if (e.status === 401 || S.slug !== slug) return;
      show('live-err', `实时数据暂时无法更新：${e.message}`);
      if (!once) conn('down');
    }
    if (once || S.slug !== slug || S.es) return;
    if (n % 12 === 0 && window.EventSource) return startLive();
    S.timer = setTimeout(() => poll(slug, url, false, n + 1), 5000);
  }
  function conn(how) {
    const txt = { sse: '实时推送', poll: '每 5 秒自动刷新', down: '连接中断，正在重试', connecting: '正在连接…' }[how];
    $('s-conn').textContent = txt;
    $('s-dot').className = `dot ${how}`;
  }
  function got(p, how) {
    if (!p || p.slug !== S.slug) return;
    if (how) conn(how);
    show('live-err');
    S.prog = p;
    const c = camp();
    if (c && (c.status !== p.status || c.ballots !== p.ballots)) {
      const closedNow = c.status !== p.status && p.status === 'closed';
      c.status = p.status;
      c.ballots = p.ballots;
      header();
      if (S.tab === 'export') renderExports();
      if (closedNow && S.res && S.res.status !== 'final') { S.res = null; if (S.tab === 'results') loadResults(false); }
    }
    if (S.tab === 'live') renderLive();
    if (S.tab === 'results' && S.res) resMeta();
    if (S.tab === 'remind') {
      fillNRSelects();
      // someone answered (or the roster grew): the list is out of date
      if (S.nr && p.panel && `${p.panel.invited}/${p.panel.responded}` !== S.nrAt) loadNR();
    }
    if (S.tab === 'feedback') fillUnits();
  }

  function renderLive() {
    const p = S.prog;
    if (!p) return;
    const hourStart = p.at - (p.at % 3600);
    const thisHour = (p.by_hour.find((b) => b.hour === hourStart) || {}).ballots || 0;
    $('s-ballots').textContent = num(p.ballots);
    $('s-ballots-sub').textContent = `本小时 ${num(thisHour)} 张`;
    const pn = p.panel || { invited: 0, responded: 0 };
    $('s-rate').textContent = pn.invited ? pct1(pn.responded / pn.invited) : '—';
    $('s-rate-sub').textContent = `已回收 ${num(pn.responded)} / 受邀 ${num(pn.invited)} 人`;
    const risk = p.units.filter((u) => u.valid_n < p.min_valid).length;
    $('s-risk').textContent = num(risk);
    $('s-risk').classList.toggle('warn', risk > 0);
    $('s-risk-sub').textContent = `共 ${p.units.length} 个单位，少于 ${p.min_valid} 张不排名`;
    $('s-at').textContent = fmtClock(p.at);
    const w = $('hourly').clientWidth;
    const range = $('hour-range').value;
    once('hourly', [p.by_hour, hourStart, range, w], hourly);
    const target = targetValue();
    once('panel', [pn, target], panel);
    once('units', [p.units, p.min_valid, $('only-risk').checked], units);
  }
  // redraw a part only when what it shows has changed (keeps a screen reader's place)
  function once(part, deps, draw) {
    const key = JSON.stringify(deps);
    if (S.keys[part] === key) return;
    S.keys[part] = key;
    draw();
  }

  function niceStep(max) {
    const raw = Math.max(max, 1) / 4;
    const p = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
    return Math.max(1, step);
  }

  function hourly() {
    const p = S.prog, box = $('hourly');
    const W = Math.max(box.clientWidth, 320), H = 250, L = 48, R = 12, T = 30, B = 44;
    const range = Number($('hour-range').value);
    const end = p.at - (p.at % 3600), start = end - (range - 1) * 3600;
    const by = new Map(p.by_hour.map((b) => [b.hour, b.ballots]));
    const data = [];
    for (let h = start; h <= end; h += 3600) data.push([h, by.get(h) || 0]);
    const total = data.reduce((a, d) => a + d[1], 0);
    const earlier = p.by_hour.filter((b) => b.hour < start).reduce((a, b) => a + b.ballots, 0);
    const peak = data.reduce((a, d) => (d[1] > a[1] ? d : a), [0, 0]);
    const step = niceStep(peak[1]);
    const top = Math.max(step, Math.ceil(peak[1] / step) * step);
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const bw = (W - L - R) / data.length;
    const summary = `最近 ${range} 小时共收到 ${num(total)} 张选票` +
      (peak[1] ? `，最多的时段是 ${fmtHour(peak[0])}（${num(peak[1])} 张）` : '') +
      (earlier ? `；此前另有 ${num(earlier)} 张` : '') + '。';
    const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `柱状图：${summary}逐小时数据见下表。`, class: 'hchart' });
    for (let v = 0; v <= top; v += step) {
      svg.append(sv('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: v ? 'grid' : 'axis' }));
      svg.append(sv('text', { x: L - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, num(v)));
    }
    const every = [1, 2, 3, 4, 6, 12, 24].find((k) => k * bw >= 52) || 24;
    const gap = bw > 6 ? Math.min(bw * 0.18, 6) : 0.5;
    data.forEach(([h, v], i) => {
      const x = L + i * bw;
      const t = cst(h);
      if (v) {
        const r = sv('rect', { x: x + gap / 2, y: y(v), width: Math.max(bw - gap, 1), height: Math.max(y(0) - y(v), 1), class: h === end ? 'bar now' : 'bar' });
        r.append(sv('title', null, `${fmtHour(h)}：${v} 张`));
        svg.append(r);
      }
      if (t.h % every === 0) {
        const cx = x + bw / 2;
        svg.append(sv('line', { x1: cx, x2: cx, y1: y(0), y2: y(0) + 4, class: 'axis' }));
        svg.append(sv('text', { x: cx, y: H - B + 18, 'text-anchor': 'middle', class: 'tick' }, `${pad(t.h)}:00`));
        if (t.h === 0 || i < every) svg.append(sv('text', { x: cx, y: H - B + 34, 'text-anchor': 'middle', class: 'tick date' }, `${t.mo}月${t.d}日`));
      }
    });
    svg.append(sv('text', { x: 0, y: 11, class: 'tick' }, '选票（张）'));
    box.replaceChildren(svg, el('p', { class: 'hint', 'aria-hidden': 'true' }, summary + (total ? '' : '该时段内没有收到选票。')));
    $('hourly-table').tBodies[0].replaceChildren(...data.filter((d) => d[1]).map(([h, v]) =>
      el('tr', null, el('td', null, fmtHour(h)), el('td', null, `${v} 张`))));
  }

  function targetValue() {
    const v = Number($('target').value);
    return v >= 1 && v <= 100 ? v : 80;
  }
  function bar(frac, mark, cls) {
    const fill = el('span', { class: `fill ${cls}` });
    fill.style.width = `${Math.min(100, Math.max(0, frac * 100))}%`;
    const m = el('span', { class: 'mark' });
    m.style.left = `${Math.min(100, mark * 100)}%`;
    return el('span', { class: 'track' }, fill, m);
  }
  function panel() {
    const target = targetValue();
    for (const [id, rows, what] of [['by-segment', S.prog.panel.by_segment, '界别'], ['by-district', S.prog.panel.by_district, '区县']]) {
      const tb = $(id).tBodies[0];
      if (!rows || !rows.length) { tb.replaceChildren(el('tr', null, el('td', { colspan: 4, class: 'muted' }, `没有按${what}统计的数据。`))); continue; }
      tb.replaceChildren(...rows.map((r) => {
        const rate = r.invited ? r.responded / r.invited : null;
        const low = rate != null && rate * 100 < target;
        return el('tr', { class: low ? 'low' : null },
          el('th', { scope: 'row' }, r.name),
          el('td', { class: 'barcell', 'aria-hidden': 'true' }, bar(rate || 0, target / 100, low ? 'amber' : 'blue')),
          el('td', { class: 'num' }, pct1(rate), low ? el('span', { class: 'tag amber' }, '低于目标') : null),
          el('td', { class: 'num muted' }, `${num(r.responded)} / ${num(r.invited)}`));
      }));
    }
  }
  function units() {
    const p = S.prog, min = p.min_valid, only = $('only-risk').checked;
    const scale = Math.max(min, ...p.units.map((u) => u.valid_n)) * 1.08 || 1;
    const cats = [];
    for (const u of p.units) {
      let c = cats.find((x) => x.code === u.category);
      if (!c) cats.push(c = { code: u.category, name: u.category_name || u.category, units: [] });
      c.units.push(u);
    }
    $('units-hint').textContent = `竖线为最低有效票数 ${min} 张。有效票少于 ${min} 张的单位不参加排名，以红色标出“不足”。`;
    $('units').replaceChildren(...cats.map((c) => {
      const risky = c.units.filter((u) => u.valid_n < min);
      const shown = only ? risky : c.units;
      const hid = `cat-${c.code}`;
      return el('section', { class: 'cat', 'aria-labelledby': hid },
        el('h3', { id: hid }, c.name, el('span', { class: risky.length ? 'sub warn' : 'sub' }, `${c.units.length} 个单位，${risky.length} 个不足`)),
        shown.length ? el('table', { class: 'bars units' },
          el('caption', { class: 'sr' }, `${c.name}：各单位有效票（最低 ${min} 张）`),
          el('colgroup', null, el('col', { class: 'c-name' }), el('col'), el('col', { class: 'c-n' })),
          el('thead', { class: 'sr' }, el('tr', null, el('th', { scope: 'col' }, '单位'), el('th', { scope: 'col' }, '图示'), el('th', { scope: 'col' }, '有效票'))),
          el('tbody', null, shown.map((u) => {
            const low = u.valid_n < min;
            return el('tr', { class: low ? 'risk' : null },
              el('th', { scope: 'row' }, u.name),
              el('td', { class: 'barcell', 'aria-hidden': 'true' }, bar(u.valid_n / scale, min / scale, low ? 'red' : 'blue')),
              el('td', { class: 'num' }, num(u.valid_n), low ? el('span', { class: 'tag red' }, '不足') : null));
          }))) : el('p', { class: 'hint' }, `本类别各单位有效票均已达到 ${min} 张。`));
    }));
  }

  // ---------- results ----------
  async function loadResults(force) {
    const slug = S.slug;
    if (S.res && !force) return renderResults();
    $('r-meta').textContent = '正在计算结果…';
    $('r-refresh').disabled = true;
    try {
      const doc = await api('GET', `/campaigns/${encodeURIComponent(slug)}/results`);
      if (S.slug !== slug) return;
      S.res = doc;
      show('res-err');
      renderResults();
      if (force) announce('结果已刷新。');
    } catch (e) {
      if (e.status !== 401) show('res-err', e.message);
      $('r-meta').textContent = '';
    } finally {
      $('r-refresh').disabled = false;
    }
  }
  function resMeta() {
    const r = S.res, final = r.status === 'final';
    const b = $('r-badge');
    b.textContent = final ? '最终结果' : '临时结果';
    b.className = `badge ${final ? 'final' : 'provisional'}`;
    const stale = !final && S.prog && S.prog.ballots !== r.ballots;
    $('r-meta').textContent = `${num(r.ballots)} 张选票 · 计算于 ${fmtTime(r.computed_at)}（北京时间）` +
      (final ? ' · 已封存，不再变化' : ' · 评议进行中，结果会随新选票变化') +
      (stale ? ` · 现已收到 ${num(S.prog.ballots)} 张，请刷新` : '');
    $('r-fp-line').hidden = !(final && r.fingerprint);
    $('r-fp').textContent = r.fingerprint || '';
    const c = camp();
    $('r-close').hidden = !(S.me.role === 'admin' && !final && c && c.status === 'open');
  }
  function renderResults() {
    const r = S.res;
    if (!r) return;
    resMeta();
    const f = r.formula || {}, labels = Object.fromEntries((r.scale || []).map((o) => [o.code, o.label]));
    const parts = [];
    if (f.class_weights) parts.push(Object.entries(f.class_weights).map(([k, v]) => `${className(k)} ${weight(v)}`).join('、'));
    if (f.points) {
      const order = (r.scale || []).map((o) => o.code).filter((k) => k in f.points);
      for (const k of Object.keys(f.points)) if (!order.includes(k)) order.push(k);
      const invalid = (r.scale || []).filter((o) => !(o.code in f.points)).map((o) => `“${o.label}”`);
      parts.push(order.map((k) => `${labels[k] || k} ${f.points[k]} 分`).join('、') + (invalid.length ? `，${invalid.join('、')}不计入有效票` : ''));
    }
    if (f.min_valid != null) parts.push(`有效票不少于 ${f.min_valid} 张方参加排名`);
    if (f.component_points) parts.push(`折算分值满分 ${f.component_points} 分`);
    if (f.rounding) parts.push(`保留 ${f.decimals} 位小数，${f.rounding === 'half_even' ? '四舍六入五成双' : '四舍五入'}`);
    $('r-formula').textContent = `计分规则：${parts.join('；')}。满意率后的小字为 95% 置信区间（Wilson）。`;
    const o = r.results.overall;
    $('r-overall').replaceChildren(...[['单位', num(o.units)], ['有得分', num(o.scored_units)], ['参加排名', num(o.ranked_units)],
      ['有效评价', num(o.valid_n)], ['总体满意率', pct(o.satisfaction_rate)], ['平均折算分值', o.mean_score_component || '—']]
      .map(([k, v]) => el('div', null, el('dt', null, k), el('dd', null, v))));
    const classes = [];
    for (const u of r.results.units) for (const k of Object.keys(u.class_scores || {})) if (!classes.includes(k)) classes.push(k);
    classes.sort((a, b) => (a in CLASS ? Object.keys(CLASS).indexOf(a) : 9) - (b in CLASS ? Object.keys(CLASS).indexOf(b) : 9));
    $('r-cats').replaceChildren(...r.results.categories.map((cat) => {
      const us = r.results.units.filter((u) => u.category === cat.code);
      us.sort((a, b) => (a.rank == null) - (b.rank == null) || (a.rank || 0) - (b.rank || 0));
      const hid = `rc-${cat.code}`;
      const tied = (u) => u.rank != null && us.filter((x) => x.rank === u.rank).length > 1;
      return el('section', { class: 'card flush rcat', 'aria-labelledby': hid, 'data-category': cat.code },
        el('div', { class: 'rcat-head' },
          el('h2', { id: hid }, cat.name),
          el('p', { class: 'muted' }, `${cat.units} 个单位，${cat.ranked_units} 个参加排名 · 满意率 ${pct(cat.satisfaction_rate)} · 平均折算分值 ${cat.mean_score_component || '—'}` +
            (cat.flagged_n ? ` · 可疑评价 ${num(cat.flagged_n)} 条` : ''))),
        el('div', { class: 'scroll' }, el('table', { class: 'grid results' },
          el('caption', { class: 'sr' }, `${cat.name}：排名与得分`),
          el('thead', null, el('tr', null,
            el('th', { scope: 'col', class: 'num' }, '排名'), el('th', { scope: 'col' }, '单位'), el('th', { scope: 'col', class: 'num' }, '有效票'),
            el('th', { scope: 'col', class: 'num' }, '满意率'), classes.map((k) => el('th', { scope: 'col', class: 'num' }, className(k))),
            el('th', { scope: 'col', class: 'num' }, '综合得分'), el('th', { scope: 'col', class: 'num' }, '折算分值'), el('th', { scope: 'col' }, '说明'))),
          el('tbody', null, us.map((u) => el('tr', { 'data-unit': u.code, class: u.rank == null ? 'unranked' : null },
            el('td', { class: 'num rank' }, u.rank == null ? el('span', { title: '不排名' }, '—', el('span', { class: 'sr' }, '不排名')) : String(u.rank),
              tied(u) ? el('span', { class: 'small' }, '并列') : null),
            el('th', { scope: 'row' }, u.name, el('span', { class: 'small mono' }, u.code)),
            el('td', { class: 'num' }, num(u.valid_n)),
            el('td', { class: 'num' }, pct(u.satisfaction_rate),
              u.wilson_low != null ? el('span', { class: 'small', title: '95% 置信区间（Wilson）' }, `${pct(u.wilson_low)}–${pct(u.wilson_high)}`) : null),
            classes.map((k) => el('td', { class: 'num' }, (u.class_scores || {})[k] || '—')),
            el('td', { class: 'num' }, u.unit_score || '—'),
            el('td', { class: 'num strong' }, u.score_component || '—'),
            el('td', null, (u.flags || []).map((f) => el('span', { class: `flag ${f.split(':')[0]}`, title: f }, flagText(f))))))))));
    }));
  }

  function openClose() {
    const c = camp();
    $('close-count').textContent = `目前已收到 ${num(S.prog ? S.prog.ballots : c && c.ballots)} 张选票。`;
    show('close-err');
    $('close-dlg').showModal();
    $('close-cancel').focus();
  }
  async function confirmClose() {
    const ok = $('close-ok'), slug = S.slug;
    ok.disabled = $('close-cancel').disabled = true;
    ok.textContent = '正在封存…';
    try {
      const doc = await api('POST', `/campaigns/${encodeURIComponent(slug)}/close`);
      S.res = doc;
      const c = camp();
      if (c) { c.status = 'closed'; header(); }
      $('close-dlg').close();
      renderResults();
      $('r-badge').focus();
      announce('评议已结束，最终结果已封存。');
    } catch (e) {
      show('close-err', e.message);
    } finally {
      ok.disabled = $('close-cancel').disabled = false;
      ok.textContent = '确认结束并封存';
    }
  }

  // ---------- a confirmation dialog (opening a campaign, re-issuing an invitation) ----------
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

  // ---------- roster (admin) ----------
  function rosterLinks() {
    const slug = S.slug, base = `${API}/campaigns/${enc(slug)}`;
    $('inv-csv').href = `${base}/invitations.csv`;
    $('inv-csv').download = `${slug}-invitations.csv`;
    $('inv-csv-name').textContent = `${slug}-invitations.csv`;
    $('inv-letters').href = `${base}/letters`;
  }
  function rosterOut() {
    show('ro-err');
    show('ro-ok');
    $('ro-faults').hidden = $('ro-members').hidden = true;
  }
  async function importRoster(ev) {
    ev.preventDefault();
    const f = $('ro-file').files[0], slug = S.slug;
    rosterOut();
    if (!f) { show('ro-err', '请先选择名单文件（.csv 或 .xlsx）'); return $('ro-file').focus(); }
    try {
      const r = await busy('ro-btn', '正在导入…', () => api('POST', `/campaigns/${enc(slug)}/roster`, f));
      $('ro-file').value = '';
      show('ro-ok', `导入成功：共导入 ${num(r.imported)} 名成员，已为每人生成邀请。请下载邀请链接交短信平台发送，或打印邀请函。`);
      $('ro-ok').dataset.imported = r.imported;
      loadCamps().then(() => { if (S.slug === slug) header(); }, () => {});
    } catch (e) {
      if (e.status === 401 || S.slug !== slug) return;
      const d = e.details || {};
      if (e.code === 'invalid_rows' && Array.isArray(d.rows)) {
        const lines = new Set(d.rows.map((r) => r.row)).size;
        show('ro-err', `名单未导入：共发现 ${d.rows.length} 处错误，涉及 ${lines} 行，没有导入任何成员。请按下表逐项修改后，重新导入整份名单（行号按电子表格计，第 1 行为表头）。`);
        $('ro-faults').tBodies[0].replaceChildren(...d.rows.map((r) => el('tr', { 'data-row': r.row },
          el('td', { class: 'num' }, String(r.row)), el('td', null, r.column || '整个文件'), el('td', null, r.reason))));
        $('ro-faults').hidden = false;
      } else if (e.code === 'already_invited' && Array.isArray(d.members)) {
        show('ro-err', `名单未导入：以下 ${d.members.length} 名成员已有邀请，没有导入任何成员。请从名单中删去这些成员后重新导入；成员遗失邀请的，请用下方“补发邀请”。`);
        $('ro-members').replaceChildren(...d.members.map((m) => el('li', { class: 'mono' }, m)));
        $('ro-members').hidden = false;
      } else show('ro-err', e.message);
    }
  }
  function askReissue(ev) {
    ev.preventDefault();
    const code = $('ri-code').value.trim(), slug = S.slug;
    show('ri-err');
    if (!code) { show('ri-err', '请输入成员编号'); return $('ri-code').focus(); }
    ask({
      title: `为成员 ${code} 补发邀请？`,
      body: ['补发后，该成员原来的邀请链接和邀请码立即失效，不能再用来投票。', '请核对成员编号，并把新的邀请链接或邀请函交给成员本人。'],
      ok: '确认补发',
      run: () => api('POST', `/campaigns/${enc(slug)}/invitations/${enc(code)}/reissue`),
      fail: (e) => {
        if (e.code !== 'unknown_member') return false;
        show('ri-err', `没有成员编号为“${code}”的评议团成员（${e.message}），请核对后重试。`);
        $('ri-out').hidden = true;
        setTimeout(() => $('ri-code').select(), 0);
        return true;
      },
      then: (line) => {
        if (S.slug !== slug) return;
        $('ri-ok').textContent = `已为成员 ${line.member_code} 补发邀请（${line.segment} · ${line.district}），原邀请已失效。`;
        $('ri-short').textContent = line.short_code;
        $('ri-url').textContent = line.url;
        $('ri-letter').href = `${API}/campaigns/${enc(slug)}/letters?member=${enc(line.member_code)}`;
        $('ri-out').hidden = false;
        $('ri-out').focus();
      },
    });
  }

  // ---------- non-responders (催办) ----------
  function fillNRSelects() {
    const p = S.prog && S.prog.panel, all = S.nr && S.nr.all;
    const names = (rows, key) => {
      const out = (rows || []).map((r) => r.name);
      for (const m of all || []) if (!out.includes(m[key])) out.push(m[key]);
      return out;
    };
    const seg = names(p && p.by_segment, 'segment'), dist = names(p && p.by_district, 'district');
    const key = JSON.stringify([seg, dist]);
    if (S.sel.nr === key) return;
    S.sel.nr = key;
    fill('nr-seg', seg, '全部界别');
    fill('nr-dist', dist, '全部区县');
  }
  async function loadNR() {
    const slug = S.slug, seq = ++S.nrSeq, q = new URLSearchParams();
    const seg = $('nr-seg').value, dist = $('nr-dist').value;
    if (seg) q.set('segment', seg);
    if (dist) q.set('district', dist);
    const csv = new URLSearchParams(q);
    csv.set('format', 'csv');
    const base = `${API}/campaigns/${enc(slug)}/non-responders`;
    $('nr-csv').href = `${base}?${csv}`;
    $('nr-csv').download = `${slug}-non-responders.csv`;
    const p = S.prog && S.prog.panel, at = p ? `${p.invited}/${p.responded}` : null;
    if (!S.nr) $('nr-count').textContent = '正在加载…';
    try {
      const r = await api('GET', `/campaigns/${enc(slug)}/non-responders${String(q) ? `?${q}` : ''}`);
      if (seq !== S.nrSeq || slug !== S.slug) return;
      show('nr-err');
      r.all = !seg && !dist ? r.members : (S.nr && S.nr.all) || null;
      S.nr = r;
      S.nrAt = at;
      fillNRSelects();
      renderNR(seg, dist);
    } catch (e) {
      if (seq !== S.nrSeq) return;
      $('nr-count').textContent = '';
      if (e.status !== 401) show('nr-err', e.message);
    }
  }
  function renderNR(seg, dist) {
    const r = S.nr, p = S.prog && S.prog.panel;
    const where = [seg && `界别“${seg}”`, dist && `区县“${dist}”`].filter(Boolean).join('、');
    $('nr-count').replaceChildren(where ? `${where}：` : '', '共 ', el('strong', { id: 'nr-n' }, num(r.count)), ' 名成员尚未提交选票',
      !where && p ? `（评议团 ${num(p.invited)} 人，已提交 ${num(p.responded)} 人）` : '',
      r.members.length > NR_MAX ? `；下表只列出前 ${num(NR_MAX)} 名，完整名单请下载 CSV` : '', '。');
    const tb = $('nr-table').tBodies[0];
    tb.replaceChildren(...r.members.slice(0, NR_MAX).map((m) => el('tr', null,
      el('td', { class: 'mono' }, m.member_code), el('td', null, m.segment), el('td', null, m.district))));
    if (!r.members.length) tb.replaceChildren(el('tr', null, el('td', { colspan: 3, class: 'muted' }, where ? '符合条件的成员都已提交选票。' : '评议团成员都已提交选票。')));
  }

  // ---------- feedback (意见建议) ----------
  function fillUnits() {
    const us = [...((S.prog && S.prog.units) || [])];
    for (const i of (S.fb && S.fb.items) || []) if (i.unit && !us.some((u) => u.code === i.unit)) us.push({ code: i.unit, name: i.unit_name });
    const key = us.map((u) => u.code).join();
    if (S.sel.fb === key) return;
    S.sel.fb = key;
    const sel = $('fb-unit'), v = sel.value, groups = [];
    for (const u of us) {
      const name = u.category_name || '其他';
      let g = groups.find((x) => x.name === name);
      if (!g) groups.push(g = { name, units: [] });
      g.units.push(u);
    }
    sel.replaceChildren(el('option', { value: '' }, '全部单位'), ...groups.map((g) => el('optgroup', { label: g.name },
      g.units.map((u) => el('option', { value: u.code }, `${u.name}（${u.code}）`)))));
    sel.value = us.some((u) => u.code === v) ? v : '';
  }
  function fbSoon() {
    clearTimeout(S.fbTimer);
    S.fbTimer = setTimeout(loadFB, 300);
  }
  async function loadFB() {
    clearTimeout(S.fbTimer);
    const slug = S.slug, seq = ++S.fbSeq, q = $('fb-q').value.trim(), unit = $('fb-unit').value;
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (unit) p.set('unit', unit);
    $('fb-count').textContent = '正在查找…';
    try {
      const r = await api('GET', `/campaigns/${enc(slug)}/feedback${String(p) ? `?${p}` : ''}`);
      if (seq !== S.fbSeq || slug !== S.slug) return;
      show('fb-err');
      S.fb = r;
      fillUnits();
      renderFB(q, unit);
    } catch (e) {
      if (seq !== S.fbSeq) return;
      $('fb-count').textContent = '';
      if (e.status !== 401) show('fb-err', e.message);
    }
  }
  // the text with each hit of q marked, as text nodes and <mark>s
  function marked(text, q) {
    if (!q) return [text];
    const out = [];
    let i = 0, j;
    while ((j = text.indexOf(q, i)) >= 0) {
      if (j > i) out.push(text.slice(i, j));
      out.push(el('mark', null, q));
      i = j + q.length;
    }
    if (i < text.length) out.push(text.slice(i));
    return out;
  }
  function renderFB(q, unit) {
    const items = S.fb.items, reasons = items.filter((i) => i.kind === 'reason'), sugg = items.filter((i) => i.kind === 'suggestion');
    const order = ((S.prog && S.prog.units) || []).map((u) => u.code), groups = [];
    for (const r of reasons) {
      let g = groups.find((x) => x.code === r.unit);
      if (!g) groups.push(g = { code: r.unit, name: r.unit_name || r.unit, items: [] });
      g.items.push(r);
    }
    const at = (c) => (order.includes(c) ? order.indexOf(c) : order.length);
    groups.sort((a, b) => at(a.code) - at(b.code));
    const filt = [q && `包含“${q}”`, unit && `单位“${$('fb-unit').selectedOptions[0].textContent}”`].filter(Boolean).join('、');
    $('fb-count').textContent = `${filt ? `符合条件（${filt}）的` : '共收到'}不满意理由 ${num(reasons.length)} 条` +
      (unit ? '' : `、意见建议 ${num(sugg.length)} 条`) + '。';
    $('fb-reasons').replaceChildren(...groups.map((g) => el('section', { class: 'fb-unit', 'data-unit': g.code, 'aria-labelledby': `fb-${g.code}` },
      el('h3', { id: `fb-${g.code}` }, g.name, el('span', { class: 'sub mono' }, g.code), el('span', { class: 'sub' }, `${g.items.length} 条`)),
      el('ol', { class: 'fb-list' }, g.items.map((r) => el('li', { 'data-kind': 'reason' }, marked(r.text, q)))))));
    if (!groups.length) $('fb-reasons').replaceChildren(el('p', { class: 'muted' }, filt ? '没有符合条件的不满意理由。' : '还没有收到不满意的理由。'));
    $('fb-sbox').hidden = !!unit;
    $('fb-sugg').replaceChildren(...sugg.map((r) => el('li', { 'data-kind': 'suggestion' }, marked(r.text, q))));
    if (!sugg.length) $('fb-sugg').replaceChildren(el('li', { class: 'muted none' }, filt ? '没有符合条件的意见建议。' : '还没有收到意见建议。'));
  }

  function resetTabs() {
    S.nr = S.fb = S.nrAt = null;
    S.nrSeq += 1;
    S.fbSeq += 1;
    S.sel = {};
    fill('nr-seg', [], '全部界别');
    fill('nr-dist', [], '全部区县');
    fill('fb-unit', [], '全部单位');
    $('fb-q').value = '';
    for (const id of ['nr-err', 'fb-err', 'ri-err']) show(id);
    for (const id of ['nr-count', 'fb-count']) $(id).textContent = '';
    for (const id of ['fb-reasons', 'fb-sugg']) $(id).replaceChildren();
    $('nr-table').tBodies[0].replaceChildren();
    rosterOut();
    $('ro-file').value = $('ri-code').value = '';
    $('ri-out').hidden = true;
  }

  // ---------- exports ----------
  function renderExports() {
    const c = camp(), slug = S.slug, closed = c && c.status === 'closed';
    $('x-note').textContent = closed
      ? '评议已结束：结果文件为封存的最终结果，附结果指纹。'
      : '评议尚未结束：结果文件为临时结果，会随新选票变化；匿名选票在评议结束后才能导出。';
    $('exports').replaceChildren(...FILES.map(([file, name, what]) => {
      const off = file === 'ballots.jsonl' && !closed;
      const href = `${API}/campaigns/${encodeURIComponent(slug)}/export/${file}`;
      return el('li', { 'data-file': file },
        off ? el('span', { class: 'dl off', 'aria-disabled': 'true' }, name, el('span', { class: 'small' }, '评议结束后可下载'))
          : el('a', { class: 'dl', href, download: `${slug}-${file}` }, name, el('span', { class: 'small mono' }, `${slug}-${file}`)),
        el('p', null, what));
    }));
  }

  // ---------- audit ----------
  async function loadAudit() {
    const slug = S.slug, scope = $('a-scope').value;
    $('a-count').textContent = '正在加载…';
    try {
      const rows = await api('GET', `/audit${scope === 'campaign' ? `?campaign=${encodeURIComponent(slug)}` : ''}`);
      if (S.slug !== slug) return;
      S.audit = rows.slice().sort((a, b) => b.id - a.id);
      show('a-err');
      renderAudit();
    } catch (e) {
      $('a-count').textContent = '';
      if (e.status !== 401) show('a-err', e.message);
    }
  }
  const actionText = (a) => ACTIONS[a] || (a.startsWith('export.') ? `导出 ${a.slice(7)}` : '');
  function renderAudit() {
    if (!S.audit) return;
    const q = $('a-filter').value.trim().toLowerCase();
    const hit = S.audit.filter((r) => !q || [fmtTime(r.at), r.actor, r.action, actionText(r.action), r.detail].join(' ').toLowerCase().includes(q));
    const rows = hit.slice(0, AUDIT_MAX);
    $('a-count').textContent = `共 ${S.audit.length} 条记录` + (q ? `，符合筛选的 ${hit.length} 条` : '') +
      (hit.length > rows.length ? `；只显示最新的 ${rows.length} 条，请用筛选缩小范围` : '');
    $('a-table').tBodies[0].replaceChildren(...rows.map((r) => el('tr', { 'data-action': r.action },
      el('td', { class: 'nowrap' }, fmtTime(r.at)),
      el('td', null, r.actor),
      el('td', null, actionText(r.action), el('span', { class: 'small mono' }, r.action)),
      el('td', { class: 'detail' }, r.detail))));
    if (!rows.length) $('a-table').tBodies[0].replaceChildren(el('tr', null, el('td', { colspan: 4, class: 'muted' }, '没有符合条件的记录。')));
  }

  // ---------- wiring ----------
  function wire() {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', route);
    const tabs = $('tabs');
    tabs.addEventListener('click', (ev) => { const b = ev.target.closest('[role=tab]'); if (b) goTab(b.dataset.tab); });
    tabs.addEventListener('keydown', (ev) => {
      const list = [...tabs.querySelectorAll('[role=tab]:not([hidden])')];
      const i = list.indexOf(document.activeElement);
      const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: list.length - 1 }[ev.key];
      if (i < 0 || j === undefined) return;
      ev.preventDefault();
      const b = list[(j + list.length) % list.length];
      b.focus();
      goTab(b.dataset.tab);
    });
    $('hour-range').addEventListener('change', renderLive);
    $('only-risk').addEventListener('change', renderLive);
    $('target').addEventListener('input', () => {
      const v = Number($('target').value);
      if (v >= 1 && v <= 100 && S.slug) store.set(`minping.admin.target.${S.slug}`, String(v));
      renderLive();
    });
    let resize;
    window.addEventListener('resize', () => { clearTimeout(resize); resize = setTimeout(renderLive, 150); });
    $('r-refresh').addEventListener('click', () => loadResults(true));
    $('r-close').addEventListener('click', openClose);
    $('close-cancel').addEventListener('click', () => $('close-dlg').close());
    $('close-ok').addEventListener('click', confirmClose);
    $('close-dlg').addEventListener('close', () => { if (!$('r-close').hidden) $('r-close').focus(); });
    $('a-filter').addEventListener('input', renderAudit);
    $('a-scope').addEventListener('change', loadAudit);
    $('a-refresh').addEventListener('click', loadAudit);
    $('cf-form').addEventListener('submit', createCamp);
    $('list-table').addEventListener('click', (ev) => { const b = ev.target.closest('button[data-open]'); if (b) askOpen(b.dataset.open); });
    $('ask-cancel').addEventListener('click', () => $('ask-dlg').close());
    $('ask-ok').addEventListener('click', askOk);
    $('ask-dlg').addEventListener('close', () => { S.asking = null; });
    $('ask-dlg').addEventListener('cancel', (ev) => { if ($('ask-ok').disabled) ev.preventDefault(); });
    $('ro-form').addEventListener('submit', importRoster);
    $('ri-form').addEventListener('submit', askReissue);
    $('nr-seg').addEventListener('change', loadNR);
    $('nr-dist').addEventListener('change', loadNR);
    $('nr-refresh').addEventListener('click', loadNR);
    $('fb-q').addEventListener('input', fbSoon);
    $('fb-q').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); loadFB(); } });
    $('fb-unit').addEventListener('change', loadFB);
  }

  async function boot() {
    wire();
    let me = null;
    try {
      me = await api('GET', '/session');
    } catch (e) {
      if (e.status !== 401) show('signin-err', e.message);
    }
    if (me) signedIn(me);
    else showSignin();
  }
  boot();
})();
