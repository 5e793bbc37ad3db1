// Helpers of the site's browser test: the site's data as the page gets it, and page probes.
import fs from 'node:fs';
import path from 'node:path';

export const TIMEOUT = 20000;

export function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// data.js is "window.PARTYMAP = JSON;", the loaded files "PARTYMAP_LOAD(key, JSON);".
export function readSite(siteDir) {
  const text = fs.readFileSync(path.join(siteDir, 'data.js'), 'utf8');
  const PREFIX = 'window.PARTYMAP = ';
  check(text.startsWith(PREFIX), 'data.js does not start with "window.PARTYMAP = "');
  const D = JSON.parse(text.slice(PREFIX.length).replace(/;\s*$/, ''));
  const load = (rel) => {
    const t = fs.readFileSync(path.join(siteDir, rel), 'utf8');
    const m = /^PARTYMAP_LOAD\("([^"]+)", ([\s\S]*)\);\s*$/.exec(t);
    check(m, `${rel} is not a PARTYMAP_LOAD(key, data) script`);
    check(`${m[1]}.js` === rel, `${rel} names itself ${m[1]}`);
    return JSON.parse(m[2]);
  };
  const names = load(D.index.names);
  return { D, names, load };
}

// The same core of a name as the page's search (site/js/core.js).
const SUFFIXES = ['居民委员会', '村民委员会', '居委会', '村委会', '居民区', '社区', '村'];
export function nameCore(s) {
  for (let round = 0; round < 2; round++) {
    const hit = SUFFIXES.find((k) => s.length > k.length && s.endsWith(k));
    if (!hit) break;
    s = s.slice(0, -hit.length);
  }
  return s;
}

export function hashOf(page) {
  const h = new URL(page.url()).hash.replace(/^#/, '');
  return Object.fromEntries(h.split('&').filter(Boolean).map((kv) => kv.split('=').map(decodeURIComponent)));
}

// Waits until every tile image is of map/year and loaded; returns [{src, w}].
export async function tilesOf(page, map, year) {
  const want = `${year}/tiles/${map}/`;
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

export async function popupText(page, name) {
  await page.waitForFunction((n) => {
    const p = document.querySelector('.leaflet-popup-content');
    return p && p.textContent.includes(n);
  }, name, { timeout: TIMEOUT }).catch(async () => {
    const t = await page.$eval('.leaflet-popup-content', (p) => p.textContent).catch(() => 'no popup');
    throw new Error(`no popup with "${name}" (popup: ${t.slice(0, 80)})`);
  });
  return page.$eval('.leaflet-popup-content', (p) => p.textContent);
}

// The popup's box once Leaflet's pan into view has settled.
export async function popupBox(page) {
  let last = null;
  for (let k = 0; k < 40; k++) {
    const b = await page.$eval('.leaflet-popup', (p) => {
      const r = p.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width, h: r.height };
    });
    if (last && Math.abs(last.x - b.x) < 0.5 && Math.abs(last.y - b.y) < 0.5) return b;
    last = b;
    await page.waitForTimeout(100);
  }
  return last;
}

export function inside(b, vp, margin = 0) {
  return b.x >= -margin && b.y >= -margin && b.x + b.w <= vp.width + margin && b.y + b.h <= vp.height + margin;
}

export function overlap(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export async function rectOf(page, sel) {
  return page.$eval(sel, (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
}

// Searches and picks the first result with the keyboard; resolves with the popup text.
export async function searchFor(page, query, expectName) {
  await page.fill('#search-input', '');
  await page.type('#search-input', query);
  await page.waitForFunction(() => !document.getElementById('search-results').hidden, null, { timeout: TIMEOUT })
    .catch(async () => {
      throw new Error(`no search results for "${query}": ${await page.textContent('#search-msg')}`);
    });
  const first = await page.textContent('#search-results li:first-child .result-name');
  check(first.includes(expectName), `searching "${query}" lists "${first}" first, not ${expectName}`);
  await page.press('#search-input', 'ArrowDown');
  await page.press('#search-input', 'Enter');
  return popupText(page, expectName);
}

// axe-core in the page: serious or critical violations, as text.
export async function axe(page, axePath, what) {
  await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(!bad.length, `axe-core (${what}): ${bad.map((v) => `${v.impact} ${v.id}: ${v.help} [${v.nodes.join('; ')}]`).join(' | ')}`);
  return res;
}
