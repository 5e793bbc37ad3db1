// Dev helper: screenshots of a rendered site at phone and desktop sizes, with console errors.
// usage: node tests/site/shot.mjs OUT/site/index.html PREFIX [HASH]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
const [,, index, prefix, hash = ''] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const [name, vp, mobile] of [['phone', { width: 390, height: 844 }, true], ['desktop', { width: 1400, height: 900 }, false]]) {
  const ctx = await browser.newContext({ viewport: vp, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1 });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(name, 'console', m.type(), m.text()); });
  page.on('requestfailed', (r) => console.log(name, 'failed', r.url(), r.failure()?.errorText));
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(pathToFileURL(index).href + hash);
  await page.waitForSelector('html[data-ready]', { timeout: 20000 }).catch(() => console.log('not ready'));
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${prefix}-${name}.png` });
  await ctx.close();
}
await browser.close();
