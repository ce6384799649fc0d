// Boots the staff console: wires every control to its handler, then asks who is signed in.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { S, $, show, api, showSignin, signedIn, signIn, signOut, route, goTab, askOk, createCamp, askOpen,
    loadResults, setView, openClose, confirmClose, importRoster, askReissue, loadNR, checkReminders, fbSoon, loadFB,
    renderLive, loadAudit, renderAudit, saveSettings, replaceDraft, createFromUnits } = M;

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
    let resize;
    window.addEventListener('resize', () => { clearTimeout(resize); resize = setTimeout(renderLive, 150); });
    $('r-refresh').addEventListener('click', () => loadResults(true));
    $('r-view').addEventListener('change', (ev) => { if (ev.target.name === 'r-view') setView(ev.target.value); });
    $('r-close').addEventListener('click', openClose);
    $('close-cancel').addEventListener('click', () => $('close-dlg').close());
    $('close-ok').addEventListener('click', confirmClose);
    $('close-dlg').addEventListener('close', () => { if (!$('r-close').hidden) $('r-close').focus(); });
    $('a-filter').addEventListener('input', renderAudit);
    $('a-scope').addEventListener('change', loadAudit);
    $('a-refresh').addEventListener('click', loadAudit);
    $('cf-form').addEventListener('submit', createCamp);
    $('uf-form').addEventListener('submit', createFromUnits);
    $('st-form').addEventListener('submit', saveSettings);
    $('rf-form').addEventListener('submit', replaceDraft);
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
    $('rm-form').addEventListener('submit', checkReminders);
    $('fb-q').addEventListener('input', fbSoon);
    $('fb-q').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); loadFB(); } });
    $('fb-unit').addEventListener('change', loadFB);
    $('f-cap-new').addEventListener('click', () => M.newSigninCaptcha());
    M.wireUsers();
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
