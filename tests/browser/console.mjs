// Browser test of the staff console (web/admin/), driving Debian's Chromium through playwright-core.
//
//   node tests/browser/console.mjs <base_url> <admin_name> <admin_password> <monitor_name> <monitor_password> [token [auditor_name auditor_password]]
//
// Needs a server with the `demo` campaign open, a panel of at least 40 (P0001…) of which P0037–P0039
// have not answered, some ballots (among them a public one with a district), and the outbox SMS gateway. [token] is an unused invitation
// token of the demo campaign: with it the test casts a ballot (one unit 不满意, with a reason that
// looks like HTML), watches the live numbers move and finds the reason in 意见建议.
// THE TEST CHANGES THE DEMO'S SETTINGS, SENDS IT A REMINDER SMS, CLOSES IT, AND CREATES THE CAMPAIGN OF
// examples/campaign.toml and a draft `units-demo`: run it against a throwaway data directory.
// Env: CHROMIUM (browser binary, default /usr/bin/chromium), SCREENSHOT (path of a PNG of the live tab, taken
// once the admin has set the target and a reminder has spent the SMS budget; the list, 名单, 催办, 意见建议,
// 评议设置 and what-if results go next to it as …-list.png, …-roster.png, …-remind.png, …-feedback.png,
// …-settings.png, …-whatif.png and the staff accounts …-users.png).
// Prints `ok N - …` per check passed and a last line `N passed, 0 failed`; on the first failure
// prints `FAIL …` and exits 1.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { apiClient, check, launch, ok, run, step } from './harness.mjs';

const [base0, adminName, adminPass, monName, monPass, token, audName, audPass] = process.argv.slice(2);
if (!base0 || !adminName || !adminPass || !monName || !monPass) {
  console.error('usage: node console.mjs <base_url> <admin_name> <admin_password> <monitor_name> <monitor_password> [token [auditor_name auditor_password]]');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');
const WAIT = 15_000;
const TOTAL = 150_000;
const SLUG = 'demo';
// the example campaign file: the admin creates it through the console
const TOML = readFileSync(new URL('../../examples/campaign.toml', import.meta.url));
const NEW_SLUG = /^slug\s*=\s*"([^"]+)"/m.exec(TOML.toString())[1];
const REASON = '窗口排队时间太长 <img src=x onerror=alert(1)>';
const SIGNAL_LABELS = ['重复提交被拒', '图形验证码错误', '短信验证码错误', '触发限流', '蜜罐字段', '作答过快', '同网段相同答卷',
  '同一网络连续提交', '伪造设备标识', '已标记可疑票', '短信已发送', '短信发送失败'];
const UNITS_SLUG = 'units-demo';

const problems = []; // JS errors and CSP violations seen in the page
let aborting = false; // while the test itself breaks the event stream

const api = apiClient(base, WAIT);
// polls fn() until it returns something truthy
async function until(fn, what, ms = WAIT) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await fn(); } catch (e) { last = undefined; }
    if (last) return last;
    if (Date.now() > end) throw new Error(`${what} (after ${ms / 1000} s)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const text = (page, sel) => page.locator(sel).textContent({ timeout: WAIT });
const visible = (page, sel) => page.locator(sel).waitFor({ state: 'visible', timeout: WAIT });
const count = (s) => Number(String(s).replace(/[^\d]/g, ''));
const sessionStatus = (page) => page.evaluate(() => fetch('/api/v1/admin/session').then((r) => r.status));
// a GET from inside the page (with the staff cookie): status and text
const get = (page, href) => page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, text: await r.text() })), href);
const getJson = async (page, href) => JSON.parse((await get(page, href)).text);
const csvLines = (t) => t.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim());
const shot = async (page, name) => {
  if (!process.env.SCREENSHOT) return;
  const file = process.env.SCREENSHOT.replace(/(\.png)?$/, `-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot: ${file}`);
};
// picks a file for a labelled file input and submits it; the answer of `path`
async function upload(page, label, file, button, path) {
  await page.getByLabel(label).setInputFiles(file);
  const answer = page.waitForResponse((r) => r.url().endsWith(path) && r.request().method() === 'POST', { timeout: WAIT });
  await page.getByRole('button', { name: button, exact: true }).click();
  return answer;
}
// RFC 6238 (SHA-1, 6 digits, 30 s): the code an authenticator app shows for a base32 secret.
function totp(secret, at = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alphabet.indexOf(ch.toUpperCase()).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) || []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const invitedIn = async (page, slug) => (await getJson(page, '/api/v1/admin/campaigns')).find((c) => c.slug === slug).invitations;

// the text of the file a link downloads (a blob: link the page made from what it was shown once)
async function downloaded(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), page.locator(selector).click()]);
  return readFileSync(await download.path()).toString('utf8');
}
// the HTML of the window a button opens and writes (the letters)
async function printed(page, selector) {
  const [opened] = await Promise.all([page.context().waitForEvent('page', { timeout: WAIT }), page.locator(selector).click()]);
  await until(async () => (await opened.content()).includes('class="letter"'), 'the letters window stays empty');
  const html = await opened.content();
  await opened.close();
  return html;
}

async function signIn(page, name, password) {
  await page.getByLabel('用户名', { exact: true }).fill(name);
  await page.getByLabel('密码', { exact: true }).fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/session') && r.request().method() === 'POST', { timeout: WAIT });
  await page.getByRole('button', { name: '登录', exact: true }).click();
  return answer;
}

async function openDemo(page) {
  await visible(page, '#v-list');
  const link = page.locator(`#list-table a[href="#/c/${SLUG}"]`);
  await link.waitFor({ timeout: WAIT });
  await link.click();
  await visible(page, '#p-live');
  await until(async () => /^\d[\d,]*$/.test((await text(page, '#s-ballots')).trim()), 'the live ballot count never appeared');
}

async function main() {
  step('campaign API');
  const c = await api('GET', `/api/v1/campaigns/${SLUG}`);
  check(c.status === 200 && c.data && Array.isArray(c.data.categories), `GET /api/v1/campaigns/${SLUG} answered ${c.status}`);
  const campaign = c.data;
  check(campaign.status === 'open', `the ${SLUG} campaign must be open (it is ${campaign.status})`);
  const units = campaign.categories.flatMap((cat) => cat.units);

  const browser = await launch(WAIT);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`a ${d.type()} dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  // the refusals the test provokes on purpose (bad roster, campaign made twice, unknown member, bad settings,
  // bad unit list, a draft file of another campaign, the invitation list that is no longer made) are no problem
  const provoked = (m) => /status of (404|409|422)/.test(m.text()) &&
    /\/api\/v1\/admin\/(users|campaigns(\/[a-z0-9-]+(\/(roster|settings))?)?|campaigns\/from-units\?.*|campaigns\/[a-z0-9-]+\/invitations\/NOPE-9\/reissue|campaigns\/[a-z0-9-]+\/invitations\.csv)$/.test(m.location().url || '');
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(aborting && /ERR_FAILED/.test(m.text())) && !provoked(m)) problems.push(`console: ${m.text()} (${m.location().url})`); });

  // ---- wrong password ----
  step('sign-in form');
  const first = await page.goto(`${base}/admin/`, { timeout: WAIT });
  check(first && first.status() === 200, `GET /admin/ answered ${first && first.status()}`);
  const csp = first.headers()['content-security-policy'] || '';
  await visible(page, '#signin-form');
  check(await page.getByLabel('用户名', { exact: true }).isVisible() && await page.getByLabel('密码', { exact: true }).isVisible(), 'the form has no labelled 用户名/密码 fields');
  ok(`the sign-in form shows with labelled fields${csp ? ' (under a CSP)' : ''}`);

  step('wrong password');
  const refused = await signIn(page, monName, 'not-the-password-42');
  check(refused.status() === 401, `a wrong password answered ${refused.status()}`);
  const message = (await refused.json()).message;
  await visible(page, '#signin-err');
  const shown = (await text(page, '#signin-err')).trim();
  check(shown === message && /[\u4e00-\u9fff]/.test(shown), `the page shows “${shown}”, the API said “${message}”`);
  check(await page.locator('#signin-err').getAttribute('role') === 'alert', 'the error is not announced (role=alert)');
  ok(`a wrong password shows the API's Chinese message: ${shown}`);

  // ---- monitor ----
  step('monitor signs in');
  const accepted = await signIn(page, monName, monPass);
  check(accepted.status() === 200, `the monitor's sign-in answered ${accepted.status()}`);
  await visible(page, '#who');
  const who = (await text(page, '#who')).replace(/\s+/g, '');
  check(who.includes(monName) && who.includes('作风办工作人员'), `the header shows “${who}”`);
  const row = page.locator('#list-table tbody tr', { has: page.locator(`a[href="#/c/${SLUG}"]`) });
  await row.waitFor({ timeout: WAIT });
  const rowText = await row.textContent();
  check(rowText.includes(campaign.title) && rowText.includes('进行中'), `the campaign list row reads “${rowText}”`);
  check(!(await page.locator('#setup').isVisible()) && await page.locator('#list-table button').count() === 0, 'the monitor is offered campaign setup');
  ok('the monitor signs in: name and role 作风办工作人员 in the header, the demo campaign listed as 进行中, no campaign setup');

  step('live tab');
  await openDemo(page);
  check(await page.locator('#t-live').getAttribute('aria-selected') === 'true', 'the live tab is not selected');
  const before = count(await text(page, '#s-ballots'));
  const rate = (await text(page, '#s-rate')).trim();
  check(/^\d+(\.\d)?%$/.test(rate), `the panel response rate reads “${rate}”`);
  const svg = page.locator('#hourly svg[role=img]');
  await svg.waitFor({ timeout: WAIT });
  check(/选票/.test(await svg.getAttribute('aria-label')), 'the hourly chart has no text alternative');
  check(await page.locator('#hourly svg rect.bar').count() >= 1, 'the hourly chart has no bars');
  check(await page.locator('#by-segment tbody tr').count() >= 1 && await page.locator('#by-district tbody tr').count() >= 1, 'no response-rate bars by segment and district');
  const cats = await page.locator('#units section.cat').count();
  check(cats === campaign.categories.length, `the unit chart has ${cats} categories, the campaign ${campaign.categories.length}`);
  check(await page.locator('#units tbody tr').count() === units.length, 'the unit chart does not list every unit');
  ok(`the live tab shows ${before} ballots, response rate ${rate}, the hourly chart and ${cats} categories of units`);

  await until(async () => (await text(page, '#s-conn')).includes('实时推送'), 'the live numbers never came over the event stream');
  ok('the live numbers come over Server-Sent Events (实时推送)');

  step('a new ballot');
  // the ballot rates one unit with the option that asks for a reason, for the feedback check
  const asking = campaign.scale.find((o) => o.asks_reason);
  const poorUnit = units[1] || units[0];
  if (token) {
    await page.evaluate(() => { window.__sameDocument = true; });
    const ratings = Object.fromEntries(units.map((u) => [u.code, 'satisfied']));
    ratings[poorUnit.code] = asking.code;
    const cast = await api('POST', `/api/v1/campaigns/${SLUG}/ballots`, { invitation: token, ratings, reasons: { [poorUnit.code]: REASON } });
    check(cast.status === 201, `the ballot answered ${cast.status} ${JSON.stringify(cast.data)}`);
    const counted = Date.now();
    const after = await until(async () => {
      const n = count(await text(page, '#s-ballots'));
      return n > before ? n : 0;
    }, 'the ballot count did not go up');
    check(await page.evaluate(() => window.__sameDocument === true), 'the page was reloaded');
    ok(`a new ballot shows without a reload: ${before} → ${after}, ${Date.now() - counted} ms after its 201`);
  } else {
    console.log('# skipped the live ballot check: no invitation token given');
  }

  step('public channel on the live tab');
  const live0 = await getJson(page, `/api/v1/admin/campaigns/${SLUG}/progress`);
  check((await page.locator('#signals li[data-signal] .k').allTextContents()).join() === SIGNAL_LABELS.join(), 'the 异常信号 panel does not list the twelve signals in Chinese');
  await until(async () => {
    const shown = await page.locator('#signals li[data-signal]').evaluateAll((li) => li.map((l) => [l.dataset.signal, l.querySelector('.v').textContent]));
    return shown.every(([k, v]) => count(v) === (live0.public.signals[k] || 0));
  }, 'the signal counts are not those of the progress data');
  const meters = page.locator('#sms-budget [data-meter] [role=meter]');
  check(await meters.count() === 2, 'no SMS budget bars for the campaign and all campaigns');
  check(await meters.first().getAttribute('aria-valuemax') === String(live0.public.sms.per_hour), 'the campaign budget bar is not against its hourly limit');
  check(await page.locator('#sms-budget .meter.hot').count() === 0, 'an unused budget is highlighted');
  let panelRow;
  await until(async () => {
    panelRow = (await text(page, '#by-class tr[data-class="panel"]')).replace(/,/g, '');
    return panelRow.includes('评议团') && panelRow.includes(`${live0.by_class.panel} 张`);
  }, `the panel ballots read “${panelRow}”, the progress data ${live0.by_class.panel}`);
  check(await page.locator('#by-class tr[data-class="public"]').count() === 1, 'no row for 公众（手机） while the phone channel is open');
  // public ballots by the district people chose: every listed district, bars with their counts as text
  const byDistrict = live0.public.by_district || [];
  check(byDistrict.slice(0, campaign.districts.length).map((d) => d.name).join() === campaign.districts.join(),
    `the progress data lists public ballots by district as ${JSON.stringify(byDistrict)}, the campaign's districts are ${campaign.districts}`);
  const chosen = byDistrict.find((d) => d.ballots > 0);
  // Districts are content: counted in steps of k, so they trail the live count of ballots.
  const byDistrictSum = byDistrict.reduce((a, d) => a + d.ballots, 0);
  check(chosen && byDistrictSum > 0 && byDistrictSum <= live0.by_class.public, `the public ballots by district (${byDistrictSum}) do not fit the public ballots (${live0.by_class.public})`);
  await until(async () => {
    const shown = await page.locator('#pub-district tbody tr[data-district]').evaluateAll((rows) =>
      rows.map((r) => [r.dataset.district, r.querySelector('th').textContent, r.querySelector('td.num').firstChild.textContent]));
    return shown.length === byDistrict.length && shown.every(([k, name, n], i) => k === byDistrict[i].name && name === k && count(n) === byDistrict[i].ballots);
  }, 'the 公众选票按区县 rows are not those of the progress data');
  const bars = page.locator('#pub-district td.barcell[aria-hidden="true"] .track .fill');
  check(await bars.count() === byDistrict.length, 'a district row has no bar, or its bar is not hidden behind the text');
  const chosenWidth = await page.locator(`#pub-district tr[data-district="${chosen.name}"] .fill`).evaluate((f) => f.style.width);
  check(chosenWidth === '100%', `the bar of ${chosen.name} (the only district with ballots) is ${chosenWidth} wide`);
  check((await text(page, '#pub-district caption')).includes('公众选票'), 'the district table has no caption');
  check((await text(page, '#pub-mode')).includes('手机验证码'), 'the public channel mode is not shown');
  check(live0.response_target == null && (await text(page, '#target-v')).trim() === '未设定', 'the target line is not the server’s (none yet)');
  check(await page.locator('#by-segment .mark').count() === 0 && await page.locator('#target').count() === 0, 'a target line without a target, or a local target input');
  check(!(await page.locator('#target-edit').isVisible()), 'the monitor is offered to change the target');
  ok(`the live tab shows ballots by class (评议团 ${live0.by_class.panel}), public ballots by district (${byDistrict.length} rows, ${chosen.name} ${chosen.ballots}), the ten 异常信号 in Chinese, two SMS budget bars, and no target line until one is set`);

  step('results (monitor)');
  await page.getByRole('tab', { name: '结果' }).click();
  await until(async () => (await page.locator('#r-cats section[data-category]').count()) === campaign.categories.length, 'the results have no table per category');
  const doc = await page.evaluate((slug) => fetch(`/api/v1/admin/campaigns/${slug}/results`).then((r) => r.json()), SLUG);
  const shownRanks = await page.locator('#r-cats tr[data-unit]').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => {
      const cell = r.querySelector('.rank').cloneNode(true);
      cell.querySelectorAll('.sr, .small').forEach((e) => e.remove()); // 不排名 for screen readers, 并列
      return [r.dataset.unit, cell.textContent.trim()];
    })));
  for (const u of doc.results.units) {
    const want = u.rank == null ? '—' : String(u.rank);
    check(shownRanks[u.code] === want, `unit ${u.code} shows rank “${shownRanks[u.code]}”, the results say ${want}`);
  }
  const heads = await page.locator('#r-cats table').first().locator('thead th').allTextContents();
  for (const h of ['排名', '单位', '有效票', '满意率', '评议团', '综合得分', '折算分值']) check(heads.includes(h), `the results table has no column ${h}`);
  check((await text(page, '#r-badge')).trim() === '临时结果', 'no 临时结果 badge');
  const ranked = doc.results.units.filter((u) => u.rank != null).length;
  ok(`the results show ${campaign.categories.length} category tables with the ranks of the API (${ranked} units ranked), marked 临时结果`);

  step('results with and without flagged ballots');
  check((await text(page, '#r-viewnote')).includes('按计分规则计算的临时结果'), 'the results do not say they follow the formula');
  const whatIf = page.waitForResponse((r) => r.url().endsWith('/results?flagged=exclude'), { timeout: WAIT });
  await page.locator('#r-view label', { hasText: '不含可疑票' }).click();
  check((await whatIf).status() === 200, 'the what-if results were not asked for');
  await until(async () => (await text(page, '#r-badge')).trim() === '假设结果', 'the badge does not say 假设结果');
  const note = (await text(page, '#r-viewnote')).trim();
  check(note.includes('不计入可疑票') && note.includes('不是正式结果'), `the what-if note reads “${note}”`);
  await until(async () => (await page.locator('#r-cats section[data-category]').count()) === campaign.categories.length, 'the what-if results have no tables');
  await shot(page, 'whatif');
  await page.locator('#r-view label', { hasText: '按计分规则' }).click();
  await until(async () => (await text(page, '#r-badge')).trim() === '临时结果', 'the formula view did not come back');
  ok(`the results toggle to 不含可疑票 (假设结果: “${note.slice(0, 24)}…”) and back to the formula's figures`);

  step('monitor limits');
  check(!(await page.locator('#r-close').isVisible()) && await page.getByRole('button', { name: '结束评议并封存结果' }).count() === 0, 'the monitor sees the close button');
  check(await page.getByRole('tab', { name: '审计日志' }).count() === 0, 'the monitor sees the audit tab');
  check(await page.getByRole('tab', { name: '评议团名单' }).count() === 0, 'the monitor sees the roster tab');
  check(await page.getByRole('tab', { name: '评议设置' }).count() === 0, 'the monitor sees the settings tab');
  check(await page.getByRole('tab', { name: '催办' }).count() === 1 && await page.getByRole('tab', { name: '意见建议' }).count() === 1, 'the monitor has no 催办 or 意见建议 tab');
  for (const tab of ['audit', 'roster', 'settings']) {
    await page.evaluate((h) => { location.hash = h; }, `#/c/${SLUG}/results`);
    await until(async () => await page.locator('#t-results').getAttribute('aria-selected') === 'true', 'the results tab did not open');
    await page.evaluate((h) => { location.hash = h; }, `#/c/${SLUG}/${tab}`);
    await until(async () => await page.locator('#t-live').getAttribute('aria-selected') === 'true', `an ${tab} address did not fall back to the live tab`);
  }
  await page.getByRole('tab', { name: '催办' }).click();
  await visible(page, '#nr-table');
  check(await page.locator('#rm-card').getAttribute('hidden') !== null, 'the monitor is offered reminder SMS');
  await page.getByRole('tab', { name: '导出' }).click();
  await visible(page, '#exports li[data-file="ballots.jsonl"]');
  check(await page.locator('#exports li[data-file="ballots.jsonl"] a').count() === 0, 'the ballots export is offered before the close');
  check(await page.locator('#exports a[href$="/export/results.xlsx"]').count() === 1, 'no results.xlsx link');
  ok('the monitor sees no close button, no audit, roster or settings tab (but 催办 and 意见建议); the ballots export waits for the close');

  step('sign out');
  await page.getByRole('button', { name: '退出登录' }).click();
  await visible(page, '#signin-form');
  check(await sessionStatus(page) === 401, 'the session still answers after signing out');
  ok('signing out returns to the sign-in form and ends the session');

  // ---- admin ----
  step('admin signs in');
  const adm = await signIn(page, adminName, adminPass);
  check(adm.status() === 200, `the admin's sign-in answered ${adm.status()}`);
  await until(async () => (await text(page, '#who')).includes('管理员'), 'the header does not show 管理员');
  // the hash still points at the demo campaign: the admin lands there
  if (!(await page.locator('#v-campaign').isVisible())) await openDemo(page);
  ok('the admin signs in (管理员)');

  step('audit log');
  await page.getByRole('tab', { name: '审计日志' }).click();
  await until(async () => (await page.locator('#a-table tbody tr[data-action="staff.sign_in"]').count()) >= 2, 'no staff.sign_in entries in the audit log');
  const when = (await page.locator('#a-table tbody tr[data-action="staff.sign_in"] td').first().textContent()).trim();
  check(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(when), `the audit time reads “${when}”`);
  await page.getByLabel('筛选').fill('sign_out');
  await until(async () => {
    const actions = await page.locator('#a-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    return actions.length >= 1 && actions.every((a) => a === 'staff.sign_out');
  }, 'the filter did not narrow the audit log to sign-outs');
  ok(`the admin sees the audit log with staff.sign_in entries (e.g. at ${when}) and can filter it`);

  step('settings form');
  await page.getByRole('tab', { name: '评议设置' }).click();
  await visible(page, '#st-form');
  await until(async () => page.locator('input[name="st-mode"][value="phone"]').isChecked(), 'the public channel mode was not filled in');
  const smsField = page.getByLabel('每小时短信上限（条）');
  check(await smsField.inputValue() === '', 'the deployment default was written into the SMS budget field');
  check((await smsField.getAttribute('placeholder')).includes(String(live0.public.sms.per_hour)), 'the SMS budget default is not shown');
  check(await page.getByLabel('目标回收率（%）').inputValue() === '', 'a target was filled in where none is set');
  const putSettings = () => page.waitForResponse((r) => r.url().endsWith(`/campaigns/${SLUG}/settings`) && r.request().method() === 'PUT', { timeout: WAIT });
  await page.getByLabel('开始日期').fill('2026-12-20');
  await page.getByLabel('结束日期').fill('2026-12-01');
  let saved = putSettings();
  await page.getByRole('button', { name: '保存设置' }).click();
  const badSettings = await saved;
  const badBody = await badSettings.json();
  check(badSettings.status() === 422 && badBody.field === 'closes_on', `dates out of order answered ${badSettings.status()} ${JSON.stringify(badBody)}`);
  await visible(page, '#st-closes-err');
  check((await text(page, '#st-closes-err')).trim() === badBody.message, 'the error is not shown next to 结束日期');
  check(await page.getByLabel('结束日期').getAttribute('aria-invalid') === 'true', '结束日期 is not marked invalid');
  await page.getByLabel('开始日期').fill('2026-12-01');
  await page.getByLabel('结束日期').fill('2026-12-20');
  await page.getByLabel('目标回收率（%）').fill('55');
  await page.getByLabel('每小时短信上限（条）').fill('1');
  saved = putSettings();
  await page.getByRole('button', { name: '保存设置' }).click();
  check((await saved).status() === 204, 'the settings were not saved');
  await visible(page, '#st-ok');
  check(!(await page.locator('#st-closes-err').isVisible()), 'the old field error is still shown');
  await shot(page, 'settings');
  const live1 = await until(async () => {
    const p = await getJson(page, `/api/v1/admin/campaigns/${SLUG}/progress`);
    return p.response_target === 55 && p.closes_on === '2026-12-20' && p.public.sms.per_hour === 1 ? p : null;
  }, 'the progress data does not carry the new settings');
  ok(`评议设置 shows 结束日期's error (${badBody.message}) next to the field, then saves 2026-12-01–2026-12-20, target 55%, 1 SMS per hour (mode ${live1.public.mode})`);

  step('target line from the server');
  await page.getByRole('tab', { name: '实时进度' }).click();
  await until(async () => (await text(page, '#target-v')).trim() === '55%', 'the live tab does not show the target 55%');
  const markAt = () => page.locator('#by-segment .mark').first().evaluate((e) => e.style.left);
  await until(async () => (await markAt()) === '55%', 'the target line is not at 55%');
  await page.reload({ timeout: WAIT });
  await visible(page, '#p-live');
  await until(async () => (await text(page, '#target-v')).trim() === '55%' && (await markAt()) === '55%', 'after a reload the target line is not at 55%');
  ok('the target line comes from the server: 55% after the admin saved it, and again after a reload');

  step('roster faults');
  await page.getByRole('tab', { name: '评议团名单' }).click();
  await visible(page, '#p-roster');
  const invitedBefore = await invitedIn(page, SLUG);
  const bad = '成员编号,界别,区县,手机号\nX0001,企业界,城关区,\nX 0002,,高新区,12345\n';
  const refusedRoster = await upload(page, '名单文件', { name: 'roster-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) }, '导入名单', `/campaigns/${SLUG}/roster`);
  check(refusedRoster.status() === 422, `the bad roster answered ${refusedRoster.status()}`);
  const faults = (await refusedRoster.json()).details.rows;
  await visible(page, '#ro-faults');
  const listed = await page.locator('#ro-faults tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  check(listed.length === faults.length && faults.length >= 3, `the page lists ${listed.length} faults, the API gave ${faults.length}`);
  for (const f of faults) check(listed.some(([row, col, why]) => row === String(f.row) && col === f.column && why === f.reason), `the fault ${JSON.stringify(f)} is not listed`);
  for (const col of ['成员编号', '界别', '手机号']) check(listed.some(([row, c]) => row === '3' && c === col), `no fault for row 3, column ${col}`);
  const summary = (await text(page, '#ro-err')).trim();
  check(summary.includes(`${faults.length} 处错误`) && summary.includes('没有导入任何成员'), `the summary reads “${summary}”`);
  check(await invitedIn(page, SLUG) === invitedBefore, 'the bad roster imported members');
  await shot(page, 'roster-faults');
  ok(`a roster with one bad row lists all ${faults.length} faults (row 3: ${listed.map((l) => l[1]).join('、')}) and imports nothing`);

  step('roster of invited members');
  // the demo's first member (its invitations were shown once, when it was made)
  const demoMember = 'P0001';
  const twice = await upload(page, '名单文件', { name: 'roster-again.csv', mimeType: 'text/csv', buffer: Buffer.from(`成员编号,界别,区县\nX0009,企业界,城关区\n${demoMember},企业界,城关区\n`) }, '导入名单', `/campaigns/${SLUG}/roster`);
  check(twice.status() === 409, `a roster of invited members answered ${twice.status()}`);
  await visible(page, '#ro-members');
  check((await page.locator('#ro-members li').allTextContents()).join() === demoMember, 'the members already invited are not listed');
  check(!(await page.locator('#ro-faults').isVisible()), 'the old faults are still shown');
  check(await invitedIn(page, SLUG) === invitedBefore, 'a refused roster imported members');
  ok(`a roster with a member already invited (${demoMember}) is refused and the member listed`);

  step('campaign setup');
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await visible(page, '#setup');
  const toml = { name: 'campaign.toml', mimeType: 'application/toml', buffer: TOML };
  const created = await upload(page, '活动文件', toml, '上传并创建', '/api/v1/admin/campaigns');
  check(created.status() === 201, `creating the campaign answered ${created.status()}`);
  const newRow = page.locator(`#list-table tbody tr[data-slug="${NEW_SLUG}"]`);
  await until(async () => (await newRow.textContent()).includes('草稿'), `${NEW_SLUG} is not listed as 草稿`);
  check((await text(page, '#list-note')).includes(NEW_SLUG), 'no note that the campaign was made');
  const again = await upload(page, '活动文件', toml, '上传并创建', '/api/v1/admin/campaigns');
  check(again.status() === 409, `creating it again answered ${again.status()}`);
  await visible(page, '#cf-err');
  check((await text(page, '#cf-err')).includes((await again.json()).message), 'the 409 message is not shown');
  const broken = await upload(page, '活动文件', { name: 'broken.toml', mimeType: 'application/toml', buffer: Buffer.from('slug = "x"\n') }, '上传并创建', '/api/v1/admin/campaigns');
  check(broken.status() === 422, `a broken campaign file answered ${broken.status()}`);
  const brokenMsg = (await broken.json()).message.trim();
  await until(async () => (await text(page, '#cf-err')).trim() === brokenMsg, `the 422 message “${brokenMsg}” is not shown`);
  await shot(page, 'list');
  ok(`the admin creates ${NEW_SLUG} from examples/campaign.toml (草稿); a second upload and a broken file show the API's messages`);

  step('draft from a unit list');
  await page.getByLabel('活动标识').fill(UNITS_SLUG);
  await page.getByLabel('活动名称').fill('单位名单测试');
  const fromUnits = async (csv) => {
    await page.getByLabel('单位名单（.csv 或 .xlsx）').setInputFiles({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const answer = page.waitForResponse((r) => r.url().includes('/campaigns/from-units?') && r.request().method() === 'POST', { timeout: WAIT });
    await page.getByRole('button', { name: '上传名单并新建' }).click();
    return answer;
  };
  const badUnits = await fromUnits('类别代码,类别名称,单位代码,单位名称\nA,党政综合服务,A01,市委办公室\nA,党政综合服务,A01,市政府办公室\nB 1,,B01,市财政局\n');
  check(badUnits.status() === 422, `the bad unit list answered ${badUnits.status()}`);
  const unitFaults = (await badUnits.json()).details.rows;
  await visible(page, '#uf-faults');
  const unitRows = await page.locator('#uf-faults tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  check(unitRows.length === unitFaults.length && unitFaults.length >= 3, `the page lists ${unitRows.length} faults, the API gave ${unitFaults.length}`);
  for (const f of unitFaults) check(unitRows.some(([row, col, why]) => row === String(f.row) && col === f.column && why === f.reason), `the fault ${JSON.stringify(f)} is not listed`);
  check((await text(page, '#uf-err')).includes('没有新建'), 'the summary does not say nothing was made');
  check(await page.locator(`#list-table tr[data-slug="${UNITS_SLUG}"]`).count() === 0, 'the bad unit list made a campaign');
  const goodUnits = await fromUnits('类别代码,类别名称,单位代码,单位名称\nA,党政综合服务,A01,市委办公室\nA,党政综合服务,A02,市政府办公室\n');
  check(goodUnits.status() === 201, `the unit list answered ${goodUnits.status()}`);
  const unitsRow = page.locator(`#list-table tbody tr[data-slug="${UNITS_SLUG}"]`);
  await until(async () => (await unitsRow.textContent()).includes('草稿'), `${UNITS_SLUG} is not listed as 草稿`);
  check(!(await page.locator('#uf-faults').isVisible()), 'the old faults are still shown');
  check(await page.locator('#uf-tpl').getAttribute('href') === '/api/v1/admin/units-template.csv', 'no unit-list template link');
  ok(`a unit list with bad rows lists its ${unitFaults.length} faults by row and makes nothing; a good one makes the draft ${UNITS_SLUG}`);

  step('replace a draft');
  await unitsRow.getByRole('link').click();
  await page.getByRole('tab', { name: '评议设置' }).click();
  await visible(page, '#rf-form');
  const replace = async (buffer) => {
    await page.getByLabel('修改后的活动定义（.toml）').setInputFiles({ name: 'campaign.toml', mimeType: 'application/toml', buffer });
    const answer = page.waitForResponse((r) => r.url().endsWith(`/campaigns/${UNITS_SLUG}`) && r.request().method() === 'PUT', { timeout: WAIT });
    await page.getByRole('button', { name: '上传并替换草稿' }).click();
    return answer;
  };
  const mismatch = await replace(TOML);
  check(mismatch.status() === 422, `another campaign's file answered ${mismatch.status()}`);
  await visible(page, '#rf-err');
  check((await text(page, '#rf-err')).includes((await mismatch.json()).message), 'the slug mismatch is not explained');
  const own = Buffer.from(TOML.toString().replace(/^slug\s*=\s*"[^"]+"/m, `slug = "${UNITS_SLUG}"`));
  const replaced = await replace(own);
  check(replaced.status() === 204, `replacing the draft answered ${replaced.status()}`);
  await visible(page, '#rf-ok');
  // the campaign JSON is cached for a second
  const tomlTitle = /^title\s*=\s*"([^"]+)"/m.exec(TOML.toString())[1];
  const after = await until(async () => {
    const d = (await api('GET', `/api/v1/campaigns/${UNITS_SLUG}`)).data;
    return d.title === tomlTitle && d.categories.length > 1 ? d : null;
  }, 'the draft was not replaced');
  check(!(await page.locator('#rf-err').isVisible()), 'the old error is still shown');
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await visible(page, '#setup');
  ok(`a draft is replaced from its campaign file (${after.categories.length} categories); another campaign's file is refused with the API's message`);

  step('roster import (draft)');
  await newRow.getByRole('link').click();
  await page.getByRole('tab', { name: '评议团名单' }).click();
  await visible(page, '#p-roster');
  const good = '成员编号,界别,区县,手机号\nQ001,人大代表,城关区,13800138000\nQ002,企业界,高新区,\nQ003,政协委员,城关区,139 0013 9000\n';
  const imported = await upload(page, '名单文件', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(good) }, '导入名单', `/campaigns/${NEW_SLUG}/roster`);
  check(imported.status() === 201, `the roster answered ${imported.status()}`);
  await visible(page, '#ro-ok');
  const okText = (await text(page, '#ro-ok')).trim();
  check(/导入 3 名成员/.test(okText) && !(await page.locator('#ro-err').isVisible()), `the page says “${okText}”`);
  // shown once: the list to download and the letters to print come with the import, nowhere else
  await visible(page, '#inv-once');
  check((await text(page, '#inv-once')).includes('只显示这一次'), 'the page does not say the invitations are shown once');
  const lines = csvLines(await downloaded(page, '#inv-once a[data-once="csv"]'));
  check(lines.length === 4, `the invitation list has ${lines.length} lines`);
  const head = lines[0].replace(/^\ufeff/, '').split(',');
  const oldCode = lines.map((l) => l.split(',')).find((r) => r[0] === 'Q002')[head.indexOf('short_code')];
  const letters = await printed(page, '#inv-once button[data-once="letters"]');
  check((letters.match(/class="letter"/g) || []).length === 3 && letters.includes(oldCode), 'the letters do not carry the 3 invitations');
  check((await get(page, `/api/v1/admin/campaigns/${NEW_SLUG}/invitations.csv`)).status === 404, 'the server still makes the invitation list again');
  await shot(page, 'roster');
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  ok('a good roster imports 3 members before opening; its list (3 lines) and letters are shown once, and cannot be fetched again');

  step('open the new campaign');
  await newRow.getByRole('button', { name: '开始评议' }).click();
  const openDlg = page.getByRole('dialog');
  await openDlg.waitFor({ timeout: WAIT });
  await page.keyboard.press('Escape');
  await openDlg.waitFor({ state: 'hidden', timeout: WAIT });
  check((await newRow.textContent()).includes('草稿'), 'escaping the dialog opened the campaign');
  await newRow.getByRole('button', { name: '开始评议' }).click();
  await openDlg.waitFor({ timeout: WAIT });
  await openDlg.getByRole('button', { name: '确认开始评议' }).click();
  await until(async () => (await newRow.textContent()).includes('进行中'), `${NEW_SLUG} is not listed as 进行中`);
  check((await api('GET', `/api/v1/campaigns/${NEW_SLUG}`)).data.status === 'open', 'the campaign did not open');
  check(await newRow.locator('button').count() === 0, 'the open campaign still offers 开始评议');
  ok(`开始评议, confirmed in a dialog, opens ${NEW_SLUG}`);

  step('reissue (a request once open)');
  await newRow.getByRole('link').click();
  await visible(page, '#p-live');
  await page.getByRole('tab', { name: '评议团名单' }).click();
  await visible(page, '#p-roster');
  await page.getByLabel('成员编号', { exact: true }).fill('Q002');
  await page.getByRole('button', { name: '补发邀请', exact: true }).click();
  const riDlg = page.getByRole('dialog');
  await riDlg.waitFor({ timeout: WAIT });
  check((await riDlg.textContent()).includes('失效'), 'the re-issue dialog does not say the old invitation stops working');
  const reissued = page.waitForResponse((r) => r.url().endsWith('/invitations/Q002/reissue'), { timeout: WAIT });
  await riDlg.getByRole('button', { name: '确认补发' }).click();
  check((await reissued).status() === 202, 'once open, a re-issue is not a request');
  await visible(page, '#ri-out');
  check((await text(page, '#ri-ok')).includes('复核') && !(await text(page, '#ri-out')).includes('#i='), 'the page shows a credential, or does not say a second person must approve');
  await page.getByLabel('成员编号', { exact: true }).fill('NOPE-9');
  await page.getByRole('button', { name: '补发邀请', exact: true }).click();
  await riDlg.waitFor({ timeout: WAIT });
  await riDlg.getByRole('button', { name: '确认补发' }).click();
  await visible(page, '#ri-err');
  check((await text(page, '#ri-err')).includes('NOPE-9') && !(await page.locator('#ri-out').isVisible()), 'an unknown member is not explained');
  await page.getByRole('tab', { name: '审计日志' }).click();
  const ownRequest = page.locator('#ap-table tr[data-status="pending"]');
  await ownRequest.first().waitFor({ timeout: WAIT });
  check((await ownRequest.first().textContent()).includes('本人申请') && await ownRequest.first().locator('button').count() === 0, 'the requester is offered to approve their own request');
  ok('once open, re-issuing Q002 files a request that shows no credential, which its requester cannot approve; an unknown member is explained');

  if (audName) {
    step('a second person approves (auditor)');
    const second = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    second.setDefaultTimeout(WAIT);
    const p2 = await second.newPage();
    p2.on('pageerror', (e) => problems.push(`page error (auditor): ${e.message}`));
    await p2.goto(`${base}/admin/`, { timeout: WAIT });
    check((await signIn(p2, audName, audPass)).status() === 200, 'the auditor cannot sign in');
    await visible(p2, '#v-list');
    await p2.locator(`#list-table a[href="#/c/${NEW_SLUG}"]`).click();
    await p2.getByRole('tab', { name: '审计日志' }).click();
    const row = p2.locator('#ap-table tr[data-status="pending"]').first();
    await row.waitFor({ timeout: WAIT });
    check((await row.textContent()).includes('Q002'), 'the request does not name Q002');
    await row.getByRole('button', { name: '批准' }).click();
    const dlg = p2.getByRole('dialog');
    await dlg.waitFor({ timeout: WAIT });
    const decided = p2.waitForResponse((r) => /\/approvals\/\d+\/approve$/.test(r.url()), { timeout: WAIT });
    await dlg.getByRole('button', { name: '确认批准' }).click();
    check((await decided).status() === 200, 'the approval failed');
    await visible(p2, '#ap-once');
    const fresh = csvLines(await downloaded(p2, '#ap-once a[data-once="csv"]'));
    const newCode = fresh[1].split(',')[head.indexOf('short_code')];
    check(fresh.length === 2 && newCode && newCode !== oldCode, `the approver's list reads ${fresh.length} lines, code ${newCode} (was ${oldCode})`);
    await until(async () => (await p2.locator('#ap-table tr[data-status="approved"]').count()) === 1, 'the request is not shown approved');
    await second.close();
    ok(`the auditor approves: Q002's new invitation (${oldCode} → ${newCode}) is shown to the approver, once`);
  }

  step('non-responders');
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await openDemo(page);
  await page.getByRole('tab', { name: '催办' }).click();
  await visible(page, '#p-remind');
  let panelNow;
  const missing = await until(async () => {
    panelNow = (await getJson(page, `/api/v1/admin/campaigns/${SLUG}/progress`)).panel;
    const want = panelNow.invited - panelNow.responded;
    const shown = count(await text(page, '#nr-n'));
    const rows = await page.locator('#nr-table tbody td.mono').count();
    return shown === want && rows === want ? [want] : null;
  }, 'the non-responders count is not invited − responded');
  const nrHref = await page.locator('#nr-csv').getAttribute('href');
  check(nrHref === `/api/v1/admin/campaigns/${SLUG}/non-responders?format=csv`, `the download link is ${nrHref}`);
  const segments = await page.locator('#nr-seg option').allTextContents();
  check(panelNow.by_segment.every((s) => segments.includes(s.name)), 'the segment filter lacks segments of the progress data');
  const seg = panelNow.by_segment.find((s) => s.invited > s.responded) || panelNow.by_segment[0];
  await page.getByLabel('界别', { exact: true }).selectOption(seg.name);
  await until(async () => count(await text(page, '#nr-n')) === seg.invited - seg.responded &&
    (await page.locator('#nr-table tbody td.mono').count()) === seg.invited - seg.responded, `the ${seg.name} filter did not narrow the list`);
  const segCells = await page.locator('#nr-table tbody tr td:nth-child(2)').allTextContents();
  check(segCells.every((t) => t === seg.name), 'the filtered list has other segments');
  const segHref = await page.locator('#nr-csv').getAttribute('href');
  check(segHref.endsWith(`?segment=${encodeURIComponent(seg.name)}&format=csv`), `the filtered download link is ${segHref}`);
  const nrCsv = await get(page, segHref);
  check(nrCsv.status === 200 && csvLines(nrCsv.text).length === seg.invited - seg.responded + 1, 'the filtered CSV does not hold the filtered members');
  await page.getByLabel('界别', { exact: true }).selectOption('');
  await until(async () => count(await text(page, '#nr-n')) === missing[0], 'clearing the filter did not bring the full list back');
  ok(`催办 lists ${missing[0]} non-responders = ${panelNow.invited} invited − ${panelNow.responded} responded; the ${seg.name} filter and its CSV link follow`);

  step('reminders');
  await visible(page, '#rm-card');
  const remindCsv = '成员编号,界别,区县,手机号\nP0001,x,y,19900000001\nP0037,x,y,19900000037\nP0038,x,y,199 0000 0038\nP0039,x,y,\nX0001,x,y,13800138000\n';
  await page.getByLabel('评议团名单（.csv 或 .xlsx，含手机号）').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(remindCsv) });
  const dryRun = page.waitForResponse((r) => r.url().endsWith('/reminders?dry_run=true'), { timeout: WAIT });
  await page.getByRole('button', { name: '检查名单并发送' }).click();
  const plan = await (await dryRun).json();
  check(plan.to_send === 2 && plan.budget_left === 1 && plan.already_responded === 1 && plan.without_number === 1 && plan.not_invited === 1, `the dry run answered ${JSON.stringify(plan)}`);
  const rmDlg = page.getByRole('dialog');
  await rmDlg.waitFor({ timeout: WAIT });
  const rmText = await rmDlg.textContent();
  check(rmText.includes('发送 2 条催办短信') && rmText.includes('只剩 1 条'), `the confirmation reads “${rmText}”`);
  const sending = page.waitForResponse((r) => r.url().endsWith(`/campaigns/${SLUG}/reminders`) && r.request().method() === 'POST', { timeout: WAIT });
  await rmDlg.getByRole('button', { name: '确认发送' }).click();
  const sentCounts = await (await sending).json();
  check(sentCounts.sent === 1 && sentCounts.over_budget === 1 && sentCounts.failed === 0, `the batch answered ${JSON.stringify(sentCounts)}`);
  await visible(page, '#rm-ok');
  check((await text(page, '#rm-ok')).includes('已发送 1 条') && (await text(page, '#rm-counts [data-count="over_budget"] dd')) === '1', 'the result is not shown');
  await shot(page, 'remind');
  ok(`催办短信: a roster file is checked first (2 to send, 1 SMS left this hour), then sends 1 and reports 1 over the budget`);

  step('SMS budget on the live tab');
  await page.getByRole('tab', { name: '实时进度' }).click();
  const hotMeter = page.locator('#sms-budget [data-meter="campaign"]');
  await until(async () => (await hotMeter.getAttribute('class')).includes('hot') && (await hotMeter.textContent()).includes('已用完'), 'the used-up SMS budget is not highlighted');
  await until(async () => count(await text(page, '#signals li[data-signal="sms_sent"] .v')) === 1, '短信已发送 does not count the reminder');
  check(!(await page.locator('#sms-budget [data-meter="all"]').getAttribute('class')).includes('hot'), 'the all-campaigns budget is highlighted');
  if (process.env.SCREENSHOT) {
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log(`# screenshot of the live tab: ${process.env.SCREENSHOT}`);
  }
  ok('the live tab highlights the campaign’s used-up SMS budget (1 / 1, 已用完) and counts 短信已发送 1');

  step('SMS outbox');
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await visible(page, '#outbox');
  const obRow = page.locator('#ob-table tbody tr').first();
  await until(async () => /199\*{4}003[78]/.test(await obRow.textContent()) && (await obRow.textContent()).includes('【民评】'), 'the reminder is not in the outbox');
  check((await text(page, '#ob-h')).includes('演示用，未真实发送'), 'the outbox does not say nothing was really sent');
  check(!/19900000037|19900000038/.test(await text(page, '#ob-table')), 'the outbox shows a whole number');
  ok('the SMS outbox (演示用，未真实发送) shows the reminder with the number masked');

  step('staff accounts');
  await visible(page, '#users');
  await until(async () => (await page.locator('#us-table tbody tr').count()) >= 2, 'the accounts are not listed');
  check(await page.locator(`#us-table tr[data-user="${monName}"]`).count() === 1, 'the monitor is not listed');
  await page.getByLabel('新账号的用户名').fill('wang');
  await page.getByLabel('新账号的角色').selectOption('monitor');
  await page.getByLabel('新账号的初始密码').fill('1234567890');
  await page.getByRole('button', { name: '添加账号', exact: true }).click();
  await until(async () => (await text(page, '#us-err')).includes('12 个字符'), 'a short password is not refused with its reason');
  ok(`a weak password is refused: ${(await text(page, '#us-err')).trim()}`);
  await page.getByLabel('新账号的初始密码').fill('');
  await page.getByLabel('同时设置动态验证码（两步验证）').check();
  const adding = page.waitForResponse((r) => r.url().endsWith('/api/v1/admin/users') && r.request().method() === 'POST', { timeout: WAIT });
  await page.getByRole('button', { name: '添加账号', exact: true }).click();
  const added = await (await adding).json();
  await visible(page, '#us-qr');
  check((await text(page, '#us-secret')).includes(added.password), 'the made password is not shown');
  check((await page.locator('#us-qr').getAttribute('src')).startsWith('data:image/svg+xml;base64,'), 'no QR code');
  await until(async () => (await text(page, '#us-table tr[data-user="wang"]')).includes('已设置'), 'the new account is not listed with its second factor');
  await shot(page, 'users');
  ok('an account is added with a made password (shown once) and a second factor (QR code shown once)');

  // wang signs in elsewhere: the console asks for the authenticator's code, then lets them in
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  other.setDefaultTimeout(WAIT);
  const wang = await other.newPage();
  await wang.goto(`${base}/admin/`, { timeout: WAIT });
  await visible(wang, '#signin-form');
  const asked = await signIn(wang, 'wang', added.password);
  check(asked.status() === 401 && (await asked.json()).error === 'otp_required', `without a code the sign-in answered ${asked.status()}`);
  await visible(wang, '#f-otp');
  await wang.getByLabel('动态验证码', { exact: true }).fill(totp(added.totp.secret));
  const inWith = await signIn(wang, 'wang', added.password);
  check(inWith.status() === 200, `with the code the sign-in answered ${inWith.status()}`);
  await until(async () => (await text(wang, '#who')).includes('wang'), 'wang is not signed in');
  ok('signing in asks for the 动态验证码 and accepts the authenticator’s code');

  // disabling wang ends their session at once
  await page.locator('#us-table tr[data-user="wang"] button[data-act="disable"]').click();
  const dlg = page.getByRole('dialog');
  await dlg.waitFor({ timeout: WAIT });
  await dlg.getByRole('button', { name: '确认停用' }).click();
  await until(async () => (await text(page, '#us-table tr[data-user="wang"]')).includes('已停用'), 'the account is not shown as disabled');
  check(await sessionStatus(wang) === 401, 'the disabled account’s session still works');
  ok('停用 ends the account’s open session at once (401)');
  // and a new role: the select asks first
  await page.locator('#us-table select[data-role-of="wang"]').selectOption('auditor');
  await dlg.waitFor({ timeout: WAIT });
  await dlg.getByRole('button', { name: '确认修改' }).click();
  await until(async () => (await page.locator('#us-table select[data-role-of="wang"]').inputValue()) === 'auditor', 'the role did not change');
  await other.close();
  ok('the role is changed through its dialog');
  await openDemo(page);

  step('close');
  await page.getByRole('tab', { name: '结果' }).click();
  const closeBtn = page.getByRole('button', { name: '结束评议并封存结果' });
  await closeBtn.waitFor({ timeout: WAIT });
  await closeBtn.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ timeout: WAIT });
  check((await dialog.textContent()).includes('不可撤销'), 'the dialog does not say the close cannot be undone');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: WAIT });
  check((await text(page, '#r-badge')).trim() === '临时结果', 'escaping the dialog changed the results');
  await closeBtn.click();
  await dialog.waitFor({ timeout: WAIT });
  await dialog.getByRole('button', { name: '确认结束并封存' }).click();
  await until(async () => (await text(page, '#r-badge')).trim() === '最终结果', 'the results never became 最终结果');
  const fp = (await text(page, '#r-fp')).trim();
  check(/^sha256:[0-9a-f]{64}$/.test(fp), `the fingerprint reads “${fp}”`);
  check((await text(page, '#c-status')).trim() === '已结束', 'the campaign is not shown as 已结束');
  check(!(await closeBtn.isVisible()), 'the close button is still there');
  ok(`the admin closes the campaign through the dialog: 最终结果, ${fp.slice(0, 20)}…`);

  // Feedback is ballot content: it shows in steps of k ballots (docs/ANONYMITY.md), and the
  // one ballot with a reason may be among the k held back until the close.
  step('feedback');
  await page.getByRole('tab', { name: '意见建议' }).click();
  await visible(page, '#p-feedback');
  if (token) {
    await page.getByLabel('搜索', { exact: true }).fill('排队');
    const reason = page.locator('#fb-reasons li[data-kind=reason]');
    await until(async () => (await reason.count()) === 1 && (await text(page, '#fb-count')).includes('排队'), 'searching 排队 did not find the reason');
    check((await reason.textContent()) === REASON, `the reason reads “${await reason.textContent()}”`);
    check(await page.locator('#p-feedback img').count() === 0, 'the reason was rendered as HTML');
    check(await page.locator(`#fb-reasons section[data-unit="${poorUnit.code}"] h3`).textContent().then((t) => t.includes(poorUnit.name)), 'the reason is not under its unit');
    check(await page.locator('#fb-reasons mark').first().textContent() === '排队', 'the hit is not marked');
    await page.getByLabel('搜索', { exact: true }).fill('没有人写过的词');
    await until(async () => (await reason.count()) === 0 && (await text(page, '#fb-reasons')).includes('没有符合条件'), 'a search without hits still shows reasons');
    await page.getByLabel('搜索', { exact: true }).fill('');
    await page.getByLabel('单位', { exact: true }).selectOption(poorUnit.code);
    await until(async () => (await reason.count()) === 1 && !(await page.locator('#fb-sbox').isVisible()), 'the unit filter does not show the unit’s reason alone');
    await page.getByLabel('单位', { exact: true }).selectOption((units.find((u) => u !== poorUnit) || poorUnit).code);
    await until(async () => (await reason.count()) === 0, 'the unit filter shows reasons of another unit');
    await page.getByLabel('搜索', { exact: true }).fill('排队');
    await page.getByLabel('单位', { exact: true }).selectOption('');
    await until(async () => (await reason.count()) === 1, 'the search did not come back');
    await shot(page, 'feedback');
    ok(`意见建议: searching 排队 finds the reason under ${poorUnit.name}, shown as text (no <img>), and the unit filter works`);
  } else {
    console.log('# skipped the feedback search: no invitation token given');
  }

  step('ballots export');
  await page.getByRole('tab', { name: '导出' }).click();
  const link = page.locator('#exports a[href$="/export/ballots.jsonl"]');
  await link.waitFor({ timeout: WAIT });
  const href = await link.getAttribute('href');
  const got = await page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, first: (await r.text()).split('\n')[0] })), href);
  check(got.status === 200, `the ballots export answered ${got.status}`);
  check(JSON.parse(got.first).fingerprint === fp, 'the export header does not carry the fingerprint shown');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), link.click()]);
  check(download.suggestedFilename() === `${SLUG}-ballots.jsonl`, `the download is named ${download.suggestedFilename()}`);
  ok(`the ballots export link downloads (200, ${download.suggestedFilename()}, same fingerprint)`);

  step('polling fallback');
  aborting = true;
  await page.route('**/progress/stream', (r) => r.abort());
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await openDemo(page);
  await until(async () => (await text(page, '#s-conn')).includes('每 5 秒自动刷新'), 'no fallback to polling when the stream fails');
  const seen = (await text(page, '#s-at')).trim();
  await until(async () => (await text(page, '#s-at')).trim() !== seen, 'polling did not refresh the live numbers');
  await page.unroute('**/progress/stream');
  ok('when the event stream fails the live tab falls back to polling every 5 s');

  step('page health');
  check(problems.length === 0, `the page reported: ${problems.join(' | ')}`);
  ok('no script errors or CSP violations in the page');
}

run(main, TOTAL);
