// The browser test's desktop part (1400 x 900): switchers, hash, clicks and links, search,
// keyboard-only use, table view, large-text mode, hover, points, axe-core, HiDPI tiles.
import path from 'node:path';
import { TIMEOUT, check, hashOf, tilesOf, popupText, popupBox, inside, searchFor, axe, nameCore } from './lib.mjs';

export async function desktop(t) {
  const { page, url, D, names, begin, out, axePath } = t;
  const years = D.years, lastYear = years[years.length - 1], first = D.maps[0].id;
  const vp = page.viewportSize();
  const n = names.code.length;
  const centre = (i) => ({ lng: names.centre[2 * i], lat: names.centre[2 * i + 1] });
  // A new load of the page at url (a hash change alone would keep the page's state).
  const fresh = async (u) => { await page.goto('about:blank'); await page.goto(u); };
  const full = (i) => (nameCore(names.name[i]) !== names.name[i] ? names.name[i] : names.name[i] + D.terms.unit);

  begin('desktop: load');
  await page.goto(url);
  const t0 = await tilesOf(page, first, lastYear);
  const overview = hashOf(page);
  check(overview.map === first && overview.year === String(lastYear) && overview.z,
        `hash after load is ${page.url()}, expected map=${first}&year=${lastYear}&z=..`);
  console.log(`browser test: ${t0.length} tiles of ${first} ${lastYear} loaded`);
  const lg = D.legend[lastYear][first];
  const rows = await page.$$eval('#legend-items li', (l) => l.length);
  check(rows === lg.classes.length + 1, `legend has ${rows} rows, expected ${lg.classes.length} classes + 无数据`);
  const counts = await page.$$eval('#legend-items .count', (l) => l.map((c) => parseInt(c.textContent, 10)));
  check(counts.reduce((a, b) => a + b, 0) === n, `legend counts ${counts} do not add up to ${n}`);
  const dl = await page.$$eval('#downloads a', (l) => l.map((a) => a.getAttribute('href')));
  const want = D.downloads[lastYear];
  for (const k of ['csv', 'xlsx', 'atlas']) if (want[k]) check(dl.includes(want[k]), `no download link to ${want[k]}: ${dl}`);
  if (D.approval) check((await page.textContent('#credits')).includes(D.approval.number), 'the footer lacks the approval number');

  begin('desktop: switch map and year');
  const prev = years.length > 1 ? years[years.length - 2] : null;
  const others = D.maps.slice(1).filter((m) => D.tilesets[lastYear]?.[m.id]);
  const other = others.find((m) => prev && D.tilesets[prev]?.[m.id]) || others[0];
  check(other, `no second map has tiles in ${lastYear}`);
  await page.click(`button[data-map="${other.id}"]`);
  await tilesOf(page, other.id, lastYear);
  check((await page.textContent('#legend-title')).includes(other.title), 'legend title did not follow the map');
  check(hashOf(page).map === other.id, `hash ${page.url()} does not name map ${other.id}`);
  if (prev && D.tilesets[prev]?.[other.id]) {
    await page.click(`button[data-year="${prev}"]`);
    await tilesOf(page, other.id, prev);
    check(hashOf(page).year === String(prev), `hash ${page.url()} does not name year ${prev}`);
    const bare = D.maps.find((m) => !D.tilesets[prev]?.[m.id]);
    if (bare) {
      await page.click(`button[data-map="${bare.id}"]`);
      await page.waitForSelector('#legend-note:not([hidden])', { timeout: TIMEOUT });
      check(await page.$$eval('img.leaflet-tile', (l) => l.length) === 0, `${bare.id} ${prev} has no tiles but some were requested`);
      await page.click(`button[data-map="${other.id}"]`);
    }
    await page.click(`button[data-year="${lastYear}"]`);
    await tilesOf(page, other.id, lastYear);
  }

  begin('desktop: hash view and click');
  const fi = Math.floor(n / 2), f = centre(fi), progress = D.maps[D.maps.length - 1].id;
  await fresh(`${url}#map=${progress}&year=${lastYear}&z=16&lat=${f.lat}&lng=${f.lng}`);
  await tilesOf(page, progress, lastYear);
  check(await page.getAttribute(`button[data-map="${progress}"]`, 'aria-checked') === 'true', 'map from the hash is not selected');
  const box = await page.locator('#map').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  let text = await popupText(page, full(fi));
  check(text.includes(names.code[fi]), `popup lacks the code ${names.code[fi]}`);
  const st = D.stats[lastYear][progress];
  check(/第\d+名 \/ 共\d+个|无排名/.test(text) && (text.includes(`共${st.ranked}个`) || text.includes('无排名')),
        `popup lacks "第N名 / 共${st.ranked}个": ${text.slice(0, 120)}`);
  await page.waitForFunction((c) => location.hash.includes(`c=${c}`), names.code[fi], { timeout: TIMEOUT })
    .catch(() => { throw new Error(`the hash ${page.url()} lacks c=${names.code[fi]}`); });
  check(await page.$$eval('.pm-popup svg.trend', (l) => l.length) === 1, 'the popup has no trend chart');

  begin('desktop: a link with &c=CODE');
  const li = (fi + 7) % n;
  await page.goto('about:blank');
  await page.goto(`${url}#map=${first}&year=${lastYear}&c=${names.code[li]}`);
  text = await popupText(page, full(li));
  const fig = text.match(/第(\d+)名/);
  check(fig, `the linked popup shows no rank: ${text.slice(0, 100)}`);
  check(inside(await popupBox(page), vp), 'the linked popup is not inside the viewport');
  if (D.downloads[lastYear].atlas) {
    const href = await page.getAttribute('.pm-popup a[href*="atlas.pdf#page="]', 'href');
    check(/#page=\d+$/.test(href), `the atlas link is ${href}`);
  }

  begin('desktop: search');
  const counts2 = {};
  names.name.forEach((s) => { const c = nameCore(s); counts2[c] = (counts2[c] || 0) + 1; });
  const unique = names.name.map((s, i) => i).filter((i) => {
    const c = nameCore(names.name[i]);
    return counts2[c] === 1 && c.length >= 2 &&
           !names.name.some((o, j) => j !== i && nameCore(o).startsWith(c));
  });
  check(unique.length >= 2, 'no committee with a unique name to search for');
  const g = unique[0], core = nameCore(names.name[g]);
  await page.goto(url);
  await tilesOf(page, first, lastYear);
  for (const q of [`${core}居委会`, `${core}居民区`, `${core}社区`]) {
    await searchFor(page, q, full(g));
    console.log(`browser test: search "${q}" opened ${full(g)}`);
  }
  const h = hashOf(page);
  check(h.c === names.code[g], `after the search the hash is ${page.url()}, without c=${names.code[g]}`);
  const byInitials = unique.find((i) => names.initials.filter((x) => x === names.initials[i]).length === 1 &&
                                        names.initials[i].length >= 2 &&
                                        !names.initials.some((x, j) => j !== i && x.startsWith(names.initials[i])));
  check(byInitials !== undefined, 'no committee with unique pinyin initials');
  await searchFor(page, names.initials[byInitials], full(byInitials));
  console.log(`browser test: search "${names.initials[byInitials]}" (pinyin initials) opened ${full(byInitials)}`);
  await searchFor(page, core.slice(0, Math.max(1, core.length - 1)), '');   // a partial name lists results

  begin('desktop: keyboard only');
  await fresh(url + '#');
  await tilesOf(page, first, lastYear);
  const seen = [];
  for (let k = 0; k < 60; k++) {
    await page.keyboard.press('Tab');
    const f2 = await page.evaluate(() => {
      const e = document.activeElement, s = getComputedStyle(e);
      return { id: e.id, cls: String(e.className), tag: e.tagName, text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 20),
               ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    if (f2.tag === 'BODY') continue;
    seen.push(f2);
    check(f2.ring, `no visible focus on ${f2.tag}#${f2.id}.${f2.cls} "${f2.text}"`);
  }
  const have = (pred, what) => check(seen.some(pred), `Tab never reaches ${what}: ${seen.map((s) => s.id || s.text).join(', ')}`);
  have((s) => s.id === 'search-input', 'the search box');
  have((s) => /leaflet-container/.test(s.cls), 'the map');
  have((s) => /leaflet-control-zoom-in/.test(s.cls), 'the zoom-in button');
  have((s) => s.id === 'table-open', 'the table view button');
  // From page load to a committee's popup with the keyboard alone.
  await fresh(url + '#');
  await tilesOf(page, first, lastYear);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.classList.contains('skip-link')), 'the first Tab is not the skip link');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id === 'search-input'), 'the skip link does not focus the search box');
  await page.keyboard.type(core);
  await page.waitForSelector('#search-results:not([hidden])', { timeout: TIMEOUT });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await popupText(page, full(g));
  check(await page.evaluate(() => document.activeElement.closest('.leaflet-popup') !== null),
        'the popup opened by keyboard does not hold the focus');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('.leaflet-popup'), null, { timeout: TIMEOUT });
  check(await page.evaluate(() => document.activeElement.id === 'search-input'), 'Escape does not return the focus to the search box');
  console.log(`browser test: keyboard only: Tab, Enter, "${core}", Down, Enter opened the popup; ${seen.length} focus stops, all visible`);

  begin('desktop: table view');
  await page.click('#table-open');
  await page.waitForFunction(() => document.querySelectorAll('#table-body tr').length > 0, null, { timeout: TIMEOUT });
  const nrows = await page.$$eval('#table-body tr', (l) => l.length);
  check(nrows === Math.min(100, n), `the table shows ${nrows} rows, expected ${Math.min(100, n)}`);
  const ranks = await page.$$eval('#table-body tr td:first-child', (l) => l.map((td) => parseInt(td.textContent, 10)));
  check(ranks.every((r, k) => k === 0 || isNaN(r) || r >= ranks[k - 1]), `the table is not sorted by rank: ${ranks.slice(0, 8)}`);
  await page.click('#table-header th:nth-child(3) button');
  const vals = await page.$$eval('#table-body tr td:nth-child(3)', (l) => l.map((td) => parseFloat(td.textContent)));
  const fin = vals.filter((v) => !isNaN(v));
  check(fin.every((v, k) => k === 0 || v <= fin[k - 1]), `sorted by value the table is not descending: ${fin.slice(0, 8)}`);
  check(await page.getAttribute('#table-header th:nth-child(3)', 'aria-sort') === 'descending', 'aria-sort is not descending');
  await axe(page, axePath, 'desktop, table view');
  const rowName = await page.textContent('#table-body tr:first-child .row-btn');
  await page.click('#table-body tr:first-child .row-btn');
  await popupText(page, rowName);
  check(await page.$eval('#table-view', (e) => e.hidden), 'the table stays open after picking a row');
  console.log(`browser test: table view: ${nrows} rows, sorted by rank and by value; row ${rowName} opened its popup`);

  begin('desktop: large-text mode');
  const fs0 = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.click('#large-toggle');
  const fs1 = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  check(fs1 >= 18 && fs1 > fs0, `large-text mode: font size ${fs0} -> ${fs1} px`);
  await page.reload();
  await tilesOf(page, first, lastYear);
  check(await page.evaluate(() => document.documentElement.classList.contains('large')), 'large-text mode does not persist');
  await axe(page, axePath, 'desktop, large text');
  await page.screenshot({ path: path.join(out, 'site-desktop-large.png') });
  await page.click('#large-toggle');
  check(!(await page.evaluate(() => document.documentElement.classList.contains('large'))), 'large-text mode does not turn off');

  begin('desktop: hover, and the preload of a linked view\'s tiles');
  const asked = [];
  const onRequest = (r) => { if (/\/tiles\//.test(r.url())) asked.push(r.url()); };
  page.on('request', onRequest);
  await fresh(`${url}#map=${first}&year=${lastYear}&z=16&lat=${f.lat}&lng=${f.lng}`);
  await tilesOf(page, first, lastYear);
  page.off('request', onRequest);
  const preloads = await page.$$eval('link[rel="preload"][as="image"]', (l) => l.map((x) => x.href));
  check(preloads.length > 0, 'the head did not preload the linked view\'s tiles');
  const shown = await page.$$eval('img.leaflet-tile', (l) => l.map((i) => i.src));
  check(preloads.every((u) => shown.includes(u)), `the head preloaded tiles Leaflet does not show: ${preloads.filter((u) => !shown.includes(u))}`);
  const twice = asked.filter((u, k) => asked.indexOf(u) !== k);
  check(!twice.length, `tiles requested twice (preload and image): ${twice.slice(0, 3)}`);
  await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2 + 1);
  await page.waitForFunction((nm) => { const b = document.querySelector('.pm-info'); return b && !b.hidden && b.textContent.includes(nm); },
    full(fi), { timeout: TIMEOUT }).catch(() => { throw new Error(`hovering ${full(fi)} shows no info box`); });

  begin('desktop: points');
  const pmap = D.maps.find((m) => m.show_points);
  if (pmap && D.points.platforms > 0) {
    const at = await page.evaluate(async () => {
      // A platform from the points files: its own popup, not the committee's.
      const X = window.PARTYMAP.index;
      for (const c of X.coverage[X.zoom]) {
        for (let k = 1; k + 1 < c.length; k += 2) {
          for (let y = c[k]; y <= c[k + 1]; y++) {
            const d = await window.PM.load(window.PM.fill(X.points, { z: X.zoom, x: c[0], y }).replace(/\.js$/, ''));
            if (d.pl.length) {
              const ll = window.PM.toLatLng(d.pl[0][0], d.pl[0][1]);
              return { lat: ll.lat, lng: ll.lng, name: d.pl[0][2] };
            }
          }
        }
      }
      return null;
    });
    check(at, 'no platform in the points files');
    await fresh(`${url}#map=${pmap.id}&year=${lastYear}&z=17&lat=${at.lat}&lng=${at.lng}`);
    await tilesOf(page, pmap.id, lastYear);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const pt = await popupText(page, '党建服务平台');
    check(pt.includes(at.name), `the platform popup lacks its name ${at.name}`);
    console.log(`browser test: the platform ${at.name} opened its own popup`);
  }

  begin('desktop: axe-core and screenshot');
  await page.goto('about:blank');
  await page.goto(`${url}#map=${first}&year=${lastYear}&c=${names.code[fi]}`);
  await popupText(page, full(fi));
  await tilesOf(page, first, lastYear);
  await page.waitForTimeout(400);   // let the fade-in of tiles and the popup finish
  const found = await axe(page, axePath, 'desktop, popup open');
  await page.screenshot({ path: path.join(out, 'site-desktop.png') });
  console.log(`browser test: axe-core on desktop: no serious or critical violation (${found.length} minor: ${found.map((v) => v.id).join(', ') || 'none'})`);

  begin('desktop: HiDPI');
  if (D.tilesets[lastYear][first]['2x'] !== undefined) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
    await fresh(url + '#');
    const hi = await tilesOf(page, first, lastYear);
    check(hi.every((x) => x.src.endsWith('@2x.png') && x.w === 512), `HiDPI tiles are not the 512 px @2x ones: ${hi[0].src}`);
    console.log(`browser test: on a HiDPI screen ${hi.length} @2x tiles loaded`);
    await cdp.send('Emulation.clearDeviceMetricsOverride');
  }
}
