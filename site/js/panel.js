/* partymap site, the panel: a side panel on desktops, a bottom sheet on phones; map and year
 * switchers, the legend (also in the collapsed strip), downloads, footer, large-text mode. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, el = PM.el, $ = PM.$, T = PM.terms;

  // ---- collapsing: the sheet's strip keeps the map's title and legend ------

  PM.setCollapsed = function (collapsed) {
    var p = $('panel');
    p.classList.toggle('collapsed', collapsed);
    ['panel-toggle', 'sheet-handle'].forEach(function (id) {
      $(id).setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    });
    $('panel-toggle').textContent = collapsed ? '展开' : '收起';
    $('sheet-handle-text').textContent = collapsed ? '展开面板' : '收起面板';
    PM.updateInsets();
  };
  PM.collapsed = function () { return $('panel').classList.contains('collapsed'); };

  function setupSheet() {
    $('panel-toggle').addEventListener('click', function () { PM.setCollapsed(!PM.collapsed()); });
    var handle = $('sheet-handle'), start = null;
    handle.addEventListener('pointerdown', function (e) { start = e.clientY; });
    handle.addEventListener('pointerup', function (e) {
      if (start === null) return;
      var dy = e.clientY - start;
      start = null;
      if (Math.abs(dy) > 24) { PM.setCollapsed(dy > 0); handle._dragged = true; }
    });
    handle.addEventListener('click', function () {
      if (handle._dragged) { handle._dragged = false; return; }
      PM.setCollapsed(!PM.collapsed());
    });
    // A drag on the strip itself opens or closes the sheet too.
    var strip = $('legend-compact'), y0 = null;
    strip.addEventListener('touchstart', function (e) { y0 = e.touches[0].clientY; }, { passive: true });
    strip.addEventListener('touchend', function (e) {
      if (y0 === null) return;
      var dy = e.changedTouches[0].clientY - y0;
      y0 = null;
      if (Math.abs(dy) > 24) PM.setCollapsed(dy > 0);
    });
    strip.addEventListener('click', function () { if (PM.isPhone() && PM.collapsed()) PM.setCollapsed(false); });
  }

  // ---- switchers -------------------------------------------------------------

  function radio(container, cls, label, checked, onPick) {
    var b = el('button', cls);
    b.type = 'button';
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', checked ? 'true' : 'false');
    b.tabIndex = checked ? 0 : -1;
    if (label instanceof Node) b.appendChild(label); else b.textContent = label;
    b.addEventListener('click', onPick);
    container.appendChild(b);
    return b;
  }

  // Arrow keys move within a radio group, as the ARIA pattern has it.
  function arrowKeys(container) {
    container.addEventListener('keydown', function (e) {
      var keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
      if (!(e.key in keys)) return;
      var items = Array.prototype.slice.call(container.children), i = items.indexOf(document.activeElement);
      if (i < 0) return;
      e.preventDefault();
      var next = items[(i + keys[e.key] + items.length) % items.length];
      next.focus();
      next.click();
    });
  }

  function setChecked(container, value, attr) {
    Array.prototype.forEach.call(container.children, function (b) {
      var on = b.getAttribute(attr) === String(value);
      b.setAttribute('aria-checked', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    });
  }

  function ramp(mapId) {
    var box = el('span', 'ramp'), lg = PM.legendOf(PM.state.year, mapId);
    box.setAttribute('aria-hidden', 'true');
    (lg ? lg.classes : []).forEach(function (c) {
      var s = el('span');
      if (PM.isColor(c.color)) s.style.backgroundColor = c.color;
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
      var b = radio(maps, 'map-btn', content, m.id === PM.state.map, function () { PM.setMap(m.id); });
      b.setAttribute('data-map', m.id);
    });
    var years = $('years');
    D.years.forEach(function (y) {
      var b = radio(years, 'year-btn', String(y), y === PM.state.year, function () { PM.setYear(y); });
      b.setAttribute('data-year', String(y));
      b.setAttribute('aria-label', y + '年');
    });
    arrowKeys(maps);
    arrowKeys(years);
  }

  // ---- legend ------------------------------------------------------------------

  var SVG = 'http://www.w3.org/2000/svg';
  function svgShape(kind) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 30 16');
    svg.setAttribute('aria-hidden', 'true');
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

  function swatch(color, extra) {
    var sw = el('span', 'swatch' + (extra ? ' ' + extra : ''));
    sw.setAttribute('aria-hidden', 'true');
    if (PM.isColor(color)) sw.style.backgroundColor = color;
    return sw;
  }

  PM.renderLegend = function () {
    var s = PM.state, m = PM.mapsById[s.map], lg = PM.legendOf(s.year, s.map);
    $('legend-title').textContent = m.title + '（' + s.year + '年）';
    $('legend-unit').textContent = m.unit ? '单位：' + m.unit : '';
    var items = $('legend-items'), compact = $('legend-compact-items');
    items.textContent = '';
    compact.textContent = '';
    $('legend-compact-title').textContent = m.title + ' · ' + s.year + '年';
    if (lg) {
      // Highest class on top, as on the printed posters; the strip reads left to right.
      lg.classes.slice().reverse().forEach(function (c) {
        legendRow(items, swatch(c.color), c.label, c.count + ' 个');
      });
      legendRow(items, swatch(lg.nodata.color, 'nodata'), '无数据', lg.nodata.count + ' 个');
      lg.classes.slice().reverse().forEach(function (c) {
        var li = el('li');
        li.appendChild(swatch(c.color));
        li.appendChild(el('span', null, c.name));
        compact.appendChild(li);
      });
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
    renderDownloads();
  };

  function renderDownloads() {
    var s = PM.state, dl = (D.downloads || {})[s.year] || {}, list = $('downloads');
    list.textContent = '';
    function item(href, text) {
      var li = el('li'), a = el('a', 'download-link', text);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener';
      li.appendChild(a);
      list.appendChild(li);
    }
    if (dl.posters && dl.posters[s.map]) item(dl.posters[s.map], '印刷版专题图（' + s.year + '年 PDF）');
    if (dl.atlas) item(dl.atlas, '个性化诊断书（' + s.year + '年 PDF）');
    if (dl.xlsx) item(dl.xlsx, '测评结果表格（' + s.year + '年 Excel）');
    if (dl.csv) item(dl.csv, '测评结果数据（' + s.year + '年 CSV）');
    if (!list.childNodes.length) list.appendChild(el('li', 'none', '本年度暂无可下载文件。'));
  }

  PM.refreshRamps = function () {
    Array.prototype.forEach.call($('maps').children, function (b) {
      b.replaceChild(ramp(b.getAttribute('data-map')), b.querySelector('.ramp'));
    });
  };
  PM.syncSwitchers = function () {
    setChecked($('maps'), PM.state.map, 'data-map');
    setChecked($('years'), PM.state.year, 'data-year');
  };

  // ---- footer: approval number, data credits, ICP number, government-site code --

  function footerParts(withLinks) {
    var parts = [];
    if (D.approval) parts.push(['审图号：' + D.approval.number + (D.approval.issuer ? ' · ' + D.approval.issuer : '')]);
    if (D.credits) parts.push(['数据来源：' + D.credits]);
    if (PM.basemap && PM.map.hasLayer(PM.basemap) && D.basemap.attribution) parts.push(['底图：' + D.basemap.attribution]);
    if (D.site && D.site.icp) parts.push([D.site.icp, withLinks ? 'https://beian.miit.gov.cn/' : null]);
    if (D.site && D.site.gov_code) parts.push(['政府网站标识码：' + D.site.gov_code]);
    parts.push(['地图引擎 Leaflet', withLinks ? 'https://leafletjs.com/' : null]);
    return parts;
  }

  function fillFooter(box, parts) {
    box.textContent = '';
    parts.forEach(function (p, i) {
      if (i) box.appendChild(el('span', 'sep', '·')).setAttribute('aria-hidden', 'true');
      if (p[1]) {
        var a = el('a', null, p[0]);
        a.href = p[1];
        a.target = '_blank';
        a.rel = 'noopener';
        box.appendChild(a);
      } else {
        box.appendChild(el('span', null, p[0]));
      }
    });
  }

  PM.renderCredits = function () {
    fillFooter($('credits'), footerParts(true));
    fillFooter($('site-footer'), footerParts(true));
    var ap = $('approval-compact');
    ap.textContent = D.approval ? '审图号：' + D.approval.number : '';
    ap.hidden = !D.approval;
  };

  // ---- large text, high contrast (适老化), kept across visits ----------------

  PM.setLarge = function (on, save) {
    document.documentElement.classList.toggle('large', on);
    var b = $('large-toggle');
    b.setAttribute('aria-pressed', on ? 'true' : 'false');
    b.textContent = on ? '标准字号' : '大字模式';
    if (save) { try { localStorage.setItem('partymap.large', on ? '1' : '0'); } catch (e) {} }
    PM.updateInsets();
  };

  // ---- the hover info box (desktop) ----------------------------------------------

  var Info = L.Control.extend({
    options: { position: 'topright' },
    onAdd: function () {
      var box = L.DomUtil.create('div', 'pm-info');
      box.setAttribute('aria-hidden', 'true');
      box.hidden = true;
      return box;
    }
  });
  var info = new Info().addTo(PM.map);
  PM.showInfo = function (r) {
    var box = info.getContainer();
    box.hidden = !r;
    if (!r) return;
    box.textContent = '';
    var s = PM.state, f = PM.figures(r, s.year, s.map);
    box.appendChild(el('strong', null, PM.fullName(r.name)));
    var line = el('span', 'pm-info-line');
    if (f.klass) line.appendChild(swatch(f.klass.color));
    line.appendChild(document.createTextNode(
      (f.value === null ? '无数据' : PM.formatMapValue(f.value, f.map)) + (f.klass ? ' · ' + f.klass.name : '') +
      (f.rank ? ' · ' + PM.rankText(f) : '')));
    box.appendChild(line);
  };

  PM.setupPanel = function () {
    $('kicker').textContent = T.area + ' · 区域化党建资源地图';
    $('title').textContent = (D.name || T.area) + '专题地图';
    $('page-title').textContent = (D.name || T.area) + ' · 党建资源地图';
    $('table-open').textContent = '列表查看全部' + T.unit;
    setupSheet();
    buildSwitchers();
    PM.renderCredits();
    $('fit-all').addEventListener('click', function () {
      if (PM.isPhone()) PM.setCollapsed(true);
      PM.fitVisible(PM.dataBounds);
    });
    $('large-toggle').addEventListener('click', function () {
      PM.setLarge(!document.documentElement.classList.contains('large'), true);
    });
    PM.setLarge(document.documentElement.classList.contains('large'), false);
    if (PM.basemap) {
      var b = $('basemap-toggle');
      b.hidden = false;
      b.addEventListener('click', function () { PM.setBasemap(!PM.map.hasLayer(PM.basemap)); });
    }
  };
}());
