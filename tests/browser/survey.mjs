// Browser test of the survey page (web/survey.html), driving Debian's Chromium through playwright-core.
//
//   node tests/browser/survey.mjs <base_url> <token> <short_code>
//
// <token> and <short_code> must belong to two different unused invitations of the `demo` campaign.
// Env: CHROMIUM (browser binary, default /usr/bin/chromium), SCREENSHOT (path of a PNG of the filled form).
// Prints one line per check passed; on the first failure prints what failed and exits 1.
import { apiClient, check, launch, ok, phoneContext, run, step } from './harness.mjs';

const [base0, token, shortCode] = process.argv.slice(2);
if (!base0 || !token || !shortCode) {
  console.error('usage: node survey.mjs <base_url> <token> <short_code>');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');
const WAIT = 15_000;
const TOTAL = 90_000;
const RECEIPT = /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/;
// a receipt drawn by the page: Crockford base32, no I, L, O, U
const DRAWN = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

const jsErrors = [];

const api = apiClient(base, WAIT);
const unitBox = (page, code) => page.locator(`fieldset[data-unit="${code}"]`);
const radio = (page, code, label) => unitBox(page, code).getByLabel(label, { exact: true });
// every option label fits inside its button and every button inside its unit box
const optionsFit = (page) => page.evaluate(() => [...document.querySelectorAll('fieldset[data-unit]')].flatMap((fs) => {
  const box = fs.getBoundingClientRect();
  return [...fs.querySelectorAll('.opt span')].filter((s) => {
    const r = s.getBoundingClientRect();
    return s.scrollWidth > s.clientWidth + 1 || r.right > box.right + 0.5 || r.left < box.left - 0.5 || r.height < 44;
  }).map((s) => `${fs.dataset.unit}:${s.textContent}`);
}));
const within = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} (after ${ms / 1000} s)`)), ms)),
]);
const drafts = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('minping:draft'))
  .map((k) => ({ key: k, value: localStorage.getItem(k) })));
const isBallotPost = (req) => req.method() === 'POST' && /\/api\/v1\/campaigns\/demo\/ballots$/.test(req.url());
const waitForForm = (page) => page.locator('form#survey fieldset[data-unit]').first().waitFor({ state: 'visible' });

async function main() {
  step('campaign API');
  const c = await api('GET', '/api/v1/campaigns/demo');
  check(c.status === 200 && c.data && Array.isArray(c.data.categories), `GET /api/v1/campaigns/demo answered ${c.status}`);
  const camp = c.data;
  const units = camp.categories.flatMap((cat) => cat.units);
  check(units.length >= 2, 'the demo campaign needs at least two units');
  const reasonOpt = camp.scale.find((o) => o.asks_reason);
  const plainOpts = camp.scale.filter((o) => !o.asks_reason);
  check(reasonOpt && plainOpts.length, 'the demo scale needs an option that asks a reason and one that does not');
  const zh = (o, f) => o[f];
  const en = (o, f) => o[f + '_en'] || o[f];

  const browser = await launch(WAIT);
  const ctx = await phoneContext(browser, WAIT);
  const watch = (p) => p.on('pageerror', (e) => jsErrors.push(String(e)));

  // 1. the page renders the whole campaign at 360 px without horizontal scrolling
  step('1 render');
  const link = `${base}/s/demo#i=${encodeURIComponent(token)}`;
  const page = await ctx.newPage();
  watch(page);
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: camp.title, exact: true }).waitFor();
  await page.locator('form#survey fieldset[data-unit], #used, #code').first().waitFor();
  check(await page.locator('#used').count() === 0, `invitation token ${token} is already used: the test needs an unused one`);
  if (await page.locator('#code').count() !== 0) {
    throw new Error(`invitation token ${token} was not accepted: ${await page.locator('#code-err').textContent()}`);
  }
  await waitForForm(page);
  check((await page.locator('html').getAttribute('lang')).startsWith('zh'), '<html lang> is not Chinese by default');
  for (const cat of camp.categories) {
    await page.getByRole('heading', { level: 2, name: zh(cat, 'name'), exact: true }).waitFor();
  }
  check(await page.locator('fieldset[data-unit]').count() === units.length, 'not every unit has a fieldset');
  for (const u of units) {
    const legend = (await unitBox(page, u.code).locator('legend').textContent()).trim();
    check(legend === u.name, `unit ${u.code} legend is "${legend}", expected "${u.name}"`);
    check(await unitBox(page, u.code).locator('input[type=radio]').count() === camp.scale.length, `unit ${u.code} lacks radios`);
  }
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  check(sw <= 360, `horizontal overflow at 360 px: scrollWidth ${sw}`);
  const bad1 = await optionsFit(page);
  check(bad1.length === 0, `option buttons overflowing or under 44 px high: ${bad1.join(', ')}`);
  ok(`Chinese title, ${camp.categories.length} category headings and ${units.length} units rendered; no horizontal overflow at 360 px (scrollWidth ${sw}), option buttons fit and are >= 44 px high`);

  // 2. half the units rated, reload, the draft is restored
  step('2 draft');
  const half = Math.floor(units.length / 2);
  const chosen = {};
  for (let i = 0; i < half; i++) {
    const o = plainOpts[i % plainOpts.length];
    await radio(page, units[i].code, zh(o, 'label')).check();
    chosen[units[i].code] = o;
  }
  await page.locator('#progress').getByText(`已评 ${half} / ${units.length}`).waitFor();
  await page.reload();
  await waitForForm(page);
  for (const [code, o] of Object.entries(chosen)) {
    check(await radio(page, code, zh(o, 'label')).isChecked(), `after reload, unit ${code} is no longer rated "${o.label}"`);
  }
  await page.locator('#progress').getByText(`已评 ${half} / ${units.length}`).waitFor();
  ok(`rated ${half} units, reloaded: all ${half} ratings restored from the draft`);

  // 3. rate the rest (one with a reason), add a suggestion, submit, receipt counted
  step('3 submit');
  const rest = units.slice(half);
  const bad = rest[0];
  await radio(page, bad.code, zh(reasonOpt, 'label')).check();
  const reasonBox = unitBox(page, bad.code).getByRole('textbox');
  await reasonBox.waitFor();
  await reasonBox.fill('窗口办事排队时间较长。');
  await unitBox(page, bad.code).getByText(`还可输入 ${camp.limits.reason_max_chars - 11} 字`).waitFor();
  for (let i = 1; i < rest.length; i++) {
    await radio(page, rest[i].code, zh(plainOpts[i % plainOpts.length], 'label')).check();
  }
  await page.getByLabel(/意见或建议/).fill('希望进一步简化办事流程。');
  await page.locator('#progress').getByText(`已评 ${units.length} / ${units.length}`).waitFor();
  const sw2 = await page.evaluate(() => document.documentElement.scrollWidth);
  check(sw2 <= 360, `horizontal overflow with the reason box open: scrollWidth ${sw2}`);
  if (process.env.SCREENSHOT) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  }
  await page.getByRole('button', { name: '提交评价' }).click();
  const rcEl = page.locator('#receipt');
  await rcEl.waitFor();
  const receipt = (await rcEl.textContent()).trim();
  check(RECEIPT.test(receipt), `receipt "${receipt}" does not look like XXXX-XXXX-XXXX-XXXX`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.matches('h1, h2')), 'focus is not on the confirmation heading');
  check(await page.locator('form#survey').count() === 0, 'the form is still shown after submitting');
  check((await drafts(page)).length === 0, 'the draft was not cleared after a successful submit');
  const rc = await api('GET', `/api/v1/receipts/${encodeURIComponent(receipt)}`);
  check(rc.status === 200 && rc.data && rc.data.counted === true, `receipt lookup answered ${rc.status} ${JSON.stringify(rc.data)}`);
  ok(`submitted all ${units.length} ratings with a reason and a suggestion; receipt ${receipt} shown, focused, and counted`);
  if (process.env.SCREENSHOT) ok(`screenshot of the filled form saved to ${process.env.SCREENSHOT}`);

  // 4. the same invitation again: "already used", no form
  step('4 already used');
  const again = await ctx.newPage();
  watch(again);
  await again.goto(link);
  await again.getByText(/已使用/).first().waitFor();
  check(await again.locator('button[type=submit]').count() === 0, 'a submit button is shown for a used invitation');
  check(await again.locator('input[type=radio]').count() === 0, 'rating inputs are shown for a used invitation');
  ok('reopening the used invitation shows "已使用" and no form');
  await again.close();

  // 5. short code typed by hand, English switch, submit with nothing rated
  step('5 short code');
  const ctx2 = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  ctx2.setDefaultTimeout(WAIT);
  ctx2.setDefaultNavigationTimeout(WAIT);
  const p = await ctx2.newPage();
  watch(p);
  await p.goto(`${base}/s/demo`);
  // with the public channel open the page offers it first, and the invitation code beside it
  const panelPath = p.getByRole('button', { name: '评议团成员：输入邀请码' });
  await p.locator('#code, #phone, form#survey').first().waitFor();
  if (await panelPath.count()) await panelPath.click();
  const codeInput = p.getByLabel('邀请码', { exact: true });
  await codeInput.fill(shortCode);
  await p.getByRole('button', { name: '继续' }).click();
  await waitForForm(p);
  check(await p.locator('fieldset[data-unit]').count() === units.length, 'the survey did not appear after entering the short code');
  ok(`short code accepted${camp.public && camp.public.mode !== 'off' ? ' (after choosing "评议团成员：输入邀请码")' : ''}: the survey appears`);

  step('5 English');
  await p.getByRole('button', { name: 'English' }).click();
  await p.locator('html[lang="en"]').waitFor({ state: 'attached' });
  await p.getByRole('button', { name: 'Submit' }).waitFor();
  await p.getByRole('heading', { level: 1, name: en(camp, 'title'), exact: true }).waitFor();
  const legend0 = (await unitBox(p, units[0].code).locator('legend').textContent()).trim();
  check(legend0 === en(units[0], 'name'), `first unit legend in English is "${legend0}"`);
  const sw3 = await p.evaluate(() => document.documentElement.scrollWidth);
  check(sw3 <= 360, `horizontal overflow in English at 360 px: scrollWidth ${sw3}`);
  const bad3 = await optionsFit(p);
  check(bad3.length === 0, `English option buttons overflowing or under 44 px high: ${bad3.join(', ')}`);
  ok('English switch: <html lang="en">, English title, unit names and "Submit" button; English options fit at 360 px');

  step('5 missing units');
  await p.getByRole('button', { name: 'Submit' }).click();
  await p.getByRole('alert').filter({ hasText: `${units.length} units are not rated yet` }).waitFor();
  await p.waitForFunction((code) => {
    const a = document.activeElement;
    return !!(a && a.closest && a.closest(`fieldset[data-unit="${code}"]`));
  }, units[0].code, { timeout: WAIT });
  const st = await api('POST', '/api/v1/campaigns/demo/invitations/status', { invitation: shortCode });
  check(st.status === 200 && st.data.status === 'unused', `the short-code invitation is ${JSON.stringify(st.data)} after a refused submit`);
  ok(`submitting with nothing rated: "${units.length} units are not rated yet" shown, focus on the first unit, nothing sent`);

  step('5 back to Chinese');
  await p.getByRole('button', { name: '中文' }).click();
  await p.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
  await p.getByRole('alert').filter({ hasText: `还有 ${units.length} 个单位未评价` }).waitFor();
  ok(`switching back to Chinese re-renders the message: "还有 ${units.length} 个单位未评价…"`);

  // 6. the answer to a committed ballot is lost: the form stays, and submitting again gets the same receipt
  step('6 lost answer');
  const p6 = await ctx2.newPage();
  watch(p6);
  await p6.goto(`${base}/s/demo#i=${encodeURIComponent(shortCode)}`);
  await waitForForm(p6);
  for (let i = 0; i < units.length; i++) {
    await radio(p6, units[i].code, zh(plainOpts[i % plainOpts.length], 'label')).check();
  }
  await p6.locator('#progress').getByText(`已评 ${units.length} / ${units.length}`).waitFor();
  const ballotsUrl = '**/api/v1/campaigns/demo/ballots';
  let sent = null;
  let firstAnswer = null;
  let intercepted;
  const lost = new Promise((resolve, reject) => { intercepted = { resolve, reject }; });
  await p6.route(ballotsUrl, async (route) => {
    try {
      sent = route.request().postDataJSON();
      const res = await route.fetch({ timeout: WAIT }); // the server really commits it
      firstAnswer = { status: res.status(), body: await res.json().catch(() => null) };
      await route.abort('connectionreset'); // ... and the page never sees the 201
      intercepted.resolve();
    } catch (e) {
      intercepted.reject(e);
    }
  }, { times: 1 });
  await p6.getByRole('button', { name: '提交评价' }).click();
  await within(lost, WAIT, 'the ballot POST was not intercepted');
  check(sent && DRAWN.test(sent.receipt || ''), `the ballot was sent without a well-formed receipt: ${JSON.stringify(sent && sent.receipt)}`);
  check(firstAnswer.status === 201 && firstAnswer.body && firstAnswer.body.receipt === sent.receipt,
    `the server answered the intercepted POST with ${firstAnswer.status} ${JSON.stringify(firstAnswer.body)}`);
  await p6.getByRole('alert').filter({ hasText: '未能确认评价是否已提交' }).waitFor();
  check(await p6.locator('form#survey fieldset[data-unit]').count() === units.length, 'the form is gone after the lost answer');
  await p6.locator('#submit:not([disabled])').getByText('提交评价').waitFor();
  const kept = await drafts(p6);
  check(kept.length === 1, `expected one draft in localStorage after the lost answer, found ${kept.length}`);
  const keptReceipt = JSON.parse(kept[0].value).receipt;
  check(keptReceipt === sent.receipt, `the draft keeps receipt ${keptReceipt}, the page sent ${sent.receipt}`);
  const rc6 = await api('GET', `/api/v1/receipts/${encodeURIComponent(keptReceipt)}`);
  check(rc6.status === 200 && rc6.data && rc6.data.counted === true, `receipt of the lost answer: ${rc6.status} ${JSON.stringify(rc6.data)}`);
  ok(`answer to the committed ballot lost (connection reset): form kept, "未能确认…" shown, draft keeps receipt ${keptReceipt}, already counted`);

  step('6 resend');
  await p6.unroute(ballotsUrl);
  const resent = p6.waitForRequest(isBallotPost, { timeout: WAIT });
  await p6.getByRole('button', { name: '提交评价' }).click();
  const resentReceipt = (await resent).postDataJSON().receipt;
  check(resentReceipt === sent.receipt, `the resent ballot proposes receipt ${resentReceipt}, the first one ${sent.receipt}`);
  const rcEl6 = p6.locator('#receipt');
  await rcEl6.waitFor();
  const shown6 = (await rcEl6.textContent()).trim();
  check(shown6 === sent.receipt, `the confirmation shows receipt ${shown6}, the first POST sent ${sent.receipt}`);
  check((await drafts(p6)).length === 0, 'the draft was not cleared after the resent ballot was confirmed');
  const rc6b = await api('GET', `/api/v1/receipts/${encodeURIComponent(shown6)}`);
  check(rc6b.status === 200 && rc6b.data && rc6b.data.counted === true, `receipt after the resend: ${rc6b.status} ${JSON.stringify(rc6b.data)}`);
  ok(`submitting again resends receipt ${shown6}: the confirmation shows the same receipt, and it is counted`);

  // 7. a later visit with the sent draft still stored (the tab was closed after the lost answer):
  //    the page resends it and shows the receipt; a draft with a receipt that was never counted gets "already used"
  step('7 reopened');
  const reopen = async (receipt) => {
    await p6.evaluate(([k, v]) => localStorage.setItem(k, v), [kept[0].key, JSON.stringify({ ...JSON.parse(kept[0].value), receipt })]);
    const q = await ctx2.newPage();
    watch(q);
    const post = q.waitForRequest(isBallotPost, { timeout: WAIT });
    await q.goto(`${base}/s/demo#i=${encodeURIComponent(shortCode)}`);
    check((await post).postDataJSON().receipt === receipt, 'the reopened page did not resend the stored receipt');
    await q.locator('#receipt, #used').first().waitFor();
    return q;
  };
  const q1 = await reopen(sent.receipt);
  check((await q1.locator('#receipt').textContent()).trim() === sent.receipt, 'the reopened page does not show the same receipt');
  check((await drafts(q1)).length === 0, 'the draft was not cleared on the reopened page');
  await q1.close();
  const q2 = await reopen('0000-0000-0000-0000');
  await q2.locator('#used').getByText('这次提交没有被计入').waitFor();
  check(await q2.locator('#receipt, input[type=radio]').count() === 0, 'a receipt or the form is shown for a receipt that was never counted');
  check((await drafts(q2)).length === 0, 'the draft was not cleared after "already used"');
  ok(`reopening with the sent draft stored: resent, receipt ${sent.receipt} shown again; with a never-counted receipt: "已使用 / 这次提交没有被计入"`);
  await ctx2.close();

  step('no script errors');
  check(jsErrors.length === 0, `JavaScript errors on the page: ${jsErrors.join(' | ')}`);
  ok('no JavaScript errors');
}

run(main, TOTAL);
