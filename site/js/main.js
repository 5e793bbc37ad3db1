/* partymap site, start-up and wiring: map and year changes, clicks and hover, the hash,
 * the first view (fitted to the visible part of the map), what is loaded after it. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM || !PM.ok) {
    var msg = document.createElement('p');
    msg.className = 'fatal';
    msg.textContent = '地图数据（data.js）或地图库（Leaflet）未能加载。';
    document.body.appendChild(msg);
    return;
  }
  var D = PM.D, map = PM.map, $ = PM.$, state = PM.state;
  var metrics = window.PARTYMAP_METRICS = { clicks: [] };

  PM.applyState = function () {
    PM.syncSwitchers();
    PM.refreshRamps();
    PM.renderLegend();
    PM.updateTiles();
    PM.refreshPopup();
    PM.refreshTable();
    if (PM.pointsShown()) PM.prefetch();
    PM.writeHash();
  };
  PM.setMap = function (id) {
    if (!PM.mapsById[id] || id === state.map) return;
    state.map = id;
    PM.applyState();
  };
  PM.setYear = function (y) {
    if (D.years.indexOf(y) < 0 || y === state.year) return;
    state.year = y;
    PM.applyState();
  };

  // ---- clicks: a point of a map that draws them, else the committee ---------

  function coarse() { return window.matchMedia && window.matchMedia('(pointer: coarse)').matches; }

  // The time from the tap to the frame that shows the popup (its style, layout and paint
  // included: the next task after that frame's animation callbacks), for the benchmark.
  // dom_ms: to the popup in the page (the handler's end).
  function record(t0, what) {
    var dom = performance.now() - t0;
    requestAnimationFrame(function () {
      var ch = new MessageChannel();
      ch.port1.onmessage = function () { metrics.clicks.push({ what: what, ms: performance.now() - t0, dom_ms: dom }); };
      ch.port2.postMessage(0);
    });
  }

  function clickAt(latlng, t0, byKeyboard) {
    var pt = PM.pointAt(latlng, coarse() ? 16 : 9);
    if (pt === undefined) {
      return PM.loadPoints(latlng).then(function () { clickAt(latlng, t0, byKeyboard); });
    }
    if (pt) {
      PM.state.selected = null;
      PM.showSelected(null);
      PM.openPopup(latlng, PM.pointContent(pt), byKeyboard);
      record(t0, pt.kind);
      return;
    }
    var r = PM.hitLoaded(latlng);
    if (r === undefined) {
      map.getContainer().classList.add('pm-loading');
      PM.hitAt(latlng).then(function (rr) {
        map.getContainer().classList.remove('pm-loading');
        if (rr) { PM.selectRecord(rr, latlng, byKeyboard); record(t0, 'committee-loaded'); }
        else { map.closePopup(); record(t0, 'none'); }
      }, function (e) {
        map.getContainer().classList.remove('pm-loading');
        record(t0, 'error: ' + e.message);
      });
      return;
    }
    if (r) { PM.selectRecord(r, latlng, byKeyboard); record(t0, 'committee'); }
    else { map.closePopup(); record(t0, 'none'); }
  }

  map.on('click', function (e) {
    var t0 = e.originalEvent && e.originalEvent.timeStamp ? e.originalEvent.timeStamp : performance.now();
    clickAt(e.latlng, t0, false);
  });

  // Enter on the focused map opens the committee at the centre of the visible part.
  map.getContainer().addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.target !== map.getContainer()) return;
    var i = PM.insets(), size = map.getSize();
    var c = map.containerPointToLatLng(L.point((i.left + size.x - i.right) / 2, (i.top + size.y - i.bottom) / 2));
    clickAt(c, performance.now(), true);
  });

  // The map's focus ring after keyboard use only: Leaflet focuses the map on every tap,
  // and a frame around the whole map after each tap helps nobody.
  document.addEventListener('keydown', function () { document.documentElement.classList.add('kbd'); }, true);
  document.addEventListener('pointerdown', function () { document.documentElement.classList.remove('kbd'); }, true);

  // ---- hover (desktop): highlight and info box ----------------------------------

  var pending = null, hoverAt = null;
  function hover() {
    pending = null;
    if (!hoverAt) return;
    var r = PM.hitLoaded(hoverAt);
    if (r === undefined) {
      // Zoomed out over a city, a sweep of the mouse would fetch every index tile: only
      // where the view's tiles are few (and loaded ahead anyway) does hovering load one.
      if (PM.viewTiles() === null) { PM.showHover(null); PM.showInfo(null); return; }
      var at = hoverAt;
      PM.hitAt(at).then(function () { if (hoverAt === at) hover(); });
      return;
    }
    PM.showHover(r);
    PM.showInfo(r);
    map.getContainer().classList.toggle('pm-over', !!r);
  }
  map.on('mousemove', function (e) {
    if (coarse()) return;
    hoverAt = e.latlng;
    if (!pending) pending = requestAnimationFrame(hover);
  });
  map.getContainer().addEventListener('mouseleave', function () {
    hoverAt = null;
    PM.showHover(null);
    PM.showInfo(null);
  });

  // ---- start -------------------------------------------------------------------

  PM.setupPanel();
  PM.setupSearch();
  PM.setupTable();

  var view = PM.parseHash();
  if (view.map) state.map = view.map;
  if (view.year) state.year = view.year;
  if (PM.isPhone()) PM.setCollapsed(true);
  PM.syncSwitchers();
  PM.renderLegend();     // the sheet's strip at its real height before the area is fitted
  PM.updateInsets();
  // A phone opens a district or a city at a zoom where committees can be tapped (the
  // head's script decided it, and already asked for its tiles); else the area fitted.
  var first = window.PM_FIRST_VIEW;
  if (view.center) map.setView(view.center, view.z, { animate: false });
  else if (first && !first.link) map.setView([first.lat, first.lng], first.z, { animate: false });
  else {
    PM.fitVisible(PM.dataBounds);
    // Fonts arriving late change the sheet's height: fitted again, unless the user moved.
    var touched = false;
    map.once('dragstart zoomstart', function () { touched = true; });
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () {
      if (!touched && !map.hasLayer(PM.popup)) PM.fitVisible(PM.dataBounds);
    });
  }

  PM.applyState();
  PM.updateInsets();
  if (PM.basemap && D.basemap.on) PM.setBasemap(true);
  PM.tiles.addTo(map);
  map.on('moveend', function () {
    PM.writeHash();
    PM.prefetch().then(function (ok) { if (ok) metrics.prefetched = performance.now(); });
  });
  metrics.interactive = performance.now();
  window.addEventListener('resize', function () { PM.updateInsets(); });
  if (window.ResizeObserver) {
    var ro = new ResizeObserver(function () { PM.updateInsets(); });
    ro.observe($('panel'));
    ro.observe($('topbar'));
  }

  // A link with &c=CODE opens that committee (in the link's view when it has one).
  function openCode(code, keepView) {
    PM.pendingCode = code;
    PM.loadNames().then(function (n) {
      var i = PM.byCode[code];
      if (i === undefined) { PM.pendingCode = null; PM.writeHash(); return; }
      return keepView ? PM.recordOf(i).then(function (r) { PM.selectRecord(r, null, false); })
                      : PM.selectIndex(i, false);
    });
  }
  if (view.code) openCode(view.code, !!view.center);

  // The first popup and outline cost several times the later ones (the engine compiles
  // their code, Leaflet builds the popup's frame and its SVG renderer, the popup's fonts
  // are looked up at its first layout): done once ahead, off screen, while the page is idle.
  function warmUp() {
    var keys = Object.keys(PM.records);
    if (!keys.length || map.hasLayer(PM.popup)) return;
    var r = PM.records[keys[0]], p = PM.popup;
    p.setLatLng(map.containerPointToLatLng([-4000, -4000])).setContent(PM.committeeContent(r)).openOn(map);
    map.closePopup(p);
    var poly = L.polygon(PM.outlineLatLngs(r), { interactive: false, opacity: 0, fill: false }).addTo(map);
    map.removeLayer(poly);
  }

  // Usable: the first view's tiles are in; then the names and the view's index tiles.
  var started = false;
  function afterFirstView() {
    if (started) return;
    started = true;
    metrics.usable = performance.now();
    document.documentElement.setAttribute('data-ready', '1');
    // The view's index tiles first (taps need them), then the names (search needs them).
    setTimeout(function () {
      PM.prefetch().then(function (ok) {
        metrics.prefetched = ok ? performance.now() : null;
        warmUp();
        return PM.loadNames();
      }).then(function () { metrics.names = performance.now(); });
    }, 0);
  }
  PM.tiles.once('load', afterFirstView);
  setTimeout(afterFirstView, 8000);   // a view without any tile (no data there)

  window.addEventListener('hashchange', function () {
    if (location.hash === PM.lastHash) return;
    var v = PM.parseHash();
    if (v.map) state.map = v.map;
    if (v.year) state.year = v.year;
    if (v.code) PM.pendingCode = v.code;
    // Not animated: applyState writes the hash back, and must see the new view.
    if (v.center) {
      map.closePopup();   // an open popup would pan the new view back to itself
      map.setView(v.center, v.z, { animate: false });
    }
    PM.applyState();
    if (v.code && (state.selected === null || PM.names && PM.names.code[state.selected] !== v.code))
      openCode(v.code, !!v.center);
  });
}());
