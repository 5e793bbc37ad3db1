// The site workload of `make bench`: a rendered site served from localhost (file:// has no
// network emulation) to Debian's chromium as a phone on simulated Fast 3G with a 4x slower
// CPU; measures the first view's bytes and time to usable, clicks to popups, search coverage.
// usage: node bench/site_bench.mjs SITE_DIR [--reps N] [--no-throttle] [--label NAME]
// Prints one JSON object.  Needs playwright-core (tests/site/node_modules).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', 'tests', 'site', 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const siteDir = path.resolve(args[0] || 'out/site');
const reps = Number(args[args.indexOf('--reps') + 1]) || (args.includes('--reps') ? 1 : 3);
const throttle = !args.includes('--no-throttle');
const label = args.includes('--label') ? args[args.indexOf('--label') + 1] : path.basename(path.dirname(siteDir));
// Chrome DevTools' "Fast 3G" (as Lighthouse's devtools throttling): 562.5 ms per request,
// 1.6 Mbit/s x 0.9 down, 750 kbit/s x 0.9 up; the CPU 4 times slower.
const FAST3G = { offline: false, latency: 562.5, downloadThroughput: 1.6 * 1024 * 1024 / 8 * 0.9,
                 uploadThroughput: 750 * 1024 / 8 * 0.9 };
const CPU = 4;

// ---- a tiny static server: the site folder, gzip for text as any static host does ----

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css',
                '.png': 'image/png', '.svg': 'image/svg+xml', '.pdf': 'application/pdf', '.csv': 'text/csv',
                '.xlsx': 'application/octet-stream', '.jpg': 'image/jpeg' };
const gz = new Map();
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = path.join(siteDir, rel.endsWith('/') ? rel + 'index.html' : rel);
  if (!file.startsWith(siteDir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    res.end();
    return;
  }
  const ext = path.extname(file), type = TYPES[ext] || 'application/octet-stream';
  let body = fs.readFileSync(file);
  const headers = { 'Content-Type': type, 'Cache-Control': 'max-age=600' };
  if (/^text\/|svg/.test(type) && /gzip/.test(req.headers['accept-encoding'] || '')) {
    if (!gz.has(file)) gz.set(file, zlib.gzipSync(body, { level: 6 }));
    body = gz.get(file);
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });

async function phonePage() {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true,
                                         hasTouch: true, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  // A new context has an empty cache: every run is a first visit.
  if (throttle) {
    await cdp.send('Network.emulateNetworkConditions', FAST3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  }
  return { ctx, page, cdp };
}

// One cold load: bytes and time until the first view is usable (its tiles drawn, the page
// set up), then clicks at the overview (index tile loaded on demand) and zoomed in.
async function coldLoad(rep) {
  const { ctx, page } = await phonePage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  if (process.env.SITE_BENCH_DEBUG) page.on('console', (m) => console.error('page:', m.text()));
  page.on('pageerror', (e) => console.error('site bench: page error:', e.message));
  await page.goto(base + 'index.html', { waitUntil: 'commit' });
  await page.waitForSelector('html[data-ready]', { timeout: 120000 });
  const first = await page.evaluate(() => {
    const m = window.PARTYMAP_METRICS, nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').filter((e) => e.responseEnd <= m.usable);
    const tiles = res.filter((e) => /\/tiles\//.test(e.name));
    return {
      usable_ms: m.usable, interactive_ms: m.interactive,
      bytes: nav.transferSize + res.reduce((a, e) => a + e.transferSize, 0),
      bytes_uncompressed: nav.decodedBodySize + res.reduce((a, e) => a + e.decodedBodySize, 0),
      requests: 1 + res.length, tiles: tiles.length, tile_bytes: tiles.reduce((a, e) => a + e.transferSize, 0),
      dom_nodes: document.getElementsByTagName('*').length,
      zoom: window.PM.map.getZoom(),
      timeline: res.map((e) => [e.name.replace(/^.*\/(tiles\/)?/, ''), Math.round(e.startTime), Math.round(e.responseEnd)]),
      by_kind: res.reduce((o, e) => {
        const k = /\/tiles\//.test(e.name) ? 'tiles' : e.name.replace(/^.*\//, '').replace(/\?.*$/, '');
        o[k] = (o[k] || 0) + e.transferSize;
        return o;
      }, { 'index.html': nav.transferSize }),
    };
  });
  // A tap at the moment the view is usable: its index tile may still be on its way.
  const atUsable = await tapCommittee(page, 'any', -1);
  // Taps a moment later, once the view's index tiles are in (the page loads them first).
  await page.waitForFunction(() => window.PARTYMAP_METRICS.prefetched || window.PM.viewTiles() === null, null,
                             { timeout: 60000 }).catch(() => {});
  const prefetched = await page.evaluate(() => window.PARTYMAP_METRICS.prefetched);
  const warm = [];
  for (let k = 0; k < 6; k++) warm.push(await tapCommittee(page, 'committee', k));
  const names = await page.evaluate(async () => {
    await window.PM.loadNames();
    return window.PARTYMAP_METRICS.names;
  });
  await ctx.close();
  return { rep, ...first, click_at_usable_ms: atUsable, index_prefetched_ms: prefetched, click_ms: warm,
           names_loaded_ms: names, failed };
}

// Taps the inner point of a committee in view (the k-th by distance from the centre) and
// returns the page's own click-to-popup time (from the event to the next frame after it).
async function tapCommittee(page, what, k = 0) {
  const pt = await page.evaluate(async (k) => {
    const PM = window.PM, m = PM.map, size = m.getSize();
    const c = m.containerPointToLatLng([size.x / 2, (PM.insets().top + size.y - PM.insets().bottom) / 2]);
    const recs = Object.values(PM.records);
    if (!recs.length || k < 0) {              // nothing loaded yet: the committee under the centre
      const p = m.latLngToContainerPoint(c);
      return { x: p.x, y: p.y };
    }
    // Inner points in the uncovered part of the map, away from the zoom buttons.
    const i = PM.insets(true), pts = recs.map((r) => m.latLngToContainerPoint([r.ct[1], r.ct[0]]))
      .filter((p) => p.x > i.left + 20 && p.x < size.x - i.right - 20 && p.y > i.top + 20 && p.y < size.y - i.bottom - 20);
    pts.sort((a, b) => a.distanceTo([size.x / 2, size.y / 2]) - b.distanceTo([size.x / 2, size.y / 2]));
    const p = pts[Math.min(k * 3, pts.length - 1)];
    return { x: p.x, y: p.y };
  }, k);
  const before = await page.evaluate(() => window.PARTYMAP_METRICS.clicks.length);
  if (process.env.SITE_BENCH_DEBUG) console.error('tap', what, pt);
  await page.touchscreen.tap(pt.x, pt.y);
  await page.waitForFunction((n) => window.PARTYMAP_METRICS.clicks.length > n, before, { timeout: 60000 })
    .catch(async (e) => {
      await page.screenshot({ path: '/tmp/site-bench-failure.png' });
      throw new Error(`the tap at ${pt.x}, ${pt.y} had no answer in 60 s (${e.message}); see /tmp/site-bench-failure.png`);
    });
  const c = await page.evaluate(() => window.PARTYMAP_METRICS.clicks[window.PARTYMAP_METRICS.clicks.length - 1]);
  if (what === 'committee' && c.what !== 'committee') throw new Error(`a warm tap needed a load (${c.what})`);
  if (!/^committee/.test(c.what)) throw new Error(`the tap at ${pt.x}, ${pt.y} opened no committee (${c.what})`);
  await page.evaluate(() => window.PM.map.closePopup());
  await page.waitForTimeout(400);   // apart from the next tap, which is not a double tap
  return { ms: Math.round(c.ms), dom_ms: Math.round(c.dom_ms) };
}

// Every committee is in names.js, and a sample of them is found by its name.
async function searchCoverage() {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(base + 'index.html');
  await page.waitForSelector('html[data-ready]', { timeout: 120000 });
  const r = await page.evaluate(async () => {
    const PM = window.PM, n = await PM.loadNames(), total = window.PARTYMAP.committees.count;
    let found = 0, tried = 0, slowest = 0;
    for (let i = 0; i < n.count; i += Math.max(1, Math.floor(n.count / 300))) {
      const t0 = performance.now(), hits = PM.searchNames(n.name[i]);
      slowest = Math.max(slowest, performance.now() - t0);
      tried++;
      if (hits.some((h) => h.i === i)) found++;
    }
    const dup = {};
    n.core.forEach((c) => { dup[c] = (dup[c] || 0) + 1; });
    return { names: n.count, committees: total, codes_unique: new Set(n.code).size, tried, found,
             search_ms_max: Math.round(slowest), repeated_names: Object.values(dup).filter((v) => v > 1).length };
  });
  await ctx.close();
  return r;
}

const med = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const runs = [];
for (let k = 0; k < reps; k++) runs.push(await coldLoad(k + 1));
const search = await searchCoverage();
await browser.close();
server.close();
const result = {
  label, load_average: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0], site: siteDir, throttle: throttle ? { network: 'Fast 3G (562.5 ms, 1.47 Mbit/s down)', cpu: CPU } : null,
  device: 'phone 390x844, DPR 3', reps,
  first_view_bytes: med(runs.map((r) => r.bytes)), first_view_bytes_uncompressed: med(runs.map((r) => r.bytes_uncompressed)),
  usable_ms: Math.round(med(runs.map((r) => r.usable_ms))), interactive_ms: Math.round(med(runs.map((r) => r.interactive_ms))),
  click_at_usable_ms: med(runs.map((r) => r.click_at_usable_ms.ms)),
  index_prefetched_ms: Math.round(med(runs.map((r) => r.index_prefetched_ms || 0))),
  click_ms_median: med(runs.flatMap((r) => r.click_ms.map((c) => c.ms))),
  click_ms_max: Math.max(...runs.flatMap((r) => r.click_ms.map((c) => c.ms))),
  click_dom_ms_median: med(runs.flatMap((r) => r.click_ms.map((c) => c.dom_ms))),
  dom_nodes: med(runs.map((r) => r.dom_nodes)), search, runs,
};
console.log(JSON.stringify(result, null, 2));
