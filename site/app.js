/* partymap static site: map, map and year switchers, legend, popups, search, view kept in the URL hash. */
(function () {
  'use strict';

  var D = window.PARTYMAP;
  if (!D || typeof L === 'undefined') {
    var msg = document.createElement('p');
    msg.className = 'fatal';
    msg.textContent = '地图数据（data.js）或地图库（Leaflet）未能加载。';
    document.body.appendChild(msg);
    return;
  }

  // ---- small helpers ------------------------------------------------------
  // Every piece of data reaches the page through textContent, never parsed as markup.

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function $(id) { return document.getElementById(id); }

  function isColor(c) { return typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c); }

  function fill(template, values) {
    return template.replace(/\{(year|map)\}/g, function (_, k) {
      return encodeURIComponent(String(values[k]));
    });
  }

  var mapsById = {};
  D.maps.forEach(function (m) { mapsById[m.id] = m; });
  var fieldsByKey = {};
  D.fields.forEach(function (f) { fieldsByKey[f.key] = f; });

  // Formats a value as legends and posters do: the field's decimals, sign for changes.
  function formatValue(v, field) {
    if (v === null || v === undefined || !isFinite(v)) return null;
    var key = field.key;
    if (/_rank$/.test(key)) return '第 ' + v.toFixed(0) + ' ' + field.unit;
    if (/_rank_change$/.test(key)) {
      if (v === 0) return '持平';
      return (v > 0 ? '上升 ' : '下降 ') + Math.abs(v).toFixed(0) + ' ' + field.unit;
    }
    var s = v.toFixed(field.decimals);
    if (field.signed && v > 0) s = '+' + s;
    return field.unit ? s + ' ' + field.unit : s;
  }

  function formatCount(n, unit) {
    return (isFinite(n) ? Math.round(n).toLocaleString('zh-CN') : '—') + ' ' + unit;
  }

  // ---- state and the URL hash ----------------------------------------------

  var state = {
    map: D.maps[0].id,
    year: D.years[D.years.length - 1],
    selected: null            // the committee feature whose popup is open
  };

  function parseHash() {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    var view = {};
    if (mapsById[out.map]) view.map = out.map;
    var y = parseInt(out.year, 10);
    if (D.years.indexOf(y) >= 0) view.year = y;
    var z = parseInt(out.z, 10), lat = parseFloat(out.lat), lng = parseFloat(out.lng);
    if (isFinite(z) && isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      view.z = Math.min(D.maxzoom, Math.max(D.minzoom, z));
      view.center = L.latLng(lat, lng);
    }
    return view;
  }

  var lastHash = '';

  function writeHash() {
    var c = map.getCenter();
    var h = '#map=' + encodeURIComponent(state.map) + '&year=' + state.year + '&z=' + map.getZoom() +
            '&lat=' + c.lat.toFixed(5) + '&lng=' + c.lng.toFixed(5);
    if (h === location.hash) return;
    lastHash = h;
    try {
      history.replaceState(null, '', h);
    } catch (e) {
      location.hash = h;   // some browsers refuse replaceState on file:// pages
    }
  }

  // ---- the Leaflet map ---------------------------------------------------

  var dataBounds = L.latLngBounds([D.bounds[1], D.bounds[0]], [D.bounds[3], D.bounds[2]]);
  var map = L.map('map', {
    minZoom: D.minzoom,
    maxZoom: D.maxzoom,
    maxBounds: dataBounds.pad(0.6),
    maxBoundsViscosity: 0.9,
    zoomControl: false,
    attributionControl: false
  });
  L.control.zoom({ position: 'topright', zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
  L.control.scale({ position: 'bottomright', imperial: false }).addTo(map);

  // Empty tiles are not written, so the layer asks only for tiles listed in the
  // coverage index of data.js; other places get an empty cell, not a failed request.
  var coverageCache = {};

  function coverageLookup(i) {
    if (i === undefined || !D.coverage[i]) return null;
    if (!coverageCache[i]) {
      var byColumn = {};
      Object.keys(D.coverage[i]).forEach(function (z) {
        D.coverage[i][z].forEach(function (col) { byColumn[z + '/' + col[0]] = col; });
      });
      coverageCache[i] = byColumn;
    }
    return coverageCache[i];
  }

  function hasTile(cov, c) {
    var col = cov && cov[c.z + '/' + c.x];
    if (!col) return false;
    for (var k = 1; k + 1 < col.length; k += 2)
      if (c.y >= col[k] && c.y <= col[k + 1]) return true;
    return false;
  }

  var IndexedTileLayer = L.TileLayer.extend({
    createTile: function (coords, done) {
      if (hasTile(this._coverage, coords)) return L.TileLayer.prototype.createTile.call(this, coords, done);
      var blank = document.createElement('div');
      L.Util.requestAnimFrame(function () { done(null, blank); });
      return blank;
    }
  });

  var tiles = new IndexedTileLayer('', {
    minZoom: D.minzoom,
    maxZoom: D.maxzoom,
    maxNativeZoom: D.maxzoom,
    bounds: dataBounds.pad(0.1),
    keepBuffer: 3
  });

  // The tile set of the current map and year: @2x tiles on HiDPI screens when rendered.
  function updateTiles() {
    var set = (D.tilesets[state.year] || {})[state.map];
    var use2x = !!set && set['2x'] !== undefined && (L.Browser.retina || set['1x'] === undefined);
    tiles._coverage = coverageLookup(set ? (use2x ? set['2x'] : set['1x']) : undefined);
    tiles.options.r = use2x ? '@2x' : '';   // overrides Leaflet's own {r}, which ignores what exists
    tiles.setUrl(fill(D.tiles, { year: state.year, map: state.map }));
    var note = $('legend-note');
    note.hidden = !!set;
    note.textContent = set ? '' : '此年份的该专题图尚未生成瓦片。';
  }

  // ---- committees: point in polygon, outline, popup ----------------------

  var features = D.committees.features;

  function polygonsOf(geom) {
    return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
  }

  features.forEach(function (f) {
    var b = L.latLngBounds([]);
    polygonsOf(f.geometry).forEach(function (poly) {
      poly[0].forEach(function (p) { b.extend([p[1], p[0]]); });
    });
    f.bounds = b;
  });

  // Even-odd over every ring of every part, as the renderer fills them.
  function contains(f, lng, lat) {
    if (!f.bounds.contains([lat, lng])) return false;
    var inside = false;
    polygonsOf(f.geometry).forEach(function (poly) {
      poly.forEach(function (ring) {
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var a = ring[i], b = ring[j];
          if ((a[1] > lat) !== (b[1] > lat) &&
              lng < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0]) inside = !inside;
        }
      });
    });
    return inside;
  }

  function committeeAt(latlng) {
    for (var i = 0; i < features.length; i++)
      if (contains(features[i], latlng.lng, latlng.lat)) return features[i];
    return null;
  }

  var outline = null;
  var popup = L.popup({ maxWidth: 340, autoPanPaddingTopLeft: L.point(340, 20) });

  function popupContent(f) {
    var p = f.properties, values = (p.values || {})[state.year] || {};
    var current = mapsById[state.map].indicator;
    var box = el('div', 'pm-popup');
    box.appendChild(el('h3', null, p.name));
    box.appendChild(el('div', 'code', '居委会代码 ' + p.code));
    box.appendChild(el('p', 'caption', state.year + ' 年测评'));
    var table = el('table');
    function row(label, text, cls) {
      var tr = el('tr', cls);
      tr.appendChild(el('th', null, label));
      var td = el('td', text === null ? 'none' : null, text === null ? '无数据' : text);
      tr.appendChild(td);
      table.appendChild(tr);
    }
    D.fields.forEach(function (field) {
      row(field.label, formatValue(values[field.key], field), field.key === current ? 'current' : null);
    });
    row('常住人口', p.population === null ? null : formatCount(p.population, '人'));
    row('户数', p.households === null ? null : formatCount(p.households, '户'));
    box.appendChild(table);
    return box;
  }

  function select(f, latlng) {
    state.selected = f;
    if (outline) map.removeLayer(outline);
    outline = L.geoJSON(f.geometry, {
      interactive: false,
      style: { color: '#b3202a', weight: 3, opacity: 0.9, fill: false }
    }).addTo(map);
    popup.setLatLng(latlng).setContent(popupContent(f)).openOn(map);
  }

  function clearSelection() {
    state.selected = null;
    if (outline) { map.removeLayer(outline); outline = null; }
  }

  map.on('click', function (e) {
    var f = committeeAt(e.latlng);
    if (f) select(f, e.latlng);
    else map.closePopup();
  });
  map.on('popupclose', function (e) { if (e.popup === popup) clearSelection(); });

  function centreOf(f) {
    var c = f.properties.centre;
    return L.latLng(c[1], c[0]);
  }

  // ---- panel: map and year switchers, legend, poster link ----------------

  function radio(container, cls, label, checked, onPick) {
    var b = el('button', cls);
    b.type = 'button';
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', checked ? 'true' : 'false');
    if (label instanceof Node) b.appendChild(label); else b.textContent = label;
    b.addEventListener('click', onPick);
    container.appendChild(b);
    return b;
  }

  function setChecked(container, value, attr) {
    Array.prototype.forEach.call(container.children, function (b) {
      b.setAttribute('aria-checked', b.getAttribute(attr) === String(value) ? 'true' : 'false');
    });
  }

  function ramp(mapId) {
    var box = el('span', 'ramp');
    var lg = (D.legend[state.year] || {})[mapId];
    (lg ? lg.classes : []).forEach(function (c) {
      var s = el('span');
      if (isColor(c.color)) s.style.backgroundColor = c.color;
      box.appendChild(s);
    });
    return box;
  }

  function buildSwitchers() {
    var maps = $('maps');
    D.maps.forEach(function (m) {
      var content = document.createDocumentFragment();
      content.appendChild(ramp(m.id));
      content.appendChild(el('span', 'map-title', m.title));
      var b = radio(maps, 'map-btn', content, m.id === state.map, function () { setMap(m.id); });
      b.setAttribute('data-map', m.id);
    });
    var years = $('years');
    D.years.forEach(function (y) {
      var b = radio(years, 'year-btn', String(y), y === state.year, function () { setYear(y); });
      b.setAttribute('data-year', String(y));
    });
  }

  // Symbols drawn on top of the map (platforms and projects), as the renderer draws them.
  var SVG = 'http://www.w3.org/2000/svg';

  function svgShape(kind) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 30 16');
    function add(tag, attrs) {
      var n = document.createElementNS(SVG, tag);
      Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
      svg.appendChild(n);
    }
    if (kind === 'platform') {
      add('circle', { cx: 15, cy: 8, r: 7.4, fill: '#fff', stroke: '#ccc', 'stroke-width': 0.5 });
      add('path', { d: 'M15 1.6l1.5 4.4h4.7l-3.8 2.8 1.4 4.5-3.8-2.8-3.8 2.8 1.4-4.5-3.8-2.8h4.7z', fill: '#c7171c' });
    } else if (kind === 'running') {
      add('circle', { cx: 15, cy: 8, r: 4, fill: '#1a1a1f', stroke: '#fff', 'stroke-width': 1.4 });
    } else {
      add('circle', { cx: 15, cy: 8, r: 2.6, fill: 'none', stroke: 'rgba(64,64,72,0.75)', 'stroke-width': 1.4 });
    }
    return svg;
  }

  function legendRow(list, swatch, label, count) {
    var li = el('li');
    li.appendChild(swatch);
    li.appendChild(el('span', 'label', label));
    if (count !== null) li.appendChild(el('span', 'count', count));
    list.appendChild(li);
  }

  function renderLegend() {
    var m = mapsById[state.map];
    var lg = (D.legend[state.year] || {})[state.map];
    $('legend-title').textContent = m.title + '（' + state.year + ' 年）';
    $('legend-unit').textContent = m.unit ? '单位：' + m.unit : '';
    var items = $('legend-items');
    items.textContent = '';
    if (lg) {
      // Highest class on top, as on the printed posters.
      lg.classes.slice().reverse().forEach(function (c) {
        var sw = el('span', 'swatch');
        if (isColor(c.color)) sw.style.backgroundColor = c.color;
        legendRow(items, sw, c.label, c.count + ' 个');
      });
      var nd = el('span', 'swatch nodata');
      if (isColor(lg.nodata.color)) nd.style.backgroundColor = lg.nodata.color;
      legendRow(items, nd, '无数据', lg.nodata.count + ' 个');
    }
    var pts = $('legend-points');
    pts.textContent = '';
    pts.hidden = !m.show_points;
    if (m.show_points && D.points) {
      var n = D.points;
      legendRow(pts, svgShape('platform'), '党建服务平台', n.platforms + ' 个');
      legendRow(pts, svgShape('running'), '共建项目·运行中', n.running + ' 个');
      legendRow(pts, svgShape('other'), '共建项目·计划或已完成', (n.projects - n.running) + ' 个');
    }
    $('legend-desc').textContent = m.description || '';
    var poster = $('poster');
    poster.href = fill(D.poster, { year: state.year, map: state.map });
    poster.textContent = '下载印刷版专题图（' + state.year + ' 年 PDF）';
  }

  function refreshRamps() {
    Array.prototype.forEach.call($('maps').children, function (b) {
      var old = b.querySelector('.ramp');
      b.replaceChild(ramp(b.getAttribute('data-map')), old);
    });
  }

  function applyState() {
    setChecked($('maps'), state.map, 'data-map');
    setChecked($('years'), state.year, 'data-year');
    refreshRamps();
    renderLegend();
    updateTiles();
    if (state.selected && map.hasLayer(popup)) popup.setContent(popupContent(state.selected));
    writeHash();
  }

  function setMap(id) {
    if (!mapsById[id] || id === state.map) return;
    state.map = id;
    applyState();
  }

  function setYear(y) {
    if (D.years.indexOf(y) < 0 || y === state.year) return;
    state.year = y;
    applyState();
  }

  // ---- search -------------------------------------------------------------

  function buildSearch() {
    var list = $('committee-names');
    features.forEach(function (f) { list.appendChild(el('option', null, f.properties.name)); });
    var input = $('search-input'), msg = $('search-msg');
    $('search').addEventListener('submit', function (e) {
      e.preventDefault();
      var q = input.value.trim();
      msg.hidden = true;
      if (!q) return;
      var hits = features.filter(function (f) { return f.properties.name === q || f.properties.code === q; });
      if (!hits.length) hits = features.filter(function (f) { return f.properties.name.indexOf(q) >= 0; });
      if (hits.length !== 1) {
        msg.textContent = hits.length ? '有 ' + hits.length + ' 个居委会名称包含“' + q + '”，请从列表中选择。'
                                      : '未找到名称为“' + q + '”的居委会。';
        msg.hidden = false;
        return;
      }
      var f = hits[0];
      input.value = f.properties.name;
      map.fitBounds(f.bounds, { paddingTopLeft: [panelWidth() + 24, 24], paddingBottomRight: [24, 24],
                                maxZoom: Math.max(D.minzoom, D.maxzoom - 2), animate: false });
      select(f, centreOf(f));
    });
  }

  function panelWidth() {
    var p = $('panel');
    return window.innerWidth > 640 && !p.classList.contains('collapsed') ? p.offsetWidth : 0;
  }

  // ---- start --------------------------------------------------------------

  document.title = D.name + ' · 党建资源地图';
  $('title').textContent = D.name + ' · 专题地图';
  $('credits-data').textContent = D.credits ? '数据来源：' + D.credits : '';
  $('panel-toggle').addEventListener('click', function () {
    var p = $('panel'), collapsed = p.classList.toggle('collapsed');
    this.textContent = collapsed ? '展开' : '收起';
    this.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
  });

  var view = parseHash();
  if (view.map) state.map = view.map;
  if (view.year) state.year = view.year;
  if (view.center) map.setView(view.center, view.z, { animate: false });
  else map.fitBounds(dataBounds, { paddingTopLeft: [panelWidth() + 24, 24], paddingBottomRight: [24, 24],
                                   animate: false });

  buildSwitchers();
  buildSearch();
  applyState();
  tiles.addTo(map);
  map.on('moveend', writeHash);
  window.addEventListener('hashchange', function () {
    if (location.hash === lastHash) return;
    var v = parseHash();
    if (v.map) state.map = v.map;
    if (v.year) state.year = v.year;
    // Not animated: applyState writes the hash back, and must see the new view.
    if (v.center) {
      map.closePopup();   // an open popup would pan the new view back to itself
      map.setView(v.center, v.z, { animate: false });
    }
    applyState();
  });
}());
