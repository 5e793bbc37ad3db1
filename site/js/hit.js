/* partymap site, interaction without inline outlines: the index tiles of data.js "index"
 * (each committee's simplified outline and figures, per tile of one zoom), loaded on
 * demand; the committee or point under a position; hover and selection outlines. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, X = D.index, map = PM.map;
  var UNITS = 20;               // index coordinates: pixels at zoom 20 (siteindex.h)
  var PREFETCH_MAX = 16;        // index tiles loaded ahead for a view, at most

  var coverage = PM.coverageLookup([X.coverage], 0);
  PM.records = {};              // committee index -> decoded record

  function units(latlng) {
    var p = map.project(latlng, UNITS);
    return { x: p.x - X.origin[0], y: p.y - X.origin[1] };
  }
  PM.toLatLng = function (x, y) { return map.unproject(L.point(x + X.origin[0], y + X.origin[1]), UNITS); };

  function tileOf(latlng) {
    var p = map.project(latlng, X.zoom);
    return { x: Math.floor(p.x / 256), y: Math.floor(p.y / 256) };
  }
  function tileKey(path, t) { return PM.fill(path, { z: X.zoom, x: t.x, y: t.y }).replace(/\.js$/, ''); }
  function exists(t) { return PM.hasTile(coverage, X.zoom, t.x, t.y); }

  // Rings as flat absolute coordinates with a bbox; the record keeps its figures.
  function decode(r) {
    if (PM.records[r.i]) return PM.records[r.i];
    var rings = [], b = [Infinity, Infinity, -Infinity, -Infinity];
    r.g.forEach(function (d) {
      var flat = new Float64Array(d.length), x = 0, y = 0;
      for (var k = 0; k + 1 < d.length; k += 2) {
        x += d[k]; y += d[k + 1];
        flat[k] = x; flat[k + 1] = y;
        if (x < b[0]) b[0] = x; if (y < b[1]) b[1] = y;
        if (x > b[2]) b[2] = x; if (y > b[3]) b[3] = y;
      }
      rings.push(flat);
    });
    r.rings = rings;
    r.bbox = b;
    delete r.g;
    PM.records[r.i] = r;
    return r;
  }

  function tileData(t) {
    var key = tileKey(X.path, t), data = PM.loaded(key);
    if (data && !data.decoded) { data.c = data.c.map(decode); data.decoded = true; }
    return data;
  }

  PM.loadTile = function (t) {
    if (!exists(t)) return Promise.resolve(null);
    return PM.load(tileKey(X.path, t)).then(function () { return tileData(t); });
  };

  // Even-odd over every ring, as the renderer fills them.
  function inside(r, x, y) {
    if (x < r.bbox[0] || x > r.bbox[2] || y < r.bbox[1] || y > r.bbox[3]) return false;
    var hit = false;
    r.rings.forEach(function (p) {
      var n = p.length / 2;
      for (var i = 0, j = n - 1; i < n; j = i++) {
        var xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) hit = !hit;
      }
    });
    return hit;
  }

  // The committee under latlng among the loaded tiles: its record, null for none,
  // undefined when its index tile is not loaded yet.
  PM.hitLoaded = function (latlng) {
    var t = tileOf(latlng);
    if (!exists(t)) return null;
    var data = tileData(t), u = units(latlng), i;
    if (data) {
      for (i = 0; i < data.c.length; i++) if (inside(data.c[i], u.x, u.y)) return data.c[i];
      return null;
    }
    // Its tile is not loaded, but a committee loaded with a neighbouring tile may hold
    // the point: outlines are whole in every tile they meet, and never overlap.
    var keys = Object.keys(PM.records);
    for (i = 0; i < keys.length; i++) if (inside(PM.records[keys[i]], u.x, u.y)) return PM.records[keys[i]];
    return undefined;
  };

  // The same, loading the tile when needed (a promise).
  PM.hitAt = function (latlng) {
    var r = PM.hitLoaded(latlng);
    if (r !== undefined) return Promise.resolve(r);
    return PM.loadTile(tileOf(latlng)).then(function () { return PM.hitLoaded(latlng) || null; });
  };

  // The record of committee i: through names.js's inner point and its index tile.
  PM.recordOf = function (i) {
    if (PM.records[i]) return Promise.resolve(PM.records[i]);
    return PM.loadNames().then(function (n) {
      var at = L.latLng(n.centre[2 * i + 1], n.centre[2 * i]);
      return PM.loadTile(tileOf(at)).then(function () {
        if (!PM.records[i]) throw new Error('committee ' + n.code[i] + ' is not in its index tile');
        return PM.records[i];
      });
    });
  };

  PM.outlineLatLngs = function (r) {
    return r.rings.map(function (p) {
      var ring = [];
      for (var k = 0; k + 1 < p.length; k += 2) ring.push(PM.toLatLng(p[k], p[k + 1]));
      return ring;
    });
  };
  PM.boundsOf = function (r) {
    return L.latLngBounds(PM.toLatLng(r.bbox[0], r.bbox[3]), PM.toLatLng(r.bbox[2], r.bbox[1]));
  };

  // ---- points (platforms, projects) of maps that draw them --------------------

  PM.pointsShown = function () { return !!X.points && PM.mapsById[PM.state.map].show_points; };

  function pointsData(t) { return PM.loaded(tileKey(X.points, t)); }

  // The point drawn under latlng within radius px, or null; undefined if not loaded.
  PM.pointAt = function (latlng, radius) {
    if (!PM.pointsShown()) return null;
    var t = tileOf(latlng);
    if (!exists(t)) return null;
    var data = pointsData(t);
    if (!data) return undefined;
    var u = units(latlng), r = radius * Math.pow(2, UNITS - map.getZoom()), best = null, bd = r * r;
    [['platform', data.pl], ['project', data.pr]].forEach(function (kl) {
      kl[1].forEach(function (p) {
        var dx = p[0] - u.x, dy = p[1] - u.y, d = dx * dx + dy * dy;
        if (d <= bd) { bd = d; best = { kind: kl[0], p: p }; }
      });
    });
    return best;
  };
  PM.loadPoints = function (latlng) {
    var t = tileOf(latlng);
    if (!PM.pointsShown() || !exists(t)) return Promise.resolve(null);
    return PM.load(tileKey(X.points, t));
  };

  // ---- prefetch: the index tiles of the view, when there are few -----------

  PM.viewTiles = function () {
    var b = map.getBounds(), a = tileOf(b.getNorthWest()), c = tileOf(b.getSouthEast()), out = [];
    if ((c.x - a.x + 1) * (c.y - a.y + 1) > 4 * PREFETCH_MAX) return null;
    for (var x = a.x; x <= c.x; x++)
      for (var y = a.y; y <= c.y; y++) if (exists({ x: x, y: y })) out.push({ x: x, y: y });
    return out.length <= PREFETCH_MAX ? out : null;
  };
  PM.prefetch = function () {
    var list = PM.viewTiles();
    if (!list) return Promise.resolve(false);
    return Promise.all(list.map(function (t) {
      var jobs = [PM.loadTile(t)];
      if (PM.pointsShown()) jobs.push(PM.load(tileKey(X.points, t)));
      return Promise.all(jobs);
    })).then(function () { return true; }, function () { return false; });
  };

  // ---- outlines: the selected committee, and the one under the mouse ---------

  var selectedLayer = null, hoverLayer = null;
  PM.showSelected = function (r) {
    if (selectedLayer) map.removeLayer(selectedLayer);
    selectedLayer = r ? L.polygon(PM.outlineLatLngs(r), {
      interactive: false, color: '#b3202a', weight: 3, opacity: 0.95, fill: false
    }).addTo(map) : null;
  };
  PM.showHover = function (r) {
    if (hoverLayer && hoverLayer._pmIndex === (r && r.i)) return;
    if (hoverLayer) map.removeLayer(hoverLayer);
    hoverLayer = null;
    if (!r) return;
    hoverLayer = L.polygon(PM.outlineLatLngs(r), {
      interactive: false, color: '#1f2933', weight: 2, opacity: 0.9, fill: true, fillColor: '#ffffff', fillOpacity: 0.18
    }).addTo(map);
    hoverLayer._pmIndex = r.i;
  };
}());
