/* partymap site, core: the data of data.js, formatting, terms, state and the URL hash. */
(function () {
  'use strict';

  var PM = window.PM = window.PM || {};
  var D = PM.D = window.PARTYMAP;
  PM.ok = !!D && typeof L !== 'undefined';
  if (!PM.ok) return;

  // Every piece of data reaches the page through textContent, never parsed as markup.
  PM.el = function (tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  PM.$ = function (id) { return document.getElementById(id); };
  PM.isColor = function (c) { return typeof c === 'string' && /^#[0-9a-fA-F]{6}$/.test(c); };
  PM.fill = function (template, values) {
    return template.replace(/\{(year|map|z|x|y)\}/g, function (all, k) {
      return k in values ? encodeURIComponent(String(values[k])) : all;
    });
  };

  var T = D.terms || { unit: '居民区', parent: '街道', area: D.name };
  PM.terms = T;
  PM.mapsById = {};
  D.maps.forEach(function (m, i) { m.index = i; PM.mapsById[m.id] = m; });
  PM.fieldIndex = {};
  D.fields.forEach(function (f, i) { PM.fieldIndex[f.key] = i; });
  PM.yearIndex = function (y) { return D.data_years.indexOf(y); };

  // Unit suffixes a resident may type or leave out: 两湾城, 两湾城居委会, 两湾城居民区.
  var SUFFIXES = ['居民委员会', '村民委员会', '居委会', '村委会', '居民区', '社区', '村'];
  if (T.unit && SUFFIXES.indexOf(T.unit) < 0) SUFFIXES.unshift(T.unit);
  PM.nameCore = function (s) {
    s = String(s).replace(/\s+/g, '');
    for (var round = 0; round < 2; round++) {
      var hit = null;
      for (var i = 0; i < SUFFIXES.length && !hit; i++) {
        var k = SUFFIXES[i];
        if (s.length > k.length && s.slice(-k.length) === k) hit = k;
      }
      if (!hit) break;
      s = s.slice(0, -hit.length);
    }
    return s;
  };
  // The display name: the unit term added unless the name already ends in a unit word.
  PM.fullName = function (name) {
    return PM.nameCore(name) !== name ? name : name + T.unit;
  };

  // Formats a value as legends and posters do: the field's decimals, sign for changes.
  PM.formatNumber = function (v, decimals, signed) {
    if (v === null || v === undefined || !isFinite(v)) return null;
    var s = v.toFixed(decimals);
    if (signed && v > 0) s = '+' + s;
    return s;
  };
  PM.formatValue = function (v, field) {
    if (v === null || v === undefined || !isFinite(v)) return null;
    var key = field.key;
    if (/_rank$/.test(key)) return '第' + v.toFixed(0) + field.unit;
    if (/_rank_change$/.test(key)) {
      if (v === 0) return '持平';
      return (v > 0 ? '上升' : '下降') + Math.abs(v).toFixed(0) + field.unit;
    }
    var s = PM.formatNumber(v, field.decimals, field.signed);
    return field.unit ? s + ' ' + field.unit : s;
  };
  PM.formatMapValue = function (v, m) {
    var s = PM.formatNumber(v, m.decimals, /_change$/.test(m.indicator));
    return s === null ? null : (m.unit ? s + ' ' + m.unit : s);
  };
  PM.formatCount = function (n, unit) {
    return (isFinite(n) && n !== null ? Math.round(n).toLocaleString('zh-CN') : '—') + ' ' + unit;
  };
  PM.legendOf = function (year, mapId) { return (D.legend[year] || {})[mapId] || null; };
  PM.statsOf = function (year, mapId) { return ((D.stats || {})[year] || {})[mapId] || null; };

  // ---- state and the URL hash --------------------------------------------

  PM.state = {
    map: D.maps[0].id,
    year: D.years[D.years.length - 1],
    selected: null     // the committee index whose popup is open
  };

  PM.parseHash = function () {
    var out = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) {
        try { out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); } catch (e) {}
      }
    });
    var view = {};
    if (PM.mapsById[out.map]) view.map = out.map;
    var y = parseInt(out.year, 10);
    if (D.years.indexOf(y) >= 0) view.year = y;
    var z = parseFloat(out.z), lat = parseFloat(out.lat), lng = parseFloat(out.lng);
    if (isFinite(z) && isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      view.z = Math.min(D.maxzoom, Math.max(D.minzoom, z));
      view.center = L.latLng(lat, lng);
    }
    if (out.c && /^[0-9A-Za-z_-]{1,40}$/.test(out.c)) view.code = out.c;
    return view;
  };

  PM.lastHash = '';
  PM.writeHash = function () {
    var map = PM.map;
    if (!map) return;
    var c = map.getCenter(), s = PM.state;
    var h = '#map=' + encodeURIComponent(s.map) + '&year=' + s.year + '&z=' + map.getZoom() +
            '&lat=' + c.lat.toFixed(5) + '&lng=' + c.lng.toFixed(5);
    if (s.selected !== null && PM.names) h += '&c=' + encodeURIComponent(PM.names.code[s.selected]);
    else if (s.selected === null && PM.pendingCode) h += '&c=' + encodeURIComponent(PM.pendingCode);
    if (h === location.hash) return;
    PM.lastHash = h;
    try {
      history.replaceState(null, '', h);
    } catch (e) {
      location.hash = h;   // some browsers refuse replaceState on file:// pages
    }
  };

  // Phone layout: the panel is a bottom sheet below this width (as in style.css).
  PM.isPhone = function () { return window.innerWidth < 600; };
}());
