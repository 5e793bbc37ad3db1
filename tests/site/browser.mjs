// Browser test of the static site: Debian's chromium, driven by playwright-core, on
// file://OUT/site/, on a desktop (1400 x 900) and a phone (390 x 844, touch), with axe-core.
// usage: node tests/site/browser.mjs OUT   (OUT holds site/ from `partymap render`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { readSite } from './lib.mjs';
import { desktop } from './desktop.mjs';
import { phone } from './phone.mjs';

const CHROMIUM = '/usr/bin/chromium';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const AXE = path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js');

let passed = 0;   // steps done; the closing line counts them as a test runner would

function fail(msg) {
  console.error(`browser test: FAIL: ${msg}`);
  console.log(`browser: ${passed} passed, 1 failed`);
  process.exit(1);
}

const out = path.resolve(process.argv[2] || 'build/site-test');
const siteDir = path.join(out, 'site');
const index = path.join(siteDir, 'index.html');
if (!fs.existsSync(index)) fail(`${index} is missing: render it first (build/partymap render --only tiles,site --out ${out})`);
if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (make deps)`);
if (!fs.existsSync(AXE)) fail(`${AXE} is missing: npm install --prefix tests/site`);

let site;
try { site = readSite(siteDir); } catch (e) { fail(e.message); }
const { D, names } = site;
if (!names.code.length) fail('names.js has no committees');

const problems = [];   // console errors, page errors, failed or outside requests
let aborted = 0;       // tile loads cancelled by Leaflet
function watch(page, what) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${what}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${what}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    // Leaflet cancels tiles still loading when the view moves on: not a failure.
    if (why === 'net::ERR_ABORTED' && /\/tiles\//.test(r.url()) && fs.existsSync(new URL(r.url()))) aborted++;
    else problems.push(`${what}: request failed: ${r.url()} (${why})`);
  });
  page.on('request', (r) => {
    if (!/^(file|data|about|blob):/.test(r.url())) problems.push(`${what}: request outside the site: ${r.url()}`);
  });
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
}).catch((e) => fail(`cannot start ${CHROMIUM}: ${e.message}`));

let step = 'start';
function begin(name) {
  if (step !== 'start') passed++;
  step = name;
}

const url = pathToFileURL(index).href;
// "Locate me" is tested at the inner point of one committee.
const geoIndex = Math.floor(names.code.length / 4);
const devices = [
  ['desktop', { viewport: { width: 1400, height: 900 } }, desktop],
  ['phone', { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
              geolocation: { latitude: names.centre[2 * geoIndex + 1], longitude: names.centre[2 * geoIndex] },
              permissions: ['geolocation'] }, phone],
];
let failed = null;
const t0 = Date.now();
for (const [what, opts, run] of devices) {
  const context = await browser.newContext({ ...opts, locale: 'zh-CN' });
  const page = await context.newPage();
  watch(page, what);
  try {
    await run({ page, url, D, names, begin, out, axePath: AXE, geoIndex });
  } catch (e) {
    failed = `${step}: ${e.message} (page ${page.url()}; see ${path.join(out, 'site-failure.png')})`;
    await page.screenshot({ path: path.join(out, 'site-failure.png') }).catch(() => {});
  }
  await context.close();
  if (failed) break;
}
await browser.close();
if (failed) fail(failed);
passed++;   // the last step
if (problems.length) fail(`${problems.length} problem(s) in the page:\n  ${problems.join('\n  ')}`);
passed++;   // no console errors, page errors or failed requests
console.log(`browser test: OK in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${aborted} tile load(s) cancelled by Leaflet ` +
            `(screenshots ${path.join(out, 'site-desktop.png')}, site-phone.png, site-phone-sheet.png, site-desktop-large.png)`);
console.log(`browser: ${passed} passed, 0 failed`);
