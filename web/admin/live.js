// Live progress tab: the progress stream (SSE, polling when it is down), the stat tiles and the charts
// (the public channel's parts are drawn by channel.js).
'use strict';
(() => {
  const M = (window.Minping = window.Minping || {});
  const { API, S, $, enc, el, sv, show, num, pct1, pad, cst, fmtClock, fmtHour, api, camp, header, loadResults, resMeta,
    renderExports, fillNRSelects, loadNR, fillUnits, drawChannel } = M;

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
    const risk = p.units.filter((u) => u.valid_n == null || u.valid_n < p.min_valid).length;
    $('s-risk').textContent = num(risk);
    $('s-risk').classList.toggle('warn', risk > 0);
    $('s-risk-sub').textContent = `共 ${p.units.length} 个单位，少于 ${p.min_valid} 张不排名`;
    $('s-at').textContent = fmtClock(p.at);
    const w = $('hourly').clientWidth;
    const range = $('hour-range').value;
    once('hourly', [p.by_hour, hourStart, range, w], hourly);
    const target = p.response_target || null;
    once('target', [target, S.me && S.me.role, S.slug], targetLine);
    once('panel', [pn, target], panel);
    once('channel', [p.by_class, p.public], drawChannel);
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

  // the target is set by an admin in 评议设置 and kept with the campaign: everyone sees the same line
  function targetLine() {
    const t = S.prog.response_target, admin = S.me && S.me.role === 'admin';
    $('target-v').textContent = t ? `${t}%` : '未设定';
    $('target-edit').hidden = !admin;
    $('target-edit').href = `#/c/${enc(S.slug)}/settings`;
    $('target-edit').textContent = t ? '修改' : '设定';
    $('target-hint').textContent = t
      ? '竖线为目标回收率；低于目标的界别、区县以橙色显示并标注“低于目标”。目标由管理员在“评议设置”中设定。'
      : `尚未设定目标回收率，图中不画目标线。${admin ? '可在“评议设置”中设定。' : '管理员可在“评议设置”中设定。'}`;
  }
  function bar(frac, mark, cls) {
    const fill = el('span', { class: `fill ${cls}` });
    fill.style.width = `${Math.min(100, Math.max(0, frac * 100))}%`;
    if (mark == null) return el('span', { class: 'track' }, fill);
    const m = el('span', { class: 'mark' });
    m.style.left = `${Math.min(100, mark * 100)}%`;
    return el('span', { class: 'track' }, fill, m);
  }
  function panel() {
    const target = S.prog.response_target || null;
    for (const [id, rows, what] of [['by-segment', S.prog.panel.by_segment, '界别'], ['by-district', S.prog.panel.by_district, '区县']]) {
      const tb = $(id).tBodies[0];
      if (!rows || !rows.length) { tb.replaceChildren(el('tr', null, el('td', { colspan: 4, class: 'muted' }, `没有按${what}统计的数据。`))); continue; }
      tb.replaceChildren(...rows.map((r) => {
        const rate = r.invited ? r.responded / r.invited : null;
        const low = target != null && rate != null && rate * 100 < target;
        return el('tr', { class: low ? 'low' : null },
          el('th', { scope: 'row' }, r.name),
          el('td', { class: 'barcell', 'aria-hidden': 'true' }, bar(rate || 0, target == null ? null : target / 100, low ? 'amber' : 'blue')),
          el('td', { class: 'num' }, pct1(rate), low ? el('span', { class: 'tag amber' }, '低于目标') : null),
          el('td', { class: 'num muted' }, `${num(r.responded)} / ${num(r.invited)}`));
      }));
    }
  }
  function units() {
    const p = S.prog, min = p.min_valid, only = $('only-risk').checked;
    // valid_n is null for a unit under k (docs/ANONYMITY.md): counted as short, drawn empty
    const scale = Math.max(min, ...p.units.map((u) => u.valid_n || 0)) * 1.08 || 1;
    const short = (u) => u.valid_n == null || u.valid_n < min;
    const cats = [];
    for (const u of p.units) {
      let c = cats.find((x) => x.code === u.category);
      if (!c) cats.push(c = { code: u.category, name: u.category_name || u.category, units: [] });
      c.units.push(u);
    }
    $('units-hint').textContent = `竖线为最低有效票数 ${min} 张。有效票少于 ${min} 张的单位不参加排名，以红色标出“不足”。`;
    $('units').replaceChildren(...cats.map((c) => {
      const risky = c.units.filter(short);
      const shown = only ? risky : c.units;
      const hid = `cat-${c.code}`;
      return el('section', { class: 'cat', 'aria-labelledby': hid },
        el('h3', { id: hid }, c.name, el('span', { class: risky.length ? 'sub warn' : 'sub' }, `${c.units.length} 个单位，${risky.length} 个不足`)),
        shown.length ? el('table', { class: 'bars units' },
          el('caption', { class: 'sr' }, `${c.name}：各单位有效票（最低 ${min} 张）`),
          el('colgroup', null, el('col', { class: 'c-name' }), el('col'), el('col', { class: 'c-n' })),
          el('thead', { class: 'sr' }, el('tr', null, el('th', { scope: 'col' }, '单位'), el('th', { scope: 'col' }, '图示'), el('th', { scope: 'col' }, '有效票'))),
          el('tbody', null, shown.map((u) => {
            const low = short(u);
            return el('tr', { class: low ? 'risk' : null },
              el('th', { scope: 'row' }, u.name),
              el('td', { class: 'barcell', 'aria-hidden': 'true' }, bar((u.valid_n || 0) / scale, min / scale, low ? 'red' : 'blue')),
              el('td', { class: 'num' }, u.valid_n == null ? el('span', { class: 'muted', title: `为保护评议人匿名，少于 ${p.anonymity_threshold} 张不显示数字` }, `少于 ${p.anonymity_threshold} 张`) : num(u.valid_n),
                low ? el('span', { class: 'tag red' }, '不足') : null));
          }))) : el('p', { class: 'hint' }, `本类别各单位有效票均已达到 ${min} 张。`));
    }));
  }

  Object.assign(M, { stopLive, startLive, renderLive });
})();
