// Results tab (ranking tables, formula, the view with or without flagged ballots, the close-and-freeze dialog)
// and the export tab's file list.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { API, CLASS, S, $, enc, el, show, num, pct, weight, fmtTime, className, flagText, announce, api, camp, header } = M;

  const FILES = [
    ['results.xlsx', '结果工作簿（Excel）', '每个类别一张表，另含计票明细、计分规则与结果指纹、意见建议。'],
    ['results.csv', '结果表（CSV）', '全部单位的得分、满意率与排名；UTF-8 编码，Excel 可直接打开。'],
    ['results.json', '结果数据（JSON）', '供考评系统读取的机器格式，字段含义见计分说明。'],
    ['ballots.jsonl', '匿名选票（JSON Lines）', '每行一张选票，不含身份、回执和意见文字；可用 minping verify 复核全部结果与指纹。评议结束后才能导出。'],
    ['receipts.txt', '回执清单（文本）', '全部回执，每行一个，供评议人核对自己的选票已计入；看不出哪张回执对应哪张选票。'],
  ];

  // ---------- results ----------
  // S.resView: 'formula' (the figures the formula governs: provisional or final), or the what-if
  // figures with flagged ballots counted ('include') or not ('exclude')
  async function loadResults(force) {
    const slug = S.slug, view = S.resView;
    syncView();
    if (S.res && !force) return renderResults();
    $('r-meta').textContent = '正在计算结果…';
    $('r-refresh').disabled = true;
    try {
      const doc = await api('GET', `/campaigns/${enc(slug)}/results${view === 'formula' ? '' : `?flagged=${view}`}`);
      if (S.slug !== slug || S.resView !== view) return;
      if (view === 'formula') S.flaggedRule = doc.formula ? doc.formula.count_flagged : null;
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
  function setView(view) {
    if (view === S.resView) return;
    S.resView = view;
    S.res = null;
    loadResults(false);
  }
  function syncView() {
    for (const r of document.querySelectorAll('input[name="r-view"]')) r.checked = r.value === S.resView;
  }
  function resMeta() {
    const r = S.res, final = r.status === 'final', whatIf = r.status === 'what_if';
    const b = $('r-badge');
    b.textContent = whatIf ? '假设结果' : final ? '最终结果' : '临时结果';
    b.className = `badge ${whatIf ? 'whatif' : final ? 'final' : 'provisional'}`;
    const c = camp(), closed = c && c.status === 'closed';
    const stale = !final && !closed && S.prog && S.prog.ballots !== r.ballots;
    $('r-meta').textContent = `${num(r.ballots)} 张选票 · 计算于 ${fmtTime(r.computed_at)}（北京时间）` +
      (final ? ' · 已封存，不再变化' : closed ? '' : ' · 评议进行中，结果会随新选票变化') +
      (stale ? ` · 现已收到 ${num(S.prog.ballots)} 张，请刷新` : '');
    const note = $('r-viewnote');
    note.className = `viewnote${whatIf ? ' whatif' : ''}`;
    note.textContent = whatIf
      ? `当前显示：假设${S.resView === 'include' ? '计入' : '不计入'}可疑票时的结果，仅供比较，不是正式结果。正式结果按计分规则计算${ruleText(S.flaggedRule)}。`
      : `当前显示：按计分规则计算的${final ? '最终' : '临时'}结果${ruleText(r.formula && r.formula.count_flagged)}。可切换“含可疑票 / 不含可疑票”比较可疑票的影响。`;
    $('r-fp-line').hidden = !(final && r.fingerprint);
    $('r-fp').textContent = r.fingerprint || '';
    $('r-close').hidden = !(S.me.role === 'admin' && !final && !whatIf && c && c.status === 'open');
  }
  // what the formula says about flagged ballots (a what-if document carries a changed formula: S.flaggedRule
  // keeps the campaign's own, from the last formula-governed document)
  const ruleText = (counts) => (counts == null ? '' : `（计分规则规定可疑票${counts ? '计入' : '不计入'}）`);
  // the k rule (docs/ANONYMITY.md): a group under k shows no figure, nor one it could be worked out from
  const hiddenTotals = (u) => (u.hidden || []).includes('totals');
  const fewerThanK = (r) => `为保护评议人匿名，少于 ${r.anonymity_threshold} 张选票的群体不显示数字（及可借以推算它的数字）`;
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
            el('td', { class: 'num' }, hiddenTotals(u) ? el('span', { class: 'muted', title: fewerThanK(r) }, `少于 ${r.anonymity_threshold} 张`) : num(u.valid_n)),
            el('td', { class: 'num' }, hiddenTotals(u) ? '—' : pct(u.satisfaction_rate),
              u.wilson_low != null ? el('span', { class: 'small', title: '95% 置信区间（Wilson）' }, `${pct(u.wilson_low)}–${pct(u.wilson_high)}`) : null),
            classes.map((k) => el('td', { class: 'num' }, (u.class_scores || {})[k] || '—')),
            el('td', { class: 'num' }, u.unit_score || '—'),
            el('td', { class: 'num strong' }, u.score_component || '—'),
            el('td', null, (u.flags || []).map((f) => el('span', { class: `flag ${f.split(':')[0]}`, title: f }, flagText(f))),
              (u.hidden || []).length ? el('span', { class: 'flag hidden', title: fewerThanK(r) }, `部分数字不足 ${r.anonymity_threshold} 张，不显示`) : null)))))));
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
      S.resView = 'formula';
      syncView();
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

  Object.assign(M, { loadResults, setView, resMeta, openClose, confirmClose, renderExports });
})();
