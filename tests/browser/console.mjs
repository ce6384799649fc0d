// Browser test of the staff console (web/admin/), driving Debian's Chromium through playwright-core.
//
//   node tests/browser/console.mjs <base_url> <admin_name> <admin_password> <monitor_name> <monitor_password> [token]
//
// Needs a server with the `demo` campaign open and some ballots. [token] is an unused invitation
// token of the demo campaign: with it the test casts a ballot and watches the live numbers move.
// THE TEST CLOSES THE DEMO CAMPAIGN: run it against a throwaway data directory.
// Env: CHROMIUM (browser binary, default /usr/bin/chromium), SCREENSHOT (path of a PNG of the live tab).
// Prints `ok N - …` per check passed and a last line `N passed, 0 failed`; on the first failure
// prints `FAIL …` and exits 1.
import { chromium } from 'playwright-core';

const [base0, adminName, adminPass, monName, monPass, token] = process.argv.slice(2);
if (!base0 || !adminName || !adminPass || !monName || !monPass) {
  console.error('usage: node console.mjs <base_url> <admin_name> <admin_password> <monitor_name> <monitor_password> [token]');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');
const WAIT = 15_000;
const TOTAL = 120_000;
const SLUG = 'demo';

let browser = null;
let current = 'setup';
let passed = 0;
const problems = []; // JS errors and CSP violations seen in the page
let aborting = false; // while the test itself breaks the event stream

async function finish(code, msg) {
  if (msg) console.log(msg);
  if (code) console.log(`${passed} passed, 1 failed`);
  const closing = browser ? browser.close().catch(() => {}) : null;
  if (closing) await Promise.race([closing, new Promise((r) => setTimeout(r, 3000))]);
  process.exit(code);
}
const overall = setTimeout(() => finish(1, `FAIL [${current}]: the whole test took longer than ${TOTAL / 1000} s`), TOTAL);

function ok(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}
function check(cond, what) {
  if (!cond) throw new Error(what);
}
async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(WAIT),
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, data };
}
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
  current = 'campaign API';
  const c = await api('GET', `/api/v1/campaigns/${SLUG}`);
  check(c.status === 200 && c.data && Array.isArray(c.data.categories), `GET /api/v1/campaigns/${SLUG} answered ${c.status}`);
  const campaign = c.data;
  check(campaign.status === 'open', `the ${SLUG} campaign must be open (it is ${campaign.status})`);
  const units = campaign.categories.flatMap((cat) => cat.units);

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: WAIT,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(aborting && /ERR_FAILED/.test(m.text()))) problems.push(`console: ${m.text()}`); });

  // ---- wrong password ----
  current = 'sign-in form';
  const first = await page.goto(`${base}/admin/`, { timeout: WAIT });
  check(first && first.status() === 200, `GET /admin/ answered ${first && first.status()}`);
  const csp = first.headers()['content-security-policy'] || '';
  await visible(page, '#signin-form');
  check(await page.getByLabel('用户名', { exact: true }).isVisible() && await page.getByLabel('密码', { exact: true }).isVisible(), 'the form has no labelled 用户名/密码 fields');
  ok(`the sign-in form shows with labelled fields${csp ? ' (under a CSP)' : ''}`);

  current = 'wrong password';
  const refused = await signIn(page, monName, 'not-the-password-42');
  check(refused.status() === 401, `a wrong password answered ${refused.status()}`);
  const message = (await refused.json()).message;
  await visible(page, '#signin-err');
  const shown = (await text(page, '#signin-err')).trim();
  check(shown === message && /[\u4e00-\u9fff]/.test(shown), `the page shows “${shown}”, the API said “${message}”`);
  check(await page.locator('#signin-err').getAttribute('role') === 'alert', 'the error is not announced (role=alert)');
  ok(`a wrong password shows the API's Chinese message: ${shown}`);

  // ---- monitor ----
  current = 'monitor signs in';
  const accepted = await signIn(page, monName, monPass);
  check(accepted.status() === 200, `the monitor's sign-in answered ${accepted.status()}`);
  await visible(page, '#who');
  const who = (await text(page, '#who')).replace(/\s+/g, '');
  check(who.includes(monName) && who.includes('作风办工作人员'), `the header shows “${who}”`);
  const row = page.locator('#list-table tbody tr', { has: page.locator(`a[href="#/c/${SLUG}"]`) });
  await row.waitFor({ timeout: WAIT });
  const rowText = await row.textContent();
  check(rowText.includes(campaign.title) && rowText.includes('进行中'), `the campaign list row reads “${rowText}”`);
  ok('the monitor signs in: name and role 作风办工作人员 in the header, the demo campaign listed as 进行中');

  current = 'live tab';
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

  current = 'a new ballot';
  if (token) {
    await page.evaluate(() => { window.__sameDocument = true; });
    const ratings = Object.fromEntries(units.map((u) => [u.code, 'satisfied']));
    const cast = await api('POST', `/api/v1/campaigns/${SLUG}/ballots`, { invitation: token, ratings });
    check(cast.status === 201, `the ballot answered ${cast.status} ${JSON.stringify(cast.data)}`);
    const after = await until(async () => {
      const n = count(await text(page, '#s-ballots'));
      return n > before ? n : 0;
    }, 'the ballot count did not go up');
    check(await page.evaluate(() => window.__sameDocument === true), 'the page was reloaded');
    ok(`a new ballot shows without a reload: ${before} → ${after}`);
  } else {
    console.log('# skipped the live ballot check: no invitation token given');
  }

  if (process.env.SCREENSHOT) {
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log(`# screenshot of the live tab: ${process.env.SCREENSHOT}`);
  }

  current = 'target line';
  const target = page.getByLabel('目标回收率');
  await target.fill('55');
  await until(async () => (await page.locator('#by-segment .mark').first().evaluate((e) => e.style.left)) === '55%', 'the target line did not move');
  await page.reload({ timeout: WAIT });
  await visible(page, '#p-live');
  check(await page.getByLabel('目标回收率').inputValue() === '55', 'the target was not remembered');
  await until(async () => (await page.locator('#by-segment .mark').count()) > 0, 'no bars after the reload');
  ok('the target line follows the input and is remembered for the campaign');

  current = 'results (monitor)';
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

  current = 'monitor limits';
  check(!(await page.locator('#r-close').isVisible()) && await page.getByRole('button', { name: '结束评议并封存结果' }).count() === 0, 'the monitor sees the close button');
  check(await page.getByRole('tab', { name: '审计日志' }).count() === 0, 'the monitor sees the audit tab');
  await page.evaluate((slug) => { location.hash = `#/c/${slug}/audit`; }, SLUG);
  await until(async () => await page.locator('#t-live').getAttribute('aria-selected') === 'true', 'an audit address did not fall back to the live tab');
  await page.getByRole('tab', { name: '导出' }).click();
  await visible(page, '#exports li[data-file="ballots.jsonl"]');
  check(await page.locator('#exports li[data-file="ballots.jsonl"] a').count() === 0, 'the ballots export is offered before the close');
  check(await page.locator('#exports a[href$="/export/results.xlsx"]').count() === 1, 'no results.xlsx link');
  ok('the monitor sees no close button and no audit tab; the ballots export waits for the close');

  current = 'sign out';
  await page.getByRole('button', { name: '退出登录' }).click();
  await visible(page, '#signin-form');
  check(await sessionStatus(page) === 401, 'the session still answers after signing out');
  ok('signing out returns to the sign-in form and ends the session');

  // ---- admin ----
  current = 'admin signs in';
  const adm = await signIn(page, adminName, adminPass);
  check(adm.status() === 200, `the admin's sign-in answered ${adm.status()}`);
  await until(async () => (await text(page, '#who')).includes('管理员'), 'the header does not show 管理员');
  // the hash still points at the demo campaign: the admin lands there
  if (!(await page.locator('#v-campaign').isVisible())) await openDemo(page);
  ok('the admin signs in (管理员)');

  current = 'audit log';
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

  current = 'close';
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

  current = 'ballots export';
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

  current = 'polling fallback';
  aborting = true;
  await page.route('**/progress/stream', (r) => r.abort());
  await page.getByRole('link', { name: '评议活动', exact: true }).click();
  await openDemo(page);
  await until(async () => (await text(page, '#s-conn')).includes('每 5 秒自动刷新'), 'no fallback to polling when the stream fails');
  const seen = (await text(page, '#s-at')).trim();
  await until(async () => (await text(page, '#s-at')).trim() !== seen, 'polling did not refresh the live numbers');
  await page.unroute('**/progress/stream');
  ok('when the event stream fails the live tab falls back to polling every 5 s');

  current = 'page health';
  check(problems.length === 0, `the page reported: ${problems.join(' | ')}`);
  ok('no script errors or CSP violations in the page');
}

main().then(
  () => { clearTimeout(overall); console.log(`${passed} passed, 0 failed`); finish(0); },
  (e) => { clearTimeout(overall); finish(1, `FAIL [${current}]: ${e.message.split('\n')[0]}`); },
);
