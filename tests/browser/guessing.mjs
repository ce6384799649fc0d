// Browser test: while a campaign's short codes are being guessed, the survey page asks for a picture
// code with the short code, and a member who types both gets their ballot form.
//
//   node tests/browser/guessing.mjs <base_url> <short_code>
//
// The server must be in load-test mode (captcha answers in the X-Minping-Captcha-Answer header) with a
// campaign budget of at most 3 failed short codes an hour.
import { apiClient, check, launch, ok, phoneContext, run, step } from './harness.mjs';

const [base0, shortCode] = process.argv.slice(2);
if (!base0 || !shortCode) {
  console.error('usage: node guessing.mjs <base_url> <short_code>');
  process.exit(2);
}
const base = base0.replace(/\/+$/, '');
const WAIT = 15_000;
const api = apiClient(base, WAIT);

run(async () => {
  step('1 guessing');
  for (const guess of ['ZZZZ-ZZZ1', 'ZZZZ-ZZZ2', 'ZZZZ-ZZZ3', 'ZZZZ-ZZZ4', 'ZZZZ-ZZZ5']) {
    await api('POST', '/api/v1/campaigns/demo/invitations/status', { invitation: guess });
  }
  const r = await api('POST', '/api/v1/campaigns/demo/invitations/status', { invitation: shortCode });
  check(r.status === 403 && r.data.error === 'captcha_required', `after guessing, a short code alone answered ${r.status}`);
  ok('after five guesses, a short code alone is refused with captcha_required');

  step('2 the page asks for a picture code');
  const browser = await launch(WAIT);
  const ctx = await phoneContext(browser, WAIT);
  const answers = new Map();
  ctx.on('response', async (res) => {
    if (new URL(res.url()).pathname !== '/api/v1/captcha') return;
    const body = await res.json().catch(() => null);
    if (body && body.id) answers.set(body.id, res.headers()['x-minping-captcha-answer']);
  });
  const page = await ctx.newPage();
  await page.goto(`${base}/s/demo`);
  const panelPath = page.getByRole('button', { name: '评议团成员：输入邀请码' });
  await page.locator('#code, #phone, form#survey').first().waitFor();
  if (await panelPath.count()) await panelPath.click();
  await page.getByLabel('邀请码', { exact: true }).fill(shortCode);
  await page.getByRole('button', { name: '继续' }).click();
  await page.locator('#ccap-img[data-id]').waitFor();
  const said = await page.locator('#code-err').textContent();
  check(/图片验证码/.test(said), `the page did not say why: "${said}"`);
  ok(`the page shows a picture code and says why: "${said}"`);

  step('3 with the picture code');
  const id = await page.locator('#ccap-img').getAttribute('data-id');
  for (let i = 0; i < 50 && !answers.has(id); i++) await new Promise((r) => setTimeout(r, 100));
  check(answers.get(id), 'no captcha answer header: is load-test mode on?');
  await page.locator('#ccap').fill(answers.get(id));
  await page.getByRole('button', { name: '继续' }).click();
  await page.locator('fieldset[data-unit]').first().waitFor();
  ok('with the picture code the short code is accepted and the survey appears');
}, 90_000);
