import { launchChromium } from '/work/main/apps/web/test/support';

const url = process.argv[2]!;
const browser = await launchChromium();
const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
const page = await ctx.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
await page.getByRole('button', { name: 'Create an account' }).click();
await page.getByLabel('Username').fill('ana');
await page.getByLabel('Password').fill('password123');
await page.getByRole('button', { name: 'Create account' }).click();
await page.getByRole('button', { name: 'Sign out' }).waitFor();
await page.getByRole('button', { name: 'Create a room' }).first().click();
await page.getByLabel('Room name').fill('general');
await page.getByRole('button', { name: 'Create room' }).click();
await page.getByLabel('Message').waitFor();
for (let i = 0; i < 3; i++) {
  await page.getByLabel('Message').fill(`hello **world** ${i}`);
  await page.keyboard.press('Enter');
}
await page.waitForTimeout(1000);
await page.screenshot({ path: '/tmp/probe/p1.png' });
console.log(await page.getByRole('log').innerText());
await browser.close();
