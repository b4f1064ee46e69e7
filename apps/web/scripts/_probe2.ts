import { launchChromium } from '../test/support';
const url = process.argv[2]!;
const browser = await launchChromium();
const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
ctx.setDefaultTimeout(8000);
const a = await ctx.newPage();
a.on('console', (m) => console.log('console:', m.type(), m.text()));
a.on('pageerror', (e) => console.log('pageerror:', e.message));
try {
await a.goto(url);
await a.getByRole('button', { name: 'Create an account' }).click();
await a.getByLabel('Username').fill('a!');
await a.getByLabel('Password').fill('short');
await a.getByRole('button', { name: 'Create account' }).click();
await a.goto(url);
await a.getByRole('button', { name: 'Create an account' }).click();
await a.getByLabel('Username').fill('zed' + Date.now() % 10000);
await a.getByLabel('Display name (optional)').fill('Zed');
await a.getByLabel('Password').fill('correct horse battery');
await a.getByRole('button', { name: 'Create account' }).click();
await a.getByRole('button', { name: 'Sign out' }).waitFor();
await a.getByRole('button', { name: 'Create a room' }).first().click();
await a.getByLabel('Room name').fill('launch');
} catch (e) { console.log(String(e)); }
await a.screenshot({ path: '/tmp/probe/p2.png' });
await browser.close();
