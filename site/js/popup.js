/* partymap site, popups: a committee's value, class, rank of N and changes, its trend with
 * the area median, needs and projects, links to its atlas page and the poster; points. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, el = PM.el, map = PM.map, T = PM.terms;
  var SVG = 'http://www.w3.org/2000/svg';

  // Runs fn once the next frame is on screen (work that need not delay a tap's answer).
  PM.afterPaint = function (fn) {
    requestAnimationFrame(function () { setTimeout(fn, 0); });
  };

  function svg(tag, attrs, parent) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(n);
    return n;
  }

  // The figures of record r for the current map and year.
  PM.figures = function (r, year, mapId) {
    var m = PM.mapsById[mapId], yi = PM.yearIndex(year), fi = PM.fieldIndex[m.indicator];
    var row = yi >= 0 ? r.v[yi] : null, fig = yi >= 0 ? r.m[yi][m.index] : null;
    var lg = PM.legendOf(year, mapId), cls = fig ? fig[0] : null;
    return {
      map: m, value: row && fi !== undefined ? row[fi] : null,
      cls: cls, klass: lg && cls !== null ? lg.classes[cls] : null,
      rank: fig ? fig[1] : null, rankChange: fig ? fig[2] : null, clsChange: fig ? fig[3] : null,
      stats: PM.statsOf(year, mapId)
    };
  };

  PM.rankText = function (f) {
    if (f.rank === null) return '无排名';
    return '第' + f.rank + '名 / 共' + (f.stats ? f.stats.ranked : '?') + '个';
  };
  PM.rankChangeText = function (f) {
    if (f.rankChange === null) return '';
    if (f.rankChange === 0) return '排名与上年持平';
    return '排名较上年' + (f.rankChange > 0 ? '上升' : '下降') + Math.abs(f.rankChange) + '位';
  };
  PM.classChangeText = function (v) {
    if (v === null || v === undefined) return '';
    return v > 0 ? '等级较上年提升' : v < 0 ? '等级较上年下降' : '等级与上年相同';
  };
  PM.arrow = function (v) { return v > 0 ? '↑' : v < 0 ? '↓' : '→'; };

  // A small line chart of every year with the area median (inline SVG, no library).
  function trendChart(r, mapId) {
    var m = PM.mapsById[mapId], fi = PM.fieldIndex[m.indicator], years = D.data_years;
    var pts = years.map(function (y, k) {
      var st = PM.statsOf(y, mapId);
      return { y: y, v: r.v[k] ? r.v[k][fi] : null, med: st ? st.median : null };
    });
    var vals = [];
    pts.forEach(function (p) { if (p.v !== null) vals.push(p.v); if (p.med !== null) vals.push(p.med); });
    if (pts.filter(function (p) { return p.v !== null; }).length < 1) return null;
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
    var W = 260, H = 96, L0 = 34, R0 = 18, T0 = 10, B0 = 20;
    var sx = function (k) { return years.length > 1 ? L0 + k * (W - L0 - R0) / (years.length - 1) : (W + L0 - R0) / 2; };
    var sy = function (v) { return T0 + (hi - v) * (H - T0 - B0) / (hi - lo); };
    var desc = pts.map(function (p) {
      return p.y + '年' + (p.v === null ? '无数据' : PM.formatMapValue(p.v, m)) +
             (p.med === null ? '' : '（中位数' + PM.formatNumber(p.med, m.decimals) + '）');
    }).join('，');
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'trend', role: 'img',
                            'aria-label': '历年' + m.title + '：' + desc });
    [lo, hi].forEach(function (v) {
      svg('line', { x1: L0, x2: W - R0, y1: sy(v), y2: sy(v), class: 'grid' }, root);
      svg('text', { x: L0 - 4, y: sy(v) + 4, 'text-anchor': 'end', class: 'axis' }, root).textContent =
        PM.formatNumber(v, m.decimals);
    });
    function line(key, cls) {
      var d = '';
      pts.forEach(function (p, k) {
        if (p[key] === null) return;
        d += (d ? 'L' : 'M') + sx(k).toFixed(1) + ' ' + sy(p[key]).toFixed(1);
      });
      if (d) svg('path', { d: d, class: cls }, root);
    }
    line('med', 'median');
    line('v', 'value');
    pts.forEach(function (p, k) {
      svg('text', { x: sx(k), y: H - 5, 'text-anchor': 'middle',
                    class: 'axis' + (p.y === PM.state.year ? ' now' : '') }, root).textContent = String(p.y);
      if (p.v !== null) svg('circle', { cx: sx(k), cy: sy(p.v), r: p.y === PM.state.year ? 4 : 2.6, class: 'dot' }, root);
    });
    return root;
  }

  function swatch(color) {
    var s = el('span', 'swatch-sm');
    if (PM.isColor(color)) s.style.backgroundColor = color;
    s.setAttribute('aria-hidden', 'true');
    return s;
  }

  function link(href, text) {
    var a = el('a', 'popup-link', text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  PM.committeeContent = function (r) {
    var s = PM.state, f = PM.figures(r, s.year, s.map), yi = PM.yearIndex(s.year);
    var box = el('div', 'pm-popup');
    var h = el('h3', 'popup-title', PM.fullName(r.name));
    h.tabIndex = -1;
    box.appendChild(h);
    box.appendChild(el('p', 'popup-parent', (r.parent || T.area) + ' · 代码 ' + r.code));
    box.appendChild(el('p', 'popup-caption', s.year + '年 ' + f.map.title));
    var head = el('div', 'popup-headline');
    if (f.klass) head.appendChild(swatch(f.klass.color));
    head.appendChild(el('strong', 'popup-value', f.value === null ? '无数据' : PM.formatMapValue(f.value, f.map)));
    if (f.klass) head.appendChild(el('span', 'popup-class', f.klass.name));
    box.appendChild(head);
    var rank = el('p', 'popup-rank');
    rank.appendChild(el('span', 'rank', PM.rankText(f)));
    var rc = PM.rankChangeText(f);
    if (rc) rank.appendChild(el('span', 'change ' + (f.rankChange > 0 ? 'up' : f.rankChange < 0 ? 'down' : 'same'),
                                PM.arrow(f.rankChange) + ' ' + rc));
    box.appendChild(rank);
    var cc = PM.classChangeText(f.clsChange);
    if (cc) box.appendChild(el('p', 'popup-classchange', cc));
    var chart = trendChart(r, s.map);
    if (chart) {
      box.appendChild(chart);
      var key = el('p', 'trend-key');
      key.appendChild(el('span', 'k-value', '本' + T.unit));
      key.appendChild(el('span', 'k-median', (T.area || '') + '中位数'));
      box.appendChild(key);
    }
    var table = el('table', 'popup-table');
    function row(label, text, color) {
      var tr = el('tr');
      tr.appendChild(el('th', null, label));
      var td = el('td', text === null ? 'none' : null);
      if (color) td.appendChild(swatch(color));
      td.appendChild(document.createTextNode(text === null ? '无数据' : text));
      tr.appendChild(td);
      table.appendChild(tr);
    }
    D.maps.forEach(function (m) {
      if (m.id === s.map) return;
      var g = PM.figures(r, s.year, m.id);
      // A named class (优秀) is worth its words; a numeric one repeats the value's range.
      var named = g.klass && !/^[\d+\-−≥≤<>.\s–]/.test(g.klass.name);
      row(m.title, g.value === null ? null : PM.formatMapValue(g.value, m) + (named ? ' · ' + g.klass.name : ''),
          g.klass && g.klass.color);
    });
    var v = yi >= 0 ? r.v[yi] : [];
    function field(key, label, unit) {
      var i = PM.fieldIndex[key];
      if (i === undefined) return;
      row(label, v[i] === null || v[i] === undefined ? null : PM.formatCount(v[i], unit));
    }
    field('needs', '收集群众需求', '条');
    field('projects_running', '在运行共建项目', '个');
    row('常住人口', r.pop === null ? null : PM.formatCount(r.pop, '人'));
    box.appendChild(table);
    if (r.p && r.p.length) {
      var ul = el('ul', 'popup-projects');
      ul.setAttribute('aria-label', '在运行的共建项目');
      r.p.forEach(function (name) { ul.appendChild(el('li', null, name)); });
      box.appendChild(ul);
    }
    var dl = (D.downloads || {})[s.year] || {}, links = el('p', 'popup-links');
    if (dl.atlas && r.a) links.appendChild(link(dl.atlas + '#page=' + r.a, '个性化诊断书（第' + r.a + '页）'));
    if (dl.posters && dl.posters[s.map]) links.appendChild(link(dl.posters[s.map], '专题图海报（PDF）'));
    if (links.childNodes.length) box.appendChild(links);
    return box;
  };

  var STATUS = ['运行中', '计划', '已完成', '其他'];
  PM.pointContent = function (hit) {
    var p = hit.p, box = el('div', 'pm-popup pm-point'), isPlatform = hit.kind === 'platform';
    var h = el('h3', 'popup-title', p[2] || (isPlatform ? '党建服务平台' : '共建项目'));
    h.tabIndex = -1;
    box.appendChild(h);
    box.appendChild(el('p', 'popup-caption', isPlatform ? '党建服务平台' : '区域化党建共建项目'));
    var table = el('table', 'popup-table');
    function row(label, text) {
      if (!text) return;
      var tr = el('tr');
      tr.appendChild(el('th', null, label));
      tr.appendChild(el('td', null, text));
      table.appendChild(tr);
    }
    row('类别', p[3]);
    row('共建单位', p[4]);
    if (!isPlatform) row('状态', STATUS[p[5]] || '其他');
    var c = p[isPlatform ? 5 : 6];
    var rec = c >= 0 ? PM.records[c] : null;
    row('所在' + T.unit, rec ? PM.fullName(rec.name) : (c >= 0 && PM.names ? PM.fullName(PM.names.name[c]) : null));
    box.appendChild(table);
    return box;
  };

  // ---- the popup itself ------------------------------------------------------

  // autoPan off at opening: the map is panned to show the popup once its first frame is
  // on screen (panning in the same task as the tap cost a slow phone more than the popup).
  var popup = PM.popup = L.popup({ maxWidth: 320, minWidth: 240, autoPanPadding: L.point(12, 12),
                                   className: 'pm-leaflet-popup', closeButton: true, autoPan: false });
  function panIntoView() {
    if (!PM.map.hasLayer(popup) || typeof popup._adjustPan !== 'function') return;
    popup.options.autoPan = true;
    popup._adjustPan();
    popup.options.autoPan = false;
  }
  var returnFocus = null;

  function sizePopup() {
    var i = PM.updateInsets(true), w = window.innerWidth;
    // maxWidth is the content's: the wrapper adds its margins (2 x 14 px) and border.
    popup.options.maxWidth = Math.max(200, Math.min(320, w - i.left - i.right - 34));
    popup.options.minWidth = Math.min(240, popup.options.maxWidth);
    popup.options.autoPanPaddingTopLeft = L.point(i.left, i.top);
    popup.options.autoPanPaddingBottomRight = L.point(i.right, i.bottom);
    popup.options.maxHeight = Math.max(180, window.innerHeight - i.top - i.bottom - 40);
  }

  // Opens content at latlng; focus moves into the popup when asked (keyboard paths).
  PM.openPopup = function (latlng, content, focus) {
    sizePopup();
    if (focus) returnFocus = document.activeElement;
    popup.setLatLng(latlng).setContent(content).openOn(map);
    var c = popup.getElement(), close = c && c.querySelector('.leaflet-popup-close-button');
    if (close) {
      close.setAttribute('role', 'button');
      close.setAttribute('aria-label', '关闭弹窗');
      close.title = '关闭';
    }
    if (c) c.setAttribute('aria-label', (content.querySelector('h3') || {}).textContent || '详情');
    if (focus) {
      var h = content.querySelector('h3');
      if (h) h.focus({ preventScroll: true });
    }
    PM.afterPaint(panIntoView);
  };

  map.on('popupclose', function (e) {
    if (e.popup !== popup) return;
    var had = PM.state.selected !== null;
    PM.state.selected = null;
    PM.showSelected(null);
    if (had) PM.writeHash();
    if (returnFocus && document.body.contains(returnFocus)) returnFocus.focus();
    returnFocus = null;
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && map.hasLayer(popup)) {
      var c = popup.getElement();
      if (c && c.contains(document.activeElement)) map.closePopup();
    }
  });

  // Selects committee record r: outline, popup, the code in the URL.
  // The popup first; the outline and the URL once its frame is on screen, so that the tap
  // is answered at once on a slow phone.
  PM.selectRecord = function (r, latlng, focus) {
    PM.state.selected = r.i;
    PM.pendingCode = null;
    PM.openPopup(latlng || L.latLng(r.ct[1], r.ct[0]), PM.committeeContent(r), focus);
    PM.afterPaint(function () {
      if (PM.state.selected !== r.i) return;
      PM.showSelected(r);
      PM.writeHash();
    });
  };

  // Selects committee i (search, table, link): its area fitted to the visible map first.
  PM.selectIndex = function (i, focus) {
    return PM.recordOf(i).then(function (r) {
      PM.fitVisible(PM.boundsOf(r), Math.max(D.minzoom, D.maxzoom - 2));
      PM.selectRecord(r, null, focus);
      return r;
    });
  };

  PM.refreshPopup = function () {
    if (PM.state.selected !== null && map.hasLayer(popup) && PM.records[PM.state.selected])
      popup.setContent(PM.committeeContent(PM.records[PM.state.selected]));
  };
}());
