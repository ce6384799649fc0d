// Credentials shown once, and two people for sensitive acts (双人复核; docs/SECURITY.md).
// `shownOnce` puts a fresh invitation list and its letters in front of the one person who may
// see them — the server keeps only hashes and cannot make them again. The 双人复核 card (on the
// audit tab, which admins and auditors see) lists a campaign's requests; another admin or an
// auditor approves or rejects each, never its requester.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, enc, el, show, fmtTime, api, ask } = M;

  const STATUS = { pending: '待复核', approved: '已批准', rejected: '已驳回', failed: '已批准，未能执行' };

  // the answer of an act that issued invitations, into `box`: a CSV to download and letters to print
  function shownOnce(box, data, what) {
    const csv = new Blob([data.csv], { type: 'text/csv;charset=utf-8' });
    const name = `${S.slug}-invitations-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}.csv`;
    const dl = el('a', { class: 'btn primary', href: URL.createObjectURL(csv), download: name, 'data-once': 'csv' }, '下载邀请名单（CSV）');
    const print = el('button', { type: 'button', class: 'btn', 'data-once': 'letters' }, '打印邀请函（新窗口）');
    print.addEventListener('click', () => {
      // written into a window of this origin, so the letters' stylesheet loads as on any page
      const w = window.open('', '_blank');
      if (!w) return box.append(el('p', { class: 'alert', role: 'alert' }, '浏览器阻止了新窗口：请允许本站弹出窗口后再点一次。'));
      w.document.open();
      w.document.write(data.letters_html);
      w.document.close();
    });
    box.replaceChildren(
      el('p', { class: 'ok', role: 'status' }, `${what}：共 ${data.invitations.length} 份邀请。`),
      el('p', { class: 'alert warn' }, '邀请链接和邀请码只显示这一次：服务器只保存其加密摘要，无法再次生成。请现在下载名单、打印邀请函，妥善保管；离开或刷新本页后将无法再取得。'),
      el('div', { class: 'row' }, dl, print));
    box.hidden = false;
    box.focus();
  }

  // a sensitive act filed as a request (202) rather than done
  const requested = (a) => `评议已开始，此操作须经第二人复核：已提交申请 #${a.id}（${a.summary}）。另一位管理员或督查人员在“审计日志”页的“双人复核”中批准后生效${/发放邀请|补发/.test(a.summary) ? '，新的邀请只向批准人显示一次' : ''}。`;

  async function loadApprovals() {
    const slug = S.slug;
    if (!slug) return;
    try {
      const rows = await api('GET', `/campaigns/${enc(slug)}/approvals`);
      if (S.slug !== slug) return;
      show('ap-err');
      renderApprovals(rows);
    } catch (e) {
      if (e.status !== 401) show('ap-err', e.message);
    }
  }
  function renderApprovals(rows) {
    const me = S.me ? `staff:${S.me.name}` : '';
    const mayDecide = S.me && (S.me.role === 'admin' || S.me.role === 'auditor');
    $('ap-table').tBodies[0].replaceChildren(...(rows.length ? rows.map((a) => el('tr', { 'data-approval': a.id, 'data-status': a.status },
      el('td', { class: 'num' }, `#${a.id}`),
      el('td', null, a.summary),
      el('td', null, a.requested_by, el('span', { class: 'small' }, fmtTime(a.requested_at))),
      el('td', null, STATUS[a.status] || a.status, a.decided_by ? el('span', { class: 'small' }, `${a.decided_by} · ${a.outcome || ''}`) : null),
      el('td', null, a.status === 'pending' && mayDecide
        ? (a.requested_by === me
          ? el('span', { class: 'muted' }, '本人申请，须由他人复核')
          : [decideButton(a, true), decideButton(a, false)])
        : null))) : [el('tr', null, el('td', { colspan: 5, class: 'muted' }, '本评议活动没有复核申请。'))]));
  }
  function decideButton(a, approve) {
    const b = el('button', { type: 'button', class: approve ? 'btn primary' : 'btn', 'data-decide': approve ? 'approve' : 'reject' }, approve ? '批准' : '驳回');
    b.addEventListener('click', () => decide(a, approve));
    return b;
  }
  function decide(a, approve) {
    const slug = S.slug;
    ask({
      title: `${approve ? '批准' : '驳回'}申请 #${a.id}？`,
      body: [a.summary, `申请人：${a.requested_by}。`, approve ? '批准后立即执行，并以您的名义记入审计日志。' : '驳回后此申请不再执行。'],
      ok: approve ? '确认批准' : '确认驳回',
      run: () => api('POST', `/campaigns/${enc(slug)}/approvals/${a.id}/${approve ? 'approve' : 'reject'}`),
      then: (r) => {
        if (S.slug !== slug) return;
        if (r.csv) shownOnce($('ap-once'), r, `已批准申请 #${a.id}`);
        loadApprovals();
      },
    });
  }

  Object.assign(M, { shownOnce, requested, loadApprovals });
})();
