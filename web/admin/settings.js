// Admin setup. The 评议设置 tab: the settings that may change while a campaign runs (dates, response
// target, public channel, SMS budget), and replacing a draft from its campaign file. On the campaign list:
// a draft from a unit list, and the SMS outbox of a deployment without an SMS provider.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, enc, el, show, num, fmtTime, api, camp, loadCamps, header, busy, showList, focusRow } = M;

  // the API's field paths → the inputs (each has an error line `${id}-err`)
  const FIELDS = { opens_on: 'st-opens', closes_on: 'st-closes', response_target: 'st-target', 'public.mode': 'st-mode',
    'public.sms_per_hour': 'st-sms', anonymity_threshold: 'st-k' };
  const OUTBOX_EVERY = 5000;

  // ---------- campaign settings ----------
  function resetSettings() {
    S.stFor = null;
    S.stSeq = (S.stSeq || 0) + 1;
    fieldErrors();
    for (const id of ['st-err', 'st-ok', 'rf-err', 'rf-ok']) show(id);
    $('rf-file').value = '';
  }
  function fieldErrors(field, msg) {
    for (const [f, id] of Object.entries(FIELDS)) {
      const on = f === field;
      show(`${id}-err`, on ? msg : '');
      const input = id === 'st-mode' ? null : $(id);
      if (input) input.setAttribute('aria-invalid', String(on));
    }
  }
  const modeInputs = () => [...document.querySelectorAll('input[name="st-mode"]')];

  async function loadSettings() {
    const slug = S.slug, c = camp(), closed = !!c && c.status === 'closed';
    $('st-frozen').hidden = !closed;
    for (const e of $('st-form').elements) e.disabled = closed;
    draftPart(c);
    if (S.stFor === slug) return; // keep what the admin is typing
    const seq = ++S.stSeq;
    try {
      const [pub, prog] = await Promise.all([publicCampaign(slug), api('GET', `/campaigns/${enc(slug)}/progress`)]);
      if (seq !== S.stSeq || S.slug !== slug) return;
      fillForm({ opens_on: pub.opens_on, closes_on: pub.closes_on, response_target: prog.response_target, k: prog.anonymity_threshold,
        mode: (pub.public && pub.public.mode) || 'off', sms_per_hour: prog.public && prog.public.sms ? prog.public.sms.campaign_per_hour : null,
        sms_default: prog.public && prog.public.sms ? prog.public.sms.per_hour : null });
      S.stFor = slug;
      show('st-err');
    } catch (e) {
      if (e.status !== 401 && seq === S.stSeq) show('st-err', `无法读取当前设置：${e.message}`);
    }
  }
  // the survey's own view of the campaign: its public mode and dates
  async function publicCampaign(slug) {
    let res;
    try { res = await fetch(`/api/v1/campaigns/${enc(slug)}`, { cache: 'no-store', headers: { Accept: 'application/json' } }); } catch {
      throw new Error('无法连接服务器，请检查网络后重试');
    }
    if (!res.ok) throw Object.assign(new Error(`服务器暂时无法处理（${res.status}），请稍后重试`), { status: res.status });
    return res.json();
  }
  function fillForm(v) {
    $('st-opens').value = v.opens_on || '';
    $('st-closes').value = v.closes_on || '';
    $('st-target').value = v.response_target == null ? '' : String(v.response_target);
    $('st-k').value = v.k == null ? '' : String(v.k);
    for (const r of modeInputs()) r.checked = r.value === v.mode;
    $('st-sms').value = v.sms_per_hour == null ? '' : String(v.sms_per_hour);
    // unset: the deployment's default applies; show it without writing it into the campaign
    $('st-sms').placeholder = v.sms_per_hour == null && v.sms_default != null ? `系统默认 ${v.sms_default}` : '';
  }

  // the form as the API's body: it replaces the whole set, so blank fields are left out
  function readForm() {
    const body = { public: { mode: (modeInputs().find((r) => r.checked) || {}).value } };
    const opens = $('st-opens').value, closes = $('st-closes').value, target = $('st-target').value.trim(), sms = $('st-sms').value.trim();
    if (opens) body.opens_on = opens;
    if (closes) body.closes_on = closes;
    if (!body.public.mode) return { field: 'public.mode', msg: '请选择公众渠道的参与方式' };
    if (target) {
      if (!/^\d+$/.test(target)) return { field: 'response_target', msg: '请填写 1 到 100 之间的整数' };
      body.response_target = Number(target);
    }
    if (sms) {
      if (!/^\d+$/.test(sms)) return { field: 'public.sms_per_hour', msg: '请填写正整数，或留空使用系统默认值' };
      body.public.sms_per_hour = Number(sms);
    }
    const k = $('st-k').value.trim();
    if (k) {
      if (!/^\d+$/.test(k) || Number(k) < 5) return { field: 'anonymity_threshold', msg: '请填写不小于 5 的整数' };
      body.anonymity_threshold = Number(k);
    }
    return { body };
  }
  function fieldFail(field, msg) {
    fieldErrors(field, msg);
    const id = FIELDS[field];
    (id === 'st-mode' ? modeInputs()[0] : $(id)).focus();
  }

  async function saveSettings(ev) {
    ev.preventDefault();
    const slug = S.slug;
    fieldErrors();
    show('st-err');
    show('st-ok');
    const { body, field, msg } = readForm();
    if (!body) return fieldFail(field, msg);
    try {
      await busy('st-btn', '正在保存…', () => api('PUT', `/campaigns/${enc(slug)}/settings`, body));
    } catch (e) {
      if (e.status === 401 || S.slug !== slug) return;
      if (e.field && FIELDS[e.field]) return fieldFail(e.field, e.status === 400 ? '内容格式不正确，请检查' : e.message);
      show('st-err', e.code === 'frozen' ? '评议已结束，设置不能再修改。' : e.message);
      return;
    }
    if (S.slug !== slug) return;
    show('st-ok', `设置已保存（${fmtTime(Math.floor(Date.now() / 1000))}）。实时进度中的目标线和公众渠道随即更新。`);
    // the live figures are read at most every 2 s: show the new values at once
    if (S.prog) {
      S.prog.response_target = body.response_target == null ? null : body.response_target;
      if (body.anonymity_threshold) S.prog.anonymity_threshold = body.anonymity_threshold;
      if (S.prog.public) {
        S.prog.public.mode = body.public.mode;
        if (S.prog.public.sms) {
          S.prog.public.sms.campaign_per_hour = body.public.sms_per_hour == null ? null : body.public.sms_per_hour;
          if (body.public.sms_per_hour) S.prog.public.sms.per_hour = body.public.sms_per_hour;
        }
      }
      S.keys = {};
    }
  }

  // ---------- replacing a draft ----------
  function draftPart(c) {
    const draft = !!c && c.status === 'draft';
    $('rf-form').hidden = !draft;
    $('rf-hint').textContent = draft
      ? `草稿可用修改后的活动文件（TOML）整体替换：名称、评价选项、参评单位、计分规则和文件中的评议设置都以新文件为准；文件中的标识（slug）须为“${c.slug}”。已导入的评议团名单不受影响。`
      : '评议开始后，参评单位、评价选项和计分规则不能再替换（选票按开始时的单位顺序保存）；上方的评议设置仍可修改。';
  }
  async function replaceDraft(ev) {
    ev.preventDefault();
    const f = $('rf-file').files[0], slug = S.slug;
    show('rf-err');
    show('rf-ok');
    if (!f) { show('rf-err', '请先选择活动文件（.toml）'); return $('rf-file').focus(); }
    try {
      await busy('rf-btn', '正在替换…', () => api('PUT', `/campaigns/${enc(slug)}`, f));
    } catch (e) {
      if (e.status === 401 || S.slug !== slug) return;
      const why = { slug_mismatch: `${e.message}。请上传本活动（${slug}）的文件，或在文件中改正标识。`,
        not_draft: '评议已开始，不能再替换活动文件。' }[e.code];
      show('rf-err', why || e.message);
      return;
    }
    $('rf-file').value = '';
    S.stFor = null; // the file may carry other settings
    show('rf-ok', '草稿已按新文件替换。');
    loadCamps().then(() => { if (S.slug === slug) { header(); loadSettings(); } }, () => {});
  }

  // ---------- a draft from a unit list (on the list) ----------
  async function createFromUnits(ev) {
    ev.preventDefault();
    const slug = $('uf-slug').value.trim(), title = $('uf-title').value.trim(), f = $('uf-file').files[0];
    show('uf-err');
    show('list-note');
    $('uf-faults').hidden = true;
    const missing = [[!slug, 'uf-slug', '活动标识'], [!title, 'uf-title', '活动名称'], [!f, 'uf-file', '单位名单文件']].filter((m) => m[0]);
    if (missing.length) {
      show('uf-err', `请填写${missing.map((m) => m[2]).join('、')}`);
      return $(missing[0][1]).focus();
    }
    const q = new URLSearchParams({ slug, title });
    try {
      const r = await busy('uf-btn', '正在新建…', () => api('POST', `/campaigns/from-units?${q}`, f));
      for (const id of ['uf-slug', 'uf-title', 'uf-file']) $(id).value = '';
      await showList(false);
      show('list-note', `已从单位名单新建评议活动“${r.slug}”，状态为草稿。请进入该活动导入评议团名单，核对无误后点击“开始评议”。`);
      focusRow(r.slug);
    } catch (e) {
      if (e.status === 401) return;
      const d = e.details || {};
      if (e.code === 'invalid_rows' && Array.isArray(d.rows)) {
        const lines = new Set(d.rows.map((r) => r.row)).size;
        show('uf-err', `没有新建：单位名单中有 ${d.rows.length} 处错误，涉及 ${lines} 行。请按下表逐项修改后重新上传（行号按电子表格计，第 1 行为表头）。`);
        $('uf-faults').tBodies[0].replaceChildren(...d.rows.map((r) => el('tr', { 'data-row': r.row },
          el('td', { class: 'num' }, String(r.row)), el('td', null, r.column || '整个文件'), el('td', null, r.reason))));
        $('uf-faults').hidden = false;
        $('uf-out').focus();
      } else show('uf-err', e.code === 'campaign_exists' ? `${e.message}，请换一个活动标识。` : e.message);
    }
  }

  // ---------- the SMS outbox (admins; only when messages go to the outbox, not to a provider) ----------
  // one polling loop at a time: each start or stop begins a new generation, and an older loop ends
  function startOutbox() {
    if (S.obOn || !(S.me && S.me.role === 'admin')) return;
    S.obOn = true;
    pollOutbox(++S.obGen);
  }
  function stopOutbox() {
    S.obOn = false;
    S.obGen += 1;
    clearTimeout(S.obTimer);
    $('outbox').hidden = true;
  }
  async function pollOutbox(gen) {
    if (document.visibilityState !== 'hidden') {
      try {
        const r = await api('GET', '/sms-outbox');
        if (gen !== S.obGen) return;
        show('ob-err');
        if (r.gateway !== 'outbox') { $('outbox').hidden = true; return; } // a real gateway: nothing to show
        renderOutbox(r.messages);
      } catch (e) {
        if (gen !== S.obGen || e.status === 401 || e.status === 403) return;
        show('ob-err', `发件箱暂时无法刷新：${e.message}`);
      }
    }
    if (gen === S.obGen) S.obTimer = setTimeout(() => pollOutbox(gen), OUTBOX_EVERY);
  }
  function renderOutbox(messages) {
    $('outbox').hidden = false;
    $('ob-at').textContent = `共 ${num(messages.length)} 条 · 更新于 ${fmtTime(Math.floor(Date.now() / 1000)).slice(11)}`;
    const tb = $('ob-table').tBodies[0];
    tb.replaceChildren(...messages.map((m) => el('tr', null,
      el('td', { class: 'nowrap' }, fmtTime(Math.floor(Date.parse(m.at) / 1000))), el('td', { class: 'mono nowrap' }, m.to),
      el('td', { class: 'detail' }, m.text))));
    if (!messages.length) tb.replaceChildren(el('tr', null, el('td', { colspan: 3, class: 'muted' }, '本次启动以来还没有发出短信。')));
  }

  Object.assign(M, { resetSettings, loadSettings, saveSettings, replaceDraft, createFromUnits, startOutbox, stopOutbox });
})();
