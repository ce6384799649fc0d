// Staff accounts (admins, on the campaign list): list, add (a password made by the server and a second
// factor's QR code are shown once), disable / enable, change the role, reset the password, a new second
// factor, remove. Every change ends the account's open sessions at once (the server checks each request).
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, el, show, api, enc, ask, busy } = M;
  const ROLE = { admin: '管理员', monitor: '作风办工作人员', auditor: '督查人员' };

  async function loadUsers() {
    const isAdmin = S.me && S.me.role === 'admin';
    $('users').hidden = !isAdmin;
    if (!isAdmin) return;
    try {
      const r = await api('GET', '/users');
      show('us-err');
      renderUsers(r.users);
    } catch (e) {
      if (e.status !== 401) show('us-err', e.message);
    }
  }

  function roleSelect(u) {
    const sel = el('select', { 'data-role-of': u.name, 'aria-label': `${u.name} 的角色` },
      ...Object.entries(ROLE).map(([v, t]) => el('option', { value: v }, t)));
    sel.value = u.role;
    return sel;
  }

  function renderUsers(users) {
    $('us-table').tBodies[0].replaceChildren(...users.map((u) => el('tr', { 'data-user': u.name },
      el('td', { class: 'mono' }, u.name),
      el('td', null, roleSelect(u)),
      el('td', null, el('span', { class: `chip ${u.disabled ? 'closed' : 'open'}` }, u.disabled ? '已停用' : '正常')),
      el('td', null, u.second_factor ? '已设置' : '未设置'),
      el('td', { class: 'act' },
        el('button', { type: 'button', class: 'btn', 'data-act': u.disabled ? 'enable' : 'disable', 'data-name': u.name }, u.disabled ? '启用' : '停用'),
        el('button', { type: 'button', class: 'btn', 'data-act': 'password', 'data-name': u.name }, '重置密码'),
        el('button', { type: 'button', class: 'btn', 'data-act': 'totp', 'data-name': u.name }, '更换动态验证码'),
        el('button', { type: 'button', class: 'btn danger', 'data-act': 'remove', 'data-name': u.name }, '删除')))));
  }

  // What a change made that is shown once: a password, a second factor's QR code and link.
  function showIssued(note, r) {
    $('us-out').hidden = false;
    $('us-note').textContent = note;
    $('us-secret').textContent = r.password ? `密码（只显示这一次，请当面交给本人）：${r.password}` : '';
    const t = r.totp;
    $('us-qr').hidden = !t;
    if (t) $('us-qr').src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(t.qr_svg)))}`;
    $('us-uri').textContent = t ? `无法扫描时，可在 App 中手动输入密钥：${t.secret}` : '';
    $('us-out').focus();
  }

  async function addUser(ev) {
    ev.preventDefault();
    const name = $('us-name').value.trim(), password = $('us-pass').value;
    show('us-err');
    if (!name) { show('us-err', '请输入用户名'); return $('us-name').focus(); }
    const body = { name, role: $('us-role').value, totp: $('us-totp').checked };
    if (password) body.password = password;
    try {
      const r = await busy('us-add', '正在添加…', () => api('POST', '/users', body));
      $('us-name').value = $('us-pass').value = '';
      $('us-totp').checked = false;
      await loadUsers();
      showIssued(`已添加${ROLE[body.role]}“${name}”。`, r);
    } catch (e) {
      if (e.status !== 401) show('us-err', e.message);
      if (e.field === 'password') $('us-pass').focus();
    }
  }

  function act(ev) {
    const b = ev.target.closest('button[data-act]');
    if (!b) return;
    const name = b.dataset.name, what = b.dataset.act;
    const path = `/users/${enc(name)}`;
    const plan = {
      disable: ['停用账号？', `停用后“${name}”立即退出登录，不能再登录，直到重新启用。`, '确认停用', () => api('POST', `${path}/disable`)],
      enable: ['启用账号？', `“${name}”可以重新登录。`, '确认启用', () => api('POST', `${path}/enable`)],
      remove: ['删除账号？', `删除后“${name}”立即退出登录；审计日志中的记录保留。`, '确认删除', () => api('DELETE', path)],
      password: ['重置密码？', `系统为“${name}”生成新密码（只显示一次），旧密码和已登录的会话立即失效。`, '确认重置', () => api('POST', `${path}/password`, {})],
      totp: ['更换动态验证码？', `“${name}”须用 App 重新扫描新的二维码，旧的验证码和已登录的会话立即失效。`, '确认更换', () => api('POST', `${path}/totp`)],
    }[what];
    const [title, text, ok, run] = plan;
    ask({ title, body: [text], ok, run, then: async (r) => {
      await loadUsers();
      if (r) showIssued(what === 'totp' ? `已为“${name}”更换动态验证码。` : `已为“${name}”重置密码。`, r);
      else { $('us-out').hidden = true; M.announce(`${title.replace('？', '')}：${name}，已完成`); }
    } });
  }

  function changeRole(ev) {
    const sel = ev.target.closest('select[data-role-of]');
    if (!sel) return;
    const name = sel.dataset.roleOf, role = sel.value;
    ask({ title: '修改角色？', body: [`把“${name}”的角色改为${ROLE[role]}：其已登录的会话立即失效，须重新登录。`], ok: '确认修改',
      run: () => api('PUT', `/users/${enc(name)}/role`, { role }),
      then: () => { loadUsers(); M.announce(`“${name}”的角色已改为${ROLE[role]}`); },
      fail: () => { loadUsers(); return false; } });
    $('ask-dlg').addEventListener('close', () => loadUsers(), { once: true });
  }

  function wireUsers() {
    $('us-form').addEventListener('submit', addUser);
    $('us-table').addEventListener('click', act);
    $('us-table').addEventListener('change', changeRole);
  }

  Object.assign(M, { loadUsers, wireUsers });
})();
