// Live tab, the public channel: ballots by respondent class and the public's by district, the hour's SMS
// budget, the abuse signals.
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { CLASS, S, $, el, num, pct1 } = M;

  const MODE = { phone: '公众渠道：手机验证码', device: '公众渠道：设备验证（不发短信）', off: '公众渠道：未开放' };
  // in the order of the API's list; [code, label, what it means]
  const SIGNALS = [
    ['duplicate_refused', '重复提交被拒', '已投过票的邀请、手机号或设备再次提交'],
    ['captcha_failed', '图形验证码错误', '图形验证码填错或已过期'],
    ['otp_failed', '短信验证码错误', '短信验证码填错或已失效'],
    ['rate_limited', '触发限流', '同一号码或网络请求过于频繁，被暂时拒绝'],
    ['honeypot', '蜜罐字段', '填写了普通用户看不到的隐藏字段，多为程序自动提交'],
    ['fast_ballot', '作答过快', '答卷用时短于正常阅读所需'],
    ['pattern_burst', '同网段相同答卷', '同一网段短时间内提交大量完全相同的答卷'],
    ['client_burst', '同一网络连续提交', '同一网络地址一分钟内提交大量答卷（无论内容）：已标记，未拒绝'],
    ['forged_device', '伪造设备标识', '设备模式下携带伪造或被篡改的设备 Cookie，已拒绝'],
    ['flagged_ballot', '已标记可疑票', '因以上原因标记的公众选票：已保存，可在“结果”中比较含与不含的差别'],
    ['sms_sent', '短信已发送', '验证码和催办短信'],
    ['sms_failed', '短信发送失败', '短信平台未能发出'],
  ];
  const NEUTRAL = new Set(['sms_sent']); // counted, but not a warning sign in itself
  const HOT = 0.8; // a budget above this share is highlighted

  function drawChannel() {
    const p = S.prog, pub = p.public || { mode: 'off', signals: {}, sms: null };
    const mode = $('pub-mode');
    mode.textContent = MODE[pub.mode] || pub.mode;
    mode.className = `chip ${pub.mode === 'off' ? 'closed' : 'open'}`;
    classes(p.by_class || {}, pub.mode);
    districts(pub.by_district || [], S.prog && S.prog.anonymity_threshold);
    budget(pub.sms);
    signals(pub.signals || {});
  }

  function classes(by, mode) {
    const keys = Object.keys(CLASS).filter((k) => k in by || k === 'panel' ||
      (k === 'public' && mode === 'phone') || (k === 'device' && mode === 'device'));
    for (const k of Object.keys(by)) if (!keys.includes(k)) keys.push(k);
    const total = keys.reduce((a, k) => a + (by[k] || 0), 0);
    $('by-class').tBodies[0].replaceChildren(...keys.map((k) => {
      const n = by[k] || 0, share = total ? n / total : 0;
      const fill = el('span', { class: 'fill blue' });
      fill.style.width = `${share * 100}%`;
      return el('tr', { 'data-class': k },
        el('th', { scope: 'row' }, CLASS[k] || k),
        el('td', { class: 'barcell', 'aria-hidden': 'true' }, el('span', { class: 'track' }, fill)),
        el('td', { class: 'num' }, `${num(n)} 张`, el('span', { class: 'small' }, total ? pct1(share) : '—')));
    }));
  }

  // public ballots by the district people chose on the page (optional, unverified); the bars are
  // drawn against the largest, the table's text says the same for screen readers
  function districts(rows, k) {
    const tb = $('pub-district').tBodies[0];
    if (!rows.length) { tb.replaceChildren(el('tr', null, el('td', { colspan: 3, class: 'muted' }, '本评议活动未列出区县，尚无公众选票。'))); return; }
    // a district under k comes without a figure (null), and then no share is shown either: the
    // shares of the others would give it away
    const partial = rows.some((r) => r.ballots == null);
    const total = rows.reduce((a, r) => a + (r.ballots || 0), 0), top = Math.max(1, ...rows.map((r) => r.ballots || 0));
    tb.replaceChildren(...rows.map((r) => {
      const fill = el('span', { class: 'fill blue' });
      fill.style.width = `${((r.ballots || 0) / top) * 100}%`;
      return el('tr', { 'data-district': r.name },
        el('th', { scope: 'row' }, r.name),
        el('td', { class: 'barcell', 'aria-hidden': 'true' }, el('span', { class: 'track' }, fill)),
        r.ballots == null
          ? el('td', { class: 'num muted', title: `为保护评议人匿名，少于 ${k} 张不显示数字` }, `少于 ${k} 张`)
          : el('td', { class: 'num' }, `${num(r.ballots)} 张`, el('span', { class: 'small' }, total && !partial ? pct1(r.ballots / total) : '—')));
    }));
  }

  function budget(sms) {
    const box = $('sms-budget');
    if (!sms) { box.replaceChildren(el('p', { class: 'muted' }, '没有短信额度数据。')); return; }
    box.replaceChildren(
      meter('campaign', '本评议活动', sms.sent_this_hour, sms.per_hour),
      meter('all', '全部评议活动', sms.all_campaigns_this_hour, sms.all_campaigns_per_hour));
  }
  // the counters go on past the limit (refused tries count too): show at most the limit
  function meter(key, name, counted, limit) {
    const used = Math.min(counted, limit), frac = limit ? used / limit : 1, hot = frac > HOT;
    const text = `${num(used)} / ${num(limit)} 条（${pct1(frac)}）`;
    const fill = el('span', { class: `fill ${hot ? 'red' : 'blue'}` });
    fill.style.width = `${frac * 100}%`;
    return el('div', { class: hot ? 'meter hot' : 'meter', 'data-meter': key },
      el('div', { class: 'meter-head' }, el('span', null, name),
        el('span', { class: 'num' }, text, hot ? el('span', { class: 'tag red' }, used >= limit ? '已用完' : '超过 80%') : null)),
      el('span', { class: 'track', role: 'meter', 'aria-label': `${name}本小时短信用量`, 'aria-valuemin': '0',
        'aria-valuemax': String(limit), 'aria-valuenow': String(used), 'aria-valuetext': text }, fill));
  }

  function signals(sig) {
    $('signals').replaceChildren(...SIGNALS.map(([k, label, what]) => {
      const n = sig[k] || 0, warn = n > 0 && !NEUTRAL.has(k);
      return el('li', { class: warn ? 'sig warn' : 'sig', 'data-signal': k },
        el('span', { class: 'k' }, label), el('span', { class: 'v' }, num(n)), el('span', { class: 'd' }, what));
    }));
  }

  Object.assign(M, { drawChannel });
})();
