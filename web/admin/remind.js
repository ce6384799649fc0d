// 催办 tab, reminder batches (admin): the roster file staff hold → a dry run → confirm → SMS to the
// members who have not answered, within the hour's SMS budget. The numbers never stay anywhere.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, enc, el, show, num, api, ask, busy } = M;

  const SKIPPED = [
    ['already_responded', '已提交选票'],
    ['filtered_out', '不符合界别、区县筛选'],
    ['without_number', '名单中没有手机号'],
    ['not_invited', '不是本次评议团成员'],
  ];

  function remindShow() {
    const c = (S.camps || []).find((x) => x.slug === S.slug);
    $('rm-card').hidden = !(S.me && S.me.role === 'admin');
    const open = !c || c.status === 'open';
    $('rm-btn').disabled = $('rm-file').disabled = !open;
    if (!open && $('rm-ok').hidden) show('rm-err', c.status === 'draft' ? '评议尚未开始，开始评议后才能发送催办短信。' : '评议已结束，不能再发送催办短信。');
  }
  function clear() {
    for (const id of ['rm-err', 'rm-ok']) show(id);
    $('rm-counts').hidden = $('rm-faults').hidden = true;
  }
  function resetRemind() {
    clear();
    $('rm-file').value = '';
  }

  // the filters of the non-responder list above apply to the batch
  function filters() {
    const q = new URLSearchParams(), seg = $('nr-seg').value, dist = $('nr-dist').value;
    if (seg) q.set('segment', seg);
    if (dist) q.set('district', dist);
    return { q, where: [seg && `界别“${seg}”`, dist && `区县“${dist}”`].filter(Boolean).join('、') };
  }
  const skippedText = (r) => SKIPPED.filter(([k]) => r[k]).map(([k, t]) => `${t} ${num(r[k])} 人`).join('，');

  async function checkReminders(ev) {
    ev.preventDefault();
    const f = $('rm-file').files[0], slug = S.slug, { q, where } = filters();
    clear();
    if (!f) { show('rm-err', '请先选择评议团名单文件（.csv 或 .xlsx）'); return $('rm-file').focus(); }
    const path = (dry) => {
      const p = new URLSearchParams(q);
      if (dry) p.set('dry_run', 'true');
      return `/campaigns/${enc(slug)}/reminders${String(p) ? `?${p}` : ''}`;
    };
    let plan;
    try {
      plan = await busy('rm-btn', '正在检查名单…', () => api('POST', path(true), f));
    } catch (e) {
      if (e.status !== 401 && S.slug === slug) failed(e);
      return;
    }
    if (S.slug !== slug) return;
    const skipped = skippedText(plan);
    if (!plan.to_send) {
      show('rm-err', `没有需要发送的成员${where ? `（筛选：${where}）` : ''}${skipped ? `：${skipped}` : ''}。`);
      return;
    }
    const over = Math.max(0, plan.to_send - plan.budget_left);
    ask({
      title: `发送 ${num(plan.to_send)} 条催办短信？`,
      body: [
        `将给名单中 ${num(plan.to_send)} 名尚未提交选票的成员${where ? `（${where}）` : ''}各发一条短信，内容为其本人的邀请链接和邀请码。`,
        skipped ? `不发送：${skipped}。` : '名单中的成员都将收到短信。',
        over ? `本小时短信额度只剩 ${num(plan.budget_left)} 条：超出的 ${num(over)} 条不会发送。`
          : `本小时短信额度剩余 ${num(plan.budget_left)} 条，足够本次发送。`,
        '短信发出后无法撤回。',
      ],
      ok: '确认发送',
      run: () => api('POST', path(false), f),
      fail: (e) => { failed(e); return true; },
      then: (r) => { if (S.slug === slug) done(r, where); },
    });
  }

  function done(r, where) {
    $('rm-file').value = '';
    const parts = [`已发送 ${num(r.sent)} 条催办短信${where ? `（${where}）` : ''}`];
    if (r.failed) parts.push(`${num(r.failed)} 条发送失败`);
    if (r.over_budget) parts.push(`${num(r.over_budget)} 条因本小时短信额度用完未发送。下一小时可再次上传名单补发；已投票的成员不会再收到，本次已收到但仍未投票的成员会再收到一条`);
    show('rm-ok', `${parts.join('；')}。`);
    $('rm-counts').replaceChildren(...[['sent', '已发送'], ['failed', '发送失败'], ['over_budget', '额度用完未发送'], ...SKIPPED]
      .map(([k, t]) => el('div', { 'data-count': k }, el('dt', null, t), el('dd', null, num(r[k])))));
    $('rm-counts').hidden = false;
    $('rm-out').focus();
  }

  function failed(e) {
    const d = e.details || {};
    if (e.code === 'invalid_rows' && Array.isArray(d.rows)) {
      const lines = new Set(d.rows.map((r) => r.row)).size;
      show('rm-err', `没有发送任何短信：名单中有 ${d.rows.length} 处错误，涉及 ${lines} 行。请按下表修改后重新上传（行号按电子表格计，第 1 行为表头）。`);
      $('rm-faults').tBodies[0].replaceChildren(...d.rows.map((r) => el('tr', { 'data-row': r.row },
        el('td', { class: 'num' }, String(r.row)), el('td', null, r.column || '整个文件'), el('td', null, r.reason))));
      $('rm-faults').hidden = false;
    } else show('rm-err', e.message);
  }

  Object.assign(M, { remindShow, resetRemind, checkReminders });
})();
