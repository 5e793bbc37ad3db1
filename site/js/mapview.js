/* partymap site, the map: Leaflet, the thematic tiles (only those that exist), the optional
 * basemap, and the parts of the map the panel and the search bar cover (insets). */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, $ = PM.$;

  PM.dataBounds = L.latLngBounds([D.bounds[1], D.bounds[0]], [D.bounds[3], D.bounds[2]]);

  var map = PM.map = L.map('map', {
    minZoom: D.minzoom,
    maxZoom: D.maxzoom,
    // Generous: a view taller than maxBounds is centred on it, whatever the fit asked for
    // (a phone in portrait shows 3 times the sample's height).
    maxBounds: PM.dataBounds.pad(2),
    maxBoundsViscosity: 0.9,
    zoomControl: false,
    attributionControl: false,
    keyboard: true,
    tap: false,
    // No fades: a popup is whole in the first frame after a tap, tiles cost no extra frames.
    fadeAnimation: false,
    // Phones fit the area in quarter zooms: a whole zoom step is often twice too small there.
    zoomSnap: PM.isPhone() ? 0.25 : 1
  });
  map.zoomControl = L.control.zoom({ position: 'topright', zoomInTitle: '放大地图', zoomOutTitle: '缩小地图' }).addTo(map);
  PM.scale = L.control.scale({ position: 'bottomleft', imperial: false }).addTo(map);
  var container = map.getContainer();
  container.setAttribute('role', 'region');
  container.setAttribute('aria-roledescription', '地图');

  // ---- insets: what of the map the page's own boxes cover ------------------

  // {top, right, bottom, left} in px: the search bar and the panel (a sheet on phones).
  PM.insets = function (forPopup) {
    var top = $('topbar').getBoundingClientRect(), panel = $('panel').getBoundingClientRect();
    var credits = $('credits').getBoundingClientRect(), h = window.innerHeight;
    if (PM.isPhone()) {
      // The zoom buttons stand at the right below the bar: popups keep clear of them.
      var zoom = map.zoomControl ? map.zoomControl.getContainer().getBoundingClientRect() : null;
      var right = forPopup && zoom && zoom.width ? window.innerWidth - zoom.left + 8 : 8;
      return { top: top.bottom + 8, right: right, bottom: h - panel.top + 8, left: 8 };
    }
    return { top: 12, right: 12, bottom: (credits.height || 0) + 12, left: panel.right + 12 };
  };

  // The CSS variables that keep Leaflet's controls clear of the panel and the bar.
  // (Only when they change: a custom property set on the root restyles the whole page.)
  var lastInsets = '';
  PM.updateInsets = function (forPopup) {
    var i = PM.insets(forPopup), root = document.documentElement.style;
    var v = [Math.round(i.top - 8), Math.round(i.bottom - 8), Math.round(i.left - 12)];
    if (v.join() !== lastInsets) {
      lastInsets = v.join();
      root.setProperty('--inset-top', v[0] + 'px');
      root.setProperty('--inset-bottom', v[1] + 'px');
      root.setProperty('--inset-left', v[2] + 'px');
    }
    return i;
  };

  // Fits bounds into the part of the map that is not covered.
  PM.fitVisible = function (bounds, maxZoom) {
    var i = PM.updateInsets();
    map.fitBounds(bounds, { paddingTopLeft: [i.left, i.top], paddingBottomRight: [i.right, i.bottom],
                            maxZoom: maxZoom === undefined ? D.maxzoom : maxZoom, animate: false });
  };

  // The centre of the uncovered part, for panning to a point.
  PM.panToVisible = function (latlng, zoom) {
    var i = PM.updateInsets(), size = map.getSize();
    var z = zoom === undefined ? map.getZoom() : zoom;
    var shift = L.point((i.left - i.right) / 2, (i.top - i.bottom) / 2);
    var p = map.project(latlng, z).subtract(shift);
    map.setView(map.unproject(p, z), z, { animate: false });
    return size;
  };

  // ---- thematic tiles --------------------------------------------------------

  // Empty tiles are not written, so the layer asks only for tiles listed in the
  // coverage index of data.js; other places get an empty cell, not a failed request.
  var coverageCache = {};

  PM.coverageLookup = function (list, i) {
    if (i === undefined || !list[i]) return null;
    var key = list === D.coverage ? i : 'x' + i;
    if (!coverageCache[key]) {
      var byColumn = {};
      Object.keys(list[i]).forEach(function (z) {
        list[i][z].forEach(function (col) { byColumn[z + '/' + col[0]] = col; });
      });
      coverageCache[key] = byColumn;
    }
    return coverageCache[key];
  };

  PM.hasTile = function (cov, z, x, y) {
    var col = cov && cov[z + '/' + x];
    if (!col) return false;
    for (var k = 1; k + 1 < col.length; k += 2)
      if (y >= col[k] && y <= col[k + 1]) return true;
    return false;
  };

  var IndexedTileLayer = L.TileLayer.extend({
    createTile: function (coords, done) {
      if (PM.hasTile(this._coverage, coords.z, coords.x, coords.y))
        return L.TileLayer.prototype.createTile.call(this, coords, done);
      var blank = document.createElement('div');
      L.Util.requestAnimFrame(function () { done(null, blank); });
      return blank;
    }
  });

  var tiles = PM.tiles = new IndexedTileLayer('', {
    minZoom: D.minzoom,
    maxZoom: D.maxzoom,
    maxNativeZoom: D.maxzoom,
    bounds: PM.dataBounds.pad(0.1),
    keepBuffer: 2,
    zIndex: 2
  });

  // The tile set of the current map and year: @2x tiles on HiDPI screens when rendered.
  PM.updateTiles = function () {
    var s = PM.state, set = (D.tilesets[s.year] || {})[s.map];
    var use2x = !!set && set['2x'] !== undefined && (L.Browser.retina || set['1x'] === undefined);
    tiles._coverage = PM.coverageLookup(D.coverage, set ? (use2x ? set['2x'] : set['1x']) : undefined);
    tiles.options.r = use2x ? '@2x' : '';   // overrides Leaflet's own {r}, which ignores what exists
    tiles.setUrl(PM.fill(D.tiles, { year: s.year, map: s.map }));
    var note = $('legend-note');
    note.hidden = !!set;
    note.textContent = set ? '' : '此年份的该专题图尚未生成瓦片。';
  };

  // ---- the optional basemap (street context), off unless configured ---------

  PM.basemap = null;
  if (D.basemap && D.basemap.url) {
    PM.basemap = L.tileLayer(D.basemap.url, {
      subdomains: D.basemap.subdomains || 'abc',
      opacity: D.basemap.opacity || 1,
      maxZoom: D.maxzoom,
      zIndex: 1
    });
  }
  PM.setBasemap = function (on) {
    if (!PM.basemap) return;
    if (on) { PM.basemap.addTo(map); tiles.setOpacity(0.8); }
    else { map.removeLayer(PM.basemap); tiles.setOpacity(1); }
    var b = $('basemap-toggle');
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.textContent = on ? '隐藏底图' : '显示底图';
    PM.renderCredits();
  };
}());
