// The browser test's phone part (390 x 844, touch): the map fills the screen with the sheet
// collapsed, the legend stays in the strip, touch targets, no overlapping controls, a popup
// inside the viewport after a search, the sheet opened and closed, "locate me", axe-core.
import path from 'node:path';
import { check, tilesOf, popupText, popupBox, inside, overlap, rectOf, searchFor, axe, nameCore } from './lib.mjs';

// Interactive elements on screen smaller than 44 x 44 px (inline links in running text excepted).
async function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'button, input, select, a[href], [role="option"], [role="radio"], .leaflet-bar a';
    return [...document.querySelectorAll(sel)].filter((e) => {
      const r = e.getBoundingClientRect(), s = getComputedStyle(e);
      if (!r.width || !r.height || s.visibility === 'hidden' || e.closest('[hidden]')) return false;
      if (r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) return false;
      if (e.matches('.site-footer a, .credits a, .skip-link')) return false;
      return r.width < 43.5 || r.height < 43.5;
    }).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)}`);
  });
}

export async function phone(t) {
  const { page, url, D, names, begin, out, axePath, geoIndex } = t;
  const lastYear = D.years[D.years.length - 1], first = D.maps[0].id;
  const vp = page.viewportSize();
  const full = (i) => (nameCore(names.name[i]) !== names.name[i] ? names.name[i] : names.name[i] + D.terms.unit);

  begin('phone: load');
  await page.goto(url);
  await tilesOf(page, first, lastYear);
  check(await page.$eval('#panel', (p) => p.classList.contains('collapsed')), 'the sheet is not collapsed on a phone');
  const panel = await rectOf(page, '#panel'), bar = await rectOf(page, '#topbar');
  const covered = Math.max(0, vp.height - panel.y) * vp.width + bar.h * bar.w;
  const share = 1 - covered / (vp.width * vp.height);
  check(share >= 0.6, `the map shows in ${(100 * share).toFixed(0)}% of the phone's screen with the sheet collapsed`);
  const compact = await page.$$eval('#legend-compact-items li', (l) => l.filter((x) => x.getBoundingClientRect().height > 0).length);
  check(compact === D.legend[lastYear][first].classes.length, `the collapsed sheet shows ${compact} legend entries`);
  check((await page.textContent('#legend-compact-title')).includes(D.maps[0].title), 'the collapsed sheet lacks the map title');
  // The area fills the visible part: its bounds touch the free width or height.
  const fit = await page.evaluate(() => {
    const m = window.PM.map, b = window.PM.dataBounds, a = m.latLngToContainerPoint(b.getNorthWest()), c = m.latLngToContainerPoint(b.getSouthEast());
    return { w: c.x - a.x, h: c.y - a.y, top: a.y, bottom: c.y };
  });
  const freeH = panel.y - (bar.y + bar.h);
  check(fit.w >= 0.6 * vp.width || fit.h >= 0.6 * freeH, `the area is fitted small: ${Math.round(fit.w)} x ${Math.round(fit.h)} px`);
  check(fit.top >= bar.y + bar.h - 2 && fit.bottom <= panel.y + 2, `the fitted area lies under the bar or the sheet: ${fit.top}-${fit.bottom}`);
  const mid = (bar.y + bar.h + panel.y) / 2;
  check(Math.abs((fit.top + fit.bottom) / 2 - mid) < 12, `the fitted area is not centred between the bar and the sheet: ${fit.top}-${fit.bottom}, middle ${mid}`);
  console.log(`browser test: phone: the map shows in ${(100 * share).toFixed(0)}% of the screen; the area fitted at ${Math.round(fit.w)} x ${Math.round(fit.h)} px`);

  begin('phone: touch targets and controls');
  let small = await smallTargets(page);
  check(!small.length, `touch targets under 44 x 44 px: ${small.join(', ')}`);
  const boxes = { bar: '#topbar', sheet: '#panel', zoom: '.leaflet-control-zoom', scale: '.leaflet-control-scale' };
  const r = {};
  for (const [k, sel] of Object.entries(boxes)) r[k] = await rectOf(page, sel);
  for (const a of Object.keys(r)) for (const b of Object.keys(r))
    if (a < b) check(!overlap(r[a], r[b]), `${a} and ${b} overlap: ${JSON.stringify(r[a])} ${JSON.stringify(r[b])}`);

  begin('phone: sheet');
  await page.tap('#sheet-handle');
  await page.waitForFunction(() => !document.getElementById('panel').classList.contains('collapsed'));
  check(await page.$eval('#panel-body', (e) => e.getBoundingClientRect().height > 100), 'the open sheet shows no body');
  small = await smallTargets(page);
  check(!small.length, `touch targets under 44 x 44 px in the open sheet: ${small.join(', ')}`);
  await axe(page, axePath, 'phone, sheet open');
  await page.screenshot({ path: path.join(out, 'site-phone-sheet.png') });
  await page.tap('#sheet-handle');
  await page.waitForFunction(() => document.getElementById('panel').classList.contains('collapsed'));

  begin('phone: search');
  const i = Math.floor(names.code.length / 3);
  const core = nameCore(names.name[i]);
  await searchFor(page, `${core}居委会`, full(i));
  const pb = await popupBox(page), sheet = await rectOf(page, '#panel'), top = await rectOf(page, '#topbar');
  check(inside(pb, vp), `after a search the popup is outside the phone's viewport: ${JSON.stringify(pb)}`);
  const zoom = await rectOf(page, '.leaflet-control-zoom');
  check(!overlap(pb, sheet) && !overlap(pb, top) && !overlap(pb, zoom),
        `the popup lies under the sheet, the search bar or the zoom buttons: ${JSON.stringify(pb)}`);
  small = await smallTargets(page);
  check(!small.length, `touch targets under 44 x 44 px with the popup open: ${small.join(', ')}`);
  await axe(page, axePath, 'phone, popup open');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, 'site-phone.png') });
  console.log(`browser test: phone: search "${core}居委会" opened ${full(i)}; popup inside the screen at ${Math.round(pb.x)},${Math.round(pb.y)} ${Math.round(pb.w)}x${Math.round(pb.h)}`);

  begin('phone: locate me');
  await page.tap('.leaflet-popup-close-button');
  await page.tap('#locate');
  await popupText(page, full(geoIndex));
  console.log(`browser test: phone: "locate me" opened ${full(geoIndex)}, the committee under the position`);
}
