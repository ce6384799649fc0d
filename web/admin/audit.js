// Audit log tab (admins and auditors).
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, el, show, fmtTime, api } = M;

  const ACTIONS = {
    'staff.sign_in': '登录', 'staff.sign_out': '退出登录', 'user.add': '添加工作人员',
    'campaign.create': '创建评议', 'campaign.open': '开始评议', 'campaign.formula': '修改计分规则',
    'campaign.close': '结束评议', 'results.freeze': '封存结果', 'roster.import': '导入评议团名单',
    'invitation.reissue': '补发邀请', 'export.letters': '打印邀请函', 'export.invitations.csv': '导出邀请链接',
    'campaign.update': '替换草稿', 'campaign.settings': '修改评议设置', 'roster.remind': '发送催办短信',
    'roster.remove': '移除评议团成员', 'approval.request': '提交复核申请', 'approval.approve': '批准复核申请',
    'approval.reject': '驳回复核申请', 'approval.outcome': '复核申请执行结果',
  };
  const AUDIT_MAX = 1000;

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

  Object.assign(M, { loadAudit, renderAudit });
})();
