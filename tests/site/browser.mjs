// Browser test of the static site: Debian's chromium, driven by playwright-core, on file://OUT/site/.
// usage: node tests/site/browser.mjs OUT   (OUT holds site/ and YEAR/tiles/ from `partymap render`)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT = 20000;

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

// The same data the page gets: data.js is a script, JSON after its prefix.
const dataText = fs.readFileSync(path.join(siteDir, 'data.js'), 'utf8');
const PREFIX = 'window.PARTYMAP = ';
if (!dataText.startsWith(PREFIX)) fail('data.js does not start with "window.PARTYMAP = "');
const D = JSON.parse(dataText.slice(PREFIX.length).replace(/;\s*$/, ''));
const years = D.years;
const lastYear = years[years.length - 1];
const features = D.committees.features;
if (!features.length) fail('data.js has no committees');

const problems = [];   // console errors, page errors, failed or outside requests
let aborted = 0;       // tile loads cancelled by Leaflet
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'partymap-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
}).catch((e) => fail(`cannot start ${CHROMIUM}: ${e.message}`));

let step = 'start';
function begin(name) {
  if (step !== 'start') passed++;
  step = name;
}
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function run(page) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    // Leaflet cancels tiles still loading when the view moves on (src set to a blank
    // image): an abort of an existing tile is not a failure; a missing file is.
    if (why === 'net::ERR_ABORTED' && /\/tiles\//.test(r.url()) && fs.existsSync(new URL(r.url()))) aborted++;
    else problems.push(`request failed: ${r.url()} (${why})`);
  });
  page.on('request', (r) => {
    if (!/^(file|data|about):/.test(r.url())) problems.push(`request outside the site: ${r.url()}`);
  });
  const url = pathToFileURL(index).href;

  // Tiles loaded so far whose src is of the given map and year; every loaded tile must be.
  async function tilesOf(map, year) {
    const want = `../${year}/tiles/${map}/`;
    await page.waitForFunction((w) => {
      const imgs = [...document.querySelectorAll('img.leaflet-tile')];
      return imgs.length > 0 && imgs.every((i) => i.getAttribute('src').startsWith(w) &&
                                                  i.classList.contains('leaflet-tile-loaded'));
    }, want, { timeout: TIMEOUT }).catch(async () => {
      const srcs = await page.$$eval('img.leaflet-tile', (l) => l.map((i) => i.getAttribute('src')));
      throw new Error(`tiles of ${map} ${year} did not load (expected srcs under ${want}; have ${srcs.slice(0, 4).join(', ') || 'none'})`);
    });
    const tiles = await page.$$eval('img.leaflet-tile-loaded',
      (l) => l.map((i) => ({ src: i.getAttribute('src'), w: i.naturalWidth })));
    check(tiles.every((t) => t.w > 0), `a tile of ${map} ${year} has no pixels`);
    return tiles;
  }

  async function hash() {
    const h = new URL(page.url()).hash.replace(/^#/, '');
    return Object.fromEntries(h.split('&').filter(Boolean).map((kv) => kv.split('=')));
  }

  // Clicks the middle of the map (where the hash put a committee's inner point).
  async function clickCentre(name) {
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    return popupText(name);
  }

  async function popupText(name) {
    await page.waitForFunction((n) => {
      const p = document.querySelector('.leaflet-popup-content');
      return p && p.textContent.includes(n);
    }, name, { timeout: TIMEOUT }).catch(() => { throw new Error(`no popup with "${name}"`); });
    return page.$eval('.leaflet-popup-content', (p) => p.textContent);
  }

  begin('load');
  await page.goto(url);
  const first = D.maps[0].id;
  const t0 = await tilesOf(first, lastYear);
  const overview = await hash();   // the whole area, as fitted on load
  check(overview.map === first && overview.year === String(lastYear) && overview.z,
        `hash after load is ${page.url()}, expected map=${first}&year=${lastYear}&z=..`);
  console.log(`browser test: ${t0.length} tiles of ${first} ${lastYear} loaded`);
  const legendRows = await page.$$eval('#legend-items li', (l) => l.length);
  const lg = D.legend[lastYear][first];
  check(legendRows === lg.classes.length + 1, `legend has ${legendRows} rows, expected ${lg.classes.length} classes + 无数据`);
  const counts = await page.$$eval('#legend-items .count', (l) => l.map((c) => parseInt(c.textContent, 10)));
  check(counts.reduce((a, b) => a + b, 0) === features.length, `legend counts ${counts} do not add up to ${features.length}`);
  const poster = await page.getAttribute('#poster', 'href');
  check(poster === `../${lastYear}/print/${first}.pdf`, `poster link is ${poster}`);

  begin('switch map');
  // Another map, one that also has tiles in the previous year if there is one.
  const prev = years.length > 1 ? years[years.length - 2] : null;
  const others = D.maps.slice(1).filter((m) => D.tilesets[lastYear]?.[m.id]);
  const other = others.find((m) => prev && D.tilesets[prev]?.[m.id]) || others[0];
  check(other, `no second map has tiles in ${lastYear}`);
  await page.click(`button[data-map="${other.id}"]`);
  await tilesOf(other.id, lastYear);
  check((await page.textContent('#legend-title')).includes(other.title), 'legend title did not follow the map');
  check((await hash()).map === other.id, `hash ${page.url()} does not name map ${other.id}`);

  begin('switch year');
  if (prev && D.tilesets[prev]?.[other.id]) {
    const y = prev;
    await page.click(`button[data-year="${y}"]`);
    await tilesOf(other.id, y);
    check((await hash()).year === String(y), `hash ${page.url()} does not name year ${y}`);
    console.log(`browser test: year ${lastYear} → ${y} switched the tiles of ${other.id}`);
    // A map without tiles in that year: a note, and no tile requested.
    const bare = D.maps.find((m) => !D.tilesets[y]?.[m.id]);
    if (bare) {
      await page.click(`button[data-map="${bare.id}"]`);
      await page.waitForSelector('#legend-note:not([hidden])', { timeout: TIMEOUT });
      check(await page.$$eval('img.leaflet-tile', (l) => l.length) === 0, `${bare.id} ${y} has no tiles but some were requested`);
      await page.click(`button[data-map="${other.id}"]`);
      await tilesOf(other.id, y);
    }
    await page.click(`button[data-year="${lastYear}"]`);
    await tilesOf(other.id, lastYear);
  } else {
    console.log(`browser test: note: no earlier year has tiles of ${other.id}: year switching not tested`);
  }

  begin('hash restore and click');
  // Load a view from the hash: map, year, zoom and centre on a committee's inner point.
  const f = features[Math.floor(features.length / 2)];
  const [lng, lat] = f.properties.centre;
  const progress = D.maps[D.maps.length - 1].id;
  await page.goto(`${url}#map=${progress}&year=${lastYear}&z=16&lat=${lat}&lng=${lng}`);
  await page.reload();
  await tilesOf(progress, lastYear);
  check(await page.getAttribute(`button[data-map="${progress}"]`, 'aria-checked') === 'true',
        'map from the hash is not selected');
  const text = await clickCentre(f.properties.name);
  check(text.includes(f.properties.code), `popup lacks the code ${f.properties.code}`);
  const m = D.maps.find((x) => x.id === progress);
  const v = f.properties.values[lastYear][m.indicator];
  if (v !== null) {
    const shown = (v > 0 && D.fields.find((x) => x.key === m.indicator)?.signed ? '+' : '') + v.toFixed(m.decimals);
    check(text.includes(shown), `popup lacks the value ${shown} of ${m.indicator}`);
  }
  console.log(`browser test: click at the centre of ${f.properties.name} opened its popup`);

  begin('search');
  const g = features.find((x) => x !== f && x.properties.name !== f.properties.name);
  await page.fill('#search-input', g.properties.name);
  await page.press('#search-input', 'Enter');
  await popupText(g.properties.name);
  await page.waitForFunction(() => /z=\d+/.test(location.hash), null, { timeout: TIMEOUT });
  const h = await hash();
  const [gx, gy] = g.properties.centre;
  check(Math.abs(parseFloat(h.lat) - gy) < 0.01 && Math.abs(parseFloat(h.lng) - gx) < 0.01,
        `after searching ${g.properties.name} the hash is ${page.url()}, not near ${gy}, ${gx}`);
  console.log(`browser test: search for ${g.properties.name} opened its popup; hash ${new URL(page.url()).hash}`);

  begin('screenshot');
  // The overview of the first map with a popup, through a hash change this time.
  await page.evaluate((h) => { location.hash = h; }, `map=${first}&year=${lastYear}&z=${overview.z}&lat=${lat}&lng=${lng}`);
  await tilesOf(first, lastYear);
  await clickCentre(f.properties.name);
  await page.waitForTimeout(400);   // let the fade-in of tiles and the popup finish
  await page.screenshot({ path: path.join(out, 'site-screenshot.png') });

  begin('hidpi');
  if (D.tilesets[lastYear][first]['2x'] !== undefined) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
    await page.reload();
    const hi = await tilesOf(first, lastYear);
    check(hi.every((t) => t.src.endsWith('@2x.png') && t.w === 512), `HiDPI tiles are not the 512 px @2x ones: ${hi[0].src}`);
    console.log(`browser test: on a HiDPI screen ${hi.length} @2x tiles loaded`);
  }
}

let failed = null;
const page = context.pages()[0] || await context.newPage();
try {
  await run(page);
} catch (e) {
  failed = `${step}: ${e.message} (page ${page.url()}; see ${path.join(out, 'site-failure.png')})`;
  await page.screenshot({ path: path.join(out, 'site-failure.png') }).catch(() => {});
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
if (failed) fail(failed);
passed++;   // the last step
if (problems.length) fail(`${problems.length} problem(s) in the page:\n  ${problems.join('\n  ')}`);
passed++;   // no console errors, page errors or failed requests
console.log(`browser test: OK, ${aborted} tile load(s) cancelled by Leaflet (screenshot ${path.join(out, 'site-screenshot.png')})`);
console.log(`browser: ${passed} passed, 0 failed`);
