// The panel (评议团) tabs: roster import, invitation files and re-issue, non-responders (催办), feedback (意见建议).
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { API, S, $, enc, el, show, num, api, loadCamps, header, ask, busy, fill } = M;

  const NR_MAX = 2000;

  // ---------- roster (admin) ----------
  function rosterLinks() {
    $('inv-once').hidden = true;
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
      if (r.approval) { show('ro-ok', M.requested(r.approval)); return; }
      show('ro-ok', `导入成功：共导入 ${num(r.imported)} 名成员，已为每人生成邀请。请在下方下载邀请名单并打印邀请函——只显示这一次。`);
      $('ro-ok').dataset.imported = r.imported;
      M.shownOnce($('inv-once'), r, '本次导入的邀请');
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
      then: (r) => {
        if (S.slug !== slug) return;
        if (r.approval) {
          $('ri-ok').textContent = M.requested(r.approval);
          $('ri-short').textContent = $('ri-url').textContent = '—';
          $('ri-once').hidden = true;
          $('ri-out').hidden = false;
          return $('ri-out').focus();
        }
        const line = r.invitations[0];
        $('ri-ok').textContent = `已为成员 ${line.member_code} 补发邀请（${line.segment} · ${line.district}），原邀请已失效。新邀请只显示这一次。`;
        $('ri-short').textContent = line.short_code;
        $('ri-url').textContent = line.url;
        $('ri-out').hidden = false;
        M.shownOnce($('ri-once'), r, `成员 ${line.member_code} 的新邀请`);
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

  Object.assign(M, { rosterLinks, importRoster, askReissue, fillNRSelects, loadNR, fillUnits, fbSoon, loadFB,
    resetTabs });
})();
