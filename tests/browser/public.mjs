// Browser test of the survey page's public channel (phone + SMS code + picture code), driving Debian's
// Chromium through playwright-core.
//
//   node tests/browser/public.mjs <base_url> <outbox_path> <panel_phone>
//
// The server must have the `demo` campaign in phone mode, load-test mode on (each captcha answer comes in
// the X-Minping-Captcha-Answer header) and the outbox SMS gateway writing to <outbox_path>;
// <panel_phone> is a mobile number of the demo roster; 138 0013 8000 must not have taken part yet. With the
// default 60 s between two codes for one number the test waits that out once (a shorter cooldown is fine).
// Env: CHROMIUM (browser binary, default /usr/bin/chromium), SCREENSHOT (path of a PNG of the phone form).
// Prints one line per check passed; on the first failure prints what failed and exits 1.
import fs from 'node:fs';
import { apiClient, check, launch, ok, phoneContext, run, step } from './harness.mjs';

const [base0, outbox, panelPhone] = process.argv.slice(2);
if (!base0 || !outbox || !panelPhone) {
  console.error('usage: node public.mjs <base_url> <outbox_path> <panel_phone>');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');
const WAIT = 15_000;
// the second request for one number may have to wait out the server's resend interval (60 s)
const TOTAL = 170_000;
const PHONE = '13800138000';
const BAD_PHONE = '1380013';

const jsErrors = [];

const api = apiClient(base, WAIT);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const digits = (s) => s.replace(/\D/g, '');
const masked = (phone) => `${digits(phone).slice(0, 3)}****${digits(phone).slice(7)}`;
const dashed = (phone) => `${digits(phone).slice(0, 3)}-${digits(phone).slice(3, 7)}-${digits(phone).slice(7)}`;
const unitBox = (page, code) => page.locator(`fieldset[data-unit="${code}"]`);
const radio = (page, code, label) => unitBox(page, code).getByLabel(label, { exact: true });
const waitForForm = (page) => page.locator('form#survey fieldset[data-unit]').first().waitFor({ state: 'visible' });
const api1 = (path) => (res) => res.request().method() === 'POST' && new URL(res.url()).pathname === `/api/v1/campaigns/demo${path}`;
const focused = (page, id) => page.waitForFunction((x) => document.activeElement && document.activeElement.id === x, id, { timeout: WAIT });
const noOverflow = async (page, where) => {
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  check(sw <= 360, `horizontal overflow at 360 px ${where}: scrollWidth ${sw}`);
  return sw;
};

// Captcha answers, by captcha id, from the load-test header of every captcha the pages fetched.
const answers = new Map();
function watchCaptchas(ctx) {
  ctx.on('response', async (res) => {
    if (new URL(res.url()).pathname !== '/api/v1/captcha') return;
    const answer = res.headers()['x-minping-captcha-answer'];
    const body = await res.json().catch(() => null);
    if (body && body.id) answers.set(body.id, answer || null);
  });
}
// The picture code the page shows now (other than `old`), and its answer.
async function shownCaptcha(page, old, p = 'cap') {
  await page.waitForFunction(([sel, o]) => {
    const img = document.querySelector(sel);
    return !!img && !img.hidden && img.complete && img.naturalWidth > 0 && !!img.dataset.id && img.dataset.id !== o;
  }, [`#${p}-img`, old || ''], { timeout: WAIT });
  const id = await page.locator(`#${p}-img`).getAttribute('data-id');
  for (let i = 0; i < 50 && !answers.has(id); i++) await sleep(100);
  const answer = answers.get(id);
  check(answer, `no X-Minping-Captcha-Answer header for captcha ${id}: is load-test mode on?`);
  return { id, answer };
}

// The SMS the outbox gateway wrote to `phone` since it held `before` of them, and the code in it.
function sms(phone) {
  let text = '';
  try { text = fs.readFileSync(outbox, 'utf8'); } catch { /* not written yet */ }
  return text.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return null; } })
    .filter((m) => m && m.to === masked(phone));
}
async function smsCode(phone, before) {
  for (let i = 0; i < 100; i++) {
    const got = sms(phone);
    if (got.length > before) {
      const codes = got[got.length - 1].text.match(/(?<!\d)\d{6}(?!\d)/g) || [];
      check(codes.length === 1, `the SMS to ${masked(phone)} holds ${codes.length} six-digit runs: ${got[got.length - 1].text}`);
      return codes[0];
    }
    await sleep(100);
  }
  throw new Error(`no new SMS to ${masked(phone)} in ${outbox}`);
}

// Fills the phone form and asks for a code; returns the answer to the OTP request.
async function requestCode(page, phone, captcha, old) {
  const cap = captcha || await shownCaptcha(page, old);
  await page.getByLabel('手机号', { exact: true }).fill(phone);
  await page.getByLabel('图片验证码', { exact: true }).fill(cap.answer);
  const answer = page.waitForResponse(api1('/otp'));
  await page.getByRole('button', { name: '获取验证码' }).click();
  const res = await answer;
  return { res, data: await res.json().catch(() => null), request: res.request().postDataJSON(), captcha: cap };
}

// Asks for a code for `phone` until the server sends one (waiting out its resend interval), and reads it.
async function codeFor(page, phone, what) {
  for (let attempt = 0; ; attempt++) {
    const before = sms(phone).length;
    const { res, data, captcha } = await requestCode(page, phone);
    if (res.status() === 202) {
      check(data && data.masked === masked(phone), `${what}: 202 with masked ${JSON.stringify(data && data.masked)}, expected ${masked(phone)}`);
      await page.locator('#sent').getByText(`验证码已发送至 ${masked(phone)}`).waitFor();
      return { code: await smsCode(phone, before), data, captcha };
    }
    check(res.status() === 429 && attempt === 0, `${what}: the code request answered ${res.status()} ${JSON.stringify(data)}`);
    const retry = Number(res.headers()['retry-after']);
    check(retry > 0 && retry <= 75, `${what}: 429 with Retry-After ${res.headers()['retry-after']}`);
    await page.locator('#otp-msg, #phone-err').getByText(data.message).first().waitFor();
    await page.locator('#get-code[disabled]').getByText(/\d+ (秒|分钟)后可重新获取/).waitFor();
    ok(`${what}: the server asked to wait (429, Retry-After ${retry} s): "${data.message}" shown, "获取验证码" counts down; waiting`);
    await page.locator('#get-code:not([disabled])').getByText('获取验证码').waitFor({ timeout: (retry + 5) * 1000 });
    await shownCaptcha(page, captcha.id);
  }
}

async function verify(page, code) {
  await page.getByLabel('短信验证码（6 位数字）', { exact: true }).fill(code);
  const answer = page.waitForResponse(api1('/otp/verify'));
  await page.getByRole('button', { name: '验证并开始评价' }).click();
  const res = await answer;
  return { res, data: await res.json().catch(() => null) };
}

async function main() {
  step('campaign API');
  const c = await api('GET', '/api/v1/campaigns/demo');
  check(c.status === 200 && c.data && Array.isArray(c.data.categories), `GET /api/v1/campaigns/demo answered ${c.status}`);
  const camp = c.data;
  check(camp.public && camp.public.mode === 'phone', `the demo campaign is not in phone mode: public = ${JSON.stringify(camp.public)}`);
  const units = camp.categories.flatMap((cat) => cat.units);
  check(Array.isArray(camp.districts) && camp.districts.length >= 2, `the demo campaign lists no districts: ${JSON.stringify(camp.districts)}`);
  const district = camp.districts[1];
  const plainOpts = camp.scale.filter((o) => !o.asks_reason);

  const browser = await launch(WAIT);
  const ctx = await phoneContext(browser, WAIT);
  watchCaptchas(ctx);
  const watch = (p) => p.on('pageerror', (e) => jsErrors.push(String(e)));

  // 1. without an invitation the page offers both paths; the public one first
  step('1 entry');
  const page = await ctx.newPage();
  watch(page);
  await page.goto(`${base}/s/demo`);
  const pubTab = page.getByRole('button', { name: '市民参与：手机号验证' });
  const codeTab = page.getByRole('button', { name: '评议团成员：输入邀请码' });
  await pubTab.waitFor();
  check(await pubTab.getAttribute('aria-pressed') === 'true', 'the public path is not the one chosen by default');
  check(await codeTab.getAttribute('aria-pressed') === 'false', 'the invitation path is pressed by default');
  const phone = page.getByLabel('手机号', { exact: true });
  await phone.waitFor();
  const attrs = await phone.evaluate((e) => [e.type, e.inputMode, e.autocomplete].join(' '));
  check(attrs === 'tel numeric tel', `the phone input has type, inputmode, autocomplete ${attrs}`);
  const otpAttrs = await page.locator('#otp').evaluate((e) => [e.inputMode, e.autocomplete, e.maxLength].join(' '));
  check(otpAttrs === 'numeric one-time-code 6', `the code input has inputmode, autocomplete, maxlength ${otpAttrs}`);
  check(!(await page.locator('#otp').isVisible()), 'the SMS code input shows before a code was sent');
  await codeTab.click();
  await page.getByLabel('邀请码', { exact: true }).waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H2'
    && document.activeElement.textContent === '请输入邀请码', null, { timeout: WAIT });
  await page.getByRole('button', { name: '市民参与：手机号验证' }).click();
  await phone.waitFor();
  ok('no invitation: "市民参与：手机号验证" (chosen) and "评议团成员：输入邀请码" offered, both reachable; phone input type=tel inputmode=numeric autocomplete=tel; code input one-time-code, 6 long, hidden until sent');

  step('1 honeypot');
  const hp = await page.locator('input[name="homepage"]').evaluate((i) => {
    const r = i.getBoundingClientRect();
    const wrap = i.closest('[aria-hidden="true"]');
    return {
      hidden: !!wrap, tab: i.tabIndex, ac: i.getAttribute('autocomplete'), label: i.labels[0] && i.labels[0].textContent,
      display: getComputedStyle(i).display, wrapDisplay: wrap && getComputedStyle(wrap).display, offscreen: r.right <= 0 || r.bottom <= 0,
    };
  });
  check(hp.hidden && hp.tab === -1 && hp.ac === 'off' && hp.label === '请勿填写', `honeypot attributes: ${JSON.stringify(hp)}`);
  check(hp.display !== 'none' && hp.wrapDisplay !== 'none' && hp.offscreen, `the honeypot is not off-screen but rendered: ${JSON.stringify(hp)}`);
  ok('the honeypot "homepage" is off-screen (not display:none), aria-hidden, tabindex=-1, autocomplete=off, labelled "请勿填写"');

  // 2. the picture code: it loads, "换一张" gives a new one, "看不清？换大图" a larger one
  step('2 captcha');
  const cap1 = await shownCaptcha(page);
  const small = await page.locator('#cap-img').evaluate((i) => i.naturalWidth);
  await page.getByRole('button', { name: '换一张' }).click();
  const cap2 = await shownCaptcha(page, cap1.id);
  const bigRes = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/captcha' && new URL(r.url()).searchParams.get('size') === 'large');
  await page.getByRole('button', { name: '看不清？换大图' }).click();
  await bigRes;
  const cap3 = await shownCaptcha(page, cap2.id);
  const big = await page.locator('#cap-img').evaluate((i) => ({ w: i.naturalWidth, shown: i.getBoundingClientRect().width, box: i.parentElement.getBoundingClientRect().width }));
  check(big.w > small, `the large picture is ${big.w} px wide, the normal one ${small}`);
  check(big.shown <= big.box + 0.5, `the large picture (${big.shown} px) overflows its box (${big.box} px)`);
  const sw = await noOverflow(page, 'with the large picture');
  ok(`picture code loaded (${small} px wide); "换一张" loaded another (${cap1.id} → ${cap2.id}); "看不清？换大图" a ${big.w} px one, shown ${Math.round(big.shown)} px wide; scrollWidth ${sw}`);

  // 3. a wrong picture code: the server's message by the picture, focus there, and a new picture
  step('3 wrong captcha');
  const wrong = await requestCode(page, '138 0013 8000', { ...cap3, answer: cap3.answer === 'zzzz' ? 'yyyy' : 'zzzz' });
  check(wrong.res.status() === 422 && wrong.data.error === 'bad_captcha', `a wrong picture code answered ${wrong.res.status()} ${JSON.stringify(wrong.data)}`);
  await page.locator('#cap-err').getByText(wrong.data.message).waitFor();
  await focused(page, 'cap');
  check(await page.locator('#cap').getAttribute('aria-invalid') === 'true', 'the picture code input is not marked invalid');
  const cap4 = await shownCaptcha(page, cap3.id);
  check(await page.locator('#cap').inputValue() === '', 'the used answer is still in the picture code input');
  ok(`wrong picture code: 422 bad_captcha, "${wrong.data.message}" shown by the picture, focus on its input, new picture ${cap4.id}`);

  // 4. a bad number: the server's message by the phone input, focus there, and a new picture
  step('4 bad phone');
  const bad = await requestCode(page, BAD_PHONE, cap4);
  check(bad.res.status() === 422 && bad.data.error === 'bad_phone', `number ${BAD_PHONE} answered ${bad.res.status()} ${JSON.stringify(bad.data)}`);
  await page.locator('#phone-err').getByText(bad.data.message).waitFor();
  await focused(page, 'phone');
  const cap5 = await shownCaptcha(page, cap4.id);
  check(!(await page.locator('#cap-err').textContent()), 'an error is still shown by the picture code');
  ok(`bad number ${BAD_PHONE}: 422 bad_phone, "${bad.data.message}" shown by the phone input, focus there, new picture ${cap5.id}`);

  // 5. a good number, written with spaces: a code is sent, the page says where, and counts down to a new one
  step('5 send code');
  const spaced = '138 0013 8000';
  const before = sms(PHONE).length;
  const good = await requestCode(page, spaced, cap5);
  check(good.res.status() === 202 && good.data && good.data.sent === true, `a code request for ${spaced} answered ${good.res.status()} ${JSON.stringify(good.data)}`);
  check(good.data.masked === masked(PHONE), `202 with masked ${good.data.masked}, expected ${masked(PHONE)}`);
  check(!('homepage' in good.request), `the code request carries the empty honeypot: ${JSON.stringify(good.request)}`);
  check(good.request.captcha_id === cap5.id && good.request.captcha_answer === cap5.answer, 'the code request does not carry the picture code shown');
  await page.locator('#sent').getByText(`验证码已发送至 ${masked(PHONE)}`).waitFor();
  await page.locator('#resend[disabled]').getByText(/^\d+ 秒后可重新获取$/).waitFor();
  await focused(page, 'otp');
  check(!(await page.locator('#cap').isVisible()), 'the picture code is still asked for after the code was sent');
  const code1 = await smsCode(PHONE, before);
  await noOverflow(page, 'with the code sent');
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  ok(`code sent for "${spaced}": "验证码已发送至 ${masked(PHONE)}", resend counting down, focus on the code input; the outbox holds code ${code1}`);

  // 6. a wrong code, then the right one
  step('6 wrong code');
  const wrongCode = code1.slice(0, 5) + String((Number(code1[5]) + 1) % 10);
  const v1 = await verify(page, wrongCode);
  check(v1.res.status() === 422 && v1.data.error === 'bad_otp', `a wrong code answered ${v1.res.status()} ${JSON.stringify(v1.data)}`);
  await page.locator('#otp-err').getByText(v1.data.message).waitFor();
  await focused(page, 'otp');
  ok(`wrong code: 422 bad_otp, "${(await page.locator('#otp-err').textContent()).trim()}" shown by the code input, focus there`);

  step('6 verify');
  const v2 = await verify(page, code1);
  check(v2.res.status() === 200 && v2.data.verified === true && v2.data.class === 'public', `the right code answered ${v2.res.status()} ${JSON.stringify(v2.data)}`);
  await waitForForm(page);
  check(await page.locator('fieldset[data-unit]').count() === units.length, 'not every unit is shown after verifying');
  check(await page.locator('#panel-note').count() === 0, 'a public respondent is told they are on the panel');
  const stores = await page.evaluate(() => ({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));
  check(![PHONE, spaced, code1].some((x) => stores.local.includes(x)), 'the phone number or the code is in localStorage');
  check(stores.session.includes(spaced) && stores.session.includes(code1), 'the phone number and code are not kept in sessionStorage');
  ok(`right code: 200 class public, the ${units.length} units shown; phone and code kept in sessionStorage only`);

  // 7. rate half, reload: still verified, draft restored; rate the rest and submit
  step('7 reload while rating');
  const half = Math.floor(units.length / 2);
  for (let i = 0; i < half; i++) await radio(page, units[i].code, plainOpts[i % plainOpts.length].label).check();
  await page.locator('#progress').getByText(`已评 ${half} / ${units.length}`).waitFor();
  // the optional district: a labelled select of the campaign's districts, "不填" until chosen
  const distSelect = page.getByLabel('您所在的区县（选填）', { exact: true });
  const offered = await distSelect.evaluate((s) => [s.tagName, s.value, [...s.options].map((o) => o.textContent)]);
  check(offered[0] === 'SELECT' && offered[1] === '' && offered[2].join() === ['不填', ...camp.districts].join(),
    `the district question reads ${JSON.stringify(offered)}`);
  await distSelect.selectOption(district);
  await page.reload();
  await waitForForm(page);
  await page.locator('#progress').getByText(`已评 ${half} / ${units.length}`).waitFor();
  check(await radio(page, units[0].code, plainOpts[0].label).isChecked(), 'the draft was not restored after the reload');
  check(await distSelect.inputValue() === district, `the chosen district was not kept in the draft: ${await distSelect.inputValue()}`);
  ok(`rated ${half}, chose ${district} under "您所在的区县（选填）" (不填 + ${camp.districts.length} districts), reloaded: the survey shows again without a new code, ${half} ratings and the district restored`);

  step('7 submit');
  for (let i = half; i < units.length; i++) await radio(page, units[i].code, plainOpts[i % plainOpts.length].label).check();
  const ballot = page.waitForResponse(api1('/ballots'));
  await page.getByRole('button', { name: '提交评价' }).click();
  const bres = await ballot;
  const sent = bres.request().postDataJSON();
  check(digits(sent.phone || '') === PHONE && sent.otp === code1 && !('invitation' in sent) && !('homepage' in sent),
    `the ballot carries ${JSON.stringify({ phone: sent.phone, otp: sent.otp, invitation: sent.invitation, homepage: sent.homepage })}`);
  check(sent.district === district, `the ballot carries district ${JSON.stringify(sent.district)}, ${district} was chosen`);
  check(bres.status() === 201, `the ballot answered ${bres.status()} ${await bres.text()}`);
  const rc = (await page.locator('#receipt').textContent()).trim();
  check(rc === (await bres.json()).receipt, `the page shows receipt ${rc}`);
  ok(`ballot sent with phone, code and district ${district} (no invitation, no honeypot): 201, receipt ${rc} shown`);

  step('7 reload after');
  await page.reload();
  await page.locator('#used').getByText('您已参加过本次评议').waitFor();
  await page.locator('#used').getByText(rc).waitFor();
  check(await page.locator('input[type=radio]').count() === 0, 'rating inputs are shown after taking part');
  check(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('minping:pub')).length) === 0, 'the verified phone is still kept after the ballot');
  ok(`reload after the ballot: "您已参加过本次评议" with receipt ${rc}, no form`);

  // 8. "too many requests" (simulated): the message, when to retry, and the button counts down
  step('8 rate limited');
  await page.getByRole('button', { name: '使用其他手机号参加' }).click();
  const cap8 = await shownCaptcha(page);
  await page.route('**/api/v1/campaigns/demo/otp', (route) => route.fulfill({
    status: 429, contentType: 'application/json', headers: { 'Retry-After': '90' },
    body: JSON.stringify({ error: 'rate_limited', field: null, message: '操作过于频繁，请 90 秒后再试', message_en: 'Too many requests.' }),
  }), { times: 1 });
  const limited = await requestCode(page, '139 0013 9000', cap8);
  check(limited.res.status() === 429, 'the simulated 429 was not seen');
  await page.locator('#otp-msg').getByText('操作过于频繁，请 90 秒后再试').waitFor();
  await focused(page, 'otp-msg');
  await page.locator('#get-code[disabled]').getByText(/^(90|89|88) 秒后可重新获取$/).waitFor();
  await shownCaptcha(page, cap8.id);
  ok('429 (simulated, Retry-After 90): its message shown and focused, "获取验证码" counts down from 90 s, new picture');

  step('8 English');
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  await page.getByLabel('Mobile number', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'New picture' }).waitFor();
  await noOverflow(page, 'in English');
  await page.getByRole('button', { name: '中文' }).click();
  await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
  await page.getByLabel('手机号', { exact: true }).waitFor();
  ok('English switch on the phone form: "Mobile number", "New picture", no overflow; back to Chinese');
  await page.close();

  // 9. a panel member's number verifies as panel, and the page says so
  step('9 panel phone');
  const ctx3 = await phoneContext(browser, WAIT);
  watchCaptchas(ctx3);
  const p3 = await ctx3.newPage();
  watch(p3);
  await p3.goto(`${base}/s/demo`);
  const panel = await codeFor(p3, dashed(panelPhone), `panel number ${dashed(panelPhone)}`);
  const v3 = await verify(p3, panel.code);
  check(v3.res.status() === 200 && v3.data.class === 'panel', `the panel number verified with ${v3.res.status()} ${JSON.stringify(v3.data)}`);
  await waitForForm(p3);
  await p3.locator('#panel-note').getByText('评议团').waitFor();
  check(await p3.locator('#district').count() === 0, 'a panel member is asked for a district (the roster has it)');
  ok(`panel number ${dashed(panelPhone)}: class panel, the page says "${(await p3.locator('#panel-note').textContent()).trim()}", no district question`);
  await ctx3.close();

  // 10. the same number in another browser: a new code, and at verifying "already taken part"
  step('10 same number again');
  const ctx2 = await phoneContext(browser, WAIT);
  watchCaptchas(ctx2);
  const p2 = await ctx2.newPage();
  watch(p2);
  await p2.goto(`${base}/s/demo`);
  const again = await codeFor(p2, dashed(PHONE), `the same number again, as ${dashed(PHONE)}`);
  const v4 = await verify(p2, again.code);
  check(v4.res.status() === 409 && v4.data.error === 'already_used', `verifying a number that took part answered ${v4.res.status()} ${JSON.stringify(v4.data)}`);
  await p2.locator('#used').getByText('该手机号已参加过本次评议').waitFor();
  await p2.locator('#used').getByText('每个号码只能参加一次').waitFor();
  check(await p2.locator('input[type=radio]').count() === 0, 'rating inputs are shown for a number that took part');
  ok(`the same number as "${dashed(PHONE)}" in another browser: code sent (no enumeration), verify 409 already_used, "该手机号已参加过本次评议" shown`);
  await ctx2.close();

  step('no script errors');
  check(jsErrors.length === 0, `JavaScript errors on the page: ${jsErrors.join(' | ')}`);
  ok('no JavaScript errors');
}

run(main, TOTAL);
