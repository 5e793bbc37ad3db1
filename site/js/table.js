/* partymap site, the table view: every committee of the current map and year, sortable by
 * rank, value and change; each row opens the committee on the map.  Also the alternative
 * to the map for screen readers. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, el = PM.el, $ = PM.$, T = PM.terms;
  var PAGE = 100;

  var sortKey = 'rank', sortDir = 1, shownRows = PAGE, data = null, opener = null;
  var COLUMNS = [
    { key: 'rank', label: '排名', dir: 1 },
    { key: 'name', label: '名称', dir: 1 },
    { key: 'value', label: '数值', dir: -1 },
    { key: 'cls', label: '等级', dir: -1 },
    { key: 'change', label: '较上年', dir: -1 }
  ];

  function tableKey() {
    return PM.fill(D.index.table, { year: PM.state.year, map: PM.state.map }).replace(/\.js$/, '');
  }

  function order(t) {
    var n = PM.names, idx = [];
    for (var i = 0; i < n.count; i++) idx.push(i);
    var filter = $('table-filter').value.trim();
    if (filter) {
      var hit = {};
      PM.searchNames(filter).forEach(function (h) { hit[h.i] = true; });
      idx = idx.filter(function (i) { return hit[i]; });
    }
    function val(i) {
      switch (sortKey) {
        case 'rank': return t.rank[i] === null ? Infinity : t.rank[i];
        case 'value': return t.value[i] === null ? -Infinity : t.value[i];
        case 'cls': return t.cls[i] === null ? -Infinity : t.cls[i];
        case 'change': return t.rank_change[i] === null ? -Infinity : t.rank_change[i];
        default: return n.name[i];
      }
    }
    idx.sort(function (a, b) {
      var x = val(a), y = val(b);
      if (x === y) return (t.rank[a] || 1e9) - (t.rank[b] || 1e9) || a - b;
      if (typeof x === 'string') return sortDir * x.localeCompare(y, 'zh-CN');
      return (x < y ? -1 : 1) * sortDir;
    });
    return idx;
  }

  function header() {
    var tr = $('table-header');
    tr.textContent = '';
    COLUMNS.forEach(function (c) {
      var th = el('th');
      th.scope = 'col';
      var b = el('button', 'sort-btn', c.label);
      b.type = 'button';
      var on = c.key === sortKey;
      th.setAttribute('aria-sort', on ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
      b.appendChild(el('span', 'sort-mark', on ? (sortDir > 0 ? ' ▲' : ' ▼') : ''));
      b.lastChild.setAttribute('aria-hidden', 'true');
      b.addEventListener('click', function () {
        if (sortKey === c.key) sortDir = -sortDir;
        else { sortKey = c.key; sortDir = c.dir; }
        shownRows = PAGE;
        render();
        var again = $('table-header').querySelectorAll('button')[COLUMNS.indexOf(c)];
        if (again) again.focus();
      });
      th.appendChild(b);
      tr.appendChild(th);
    });
  }

  function render() {
    if (!data || !PM.names) return;
    var s = PM.state, m = PM.mapsById[s.map], lg = PM.legendOf(s.year, s.map), n = PM.names;
    $('table-title').textContent = '全部' + T.unit + ' · ' + m.title + '（' + s.year + '年）';
    $('table-caption').textContent = m.title + s.year + '年各' + T.unit + '的数值、等级与排名，可按列排序';
    header();
    var idx = order(data), body = $('table-body');
    body.textContent = '';
    idx.slice(0, shownRows).forEach(function (i) {
      var tr = el('tr');
      tr.appendChild(el('td', 'num', data.rank[i] === null ? '—' : data.rank[i]));
      // The name as the data have it: the title says what the rows are (全部居民区).
      var td = el('td', 'name'), b = el('button', 'row-btn', n.name[i]);
      b.type = 'button';
      b.setAttribute('aria-label', '在地图上查看' + PM.fullName(n.name[i]));
      b.addEventListener('click', function () { openOnMap(i); });
      td.appendChild(b);
      var where = PM.describe(i);   // the parent, or the code of a repeated name
      if (where !== T.area) td.appendChild(el('span', 'row-parent', where));
      tr.appendChild(td);
      tr.appendChild(el('td', 'num', data.value[i] === null ? '无数据' : PM.formatMapValue(data.value[i], m)));
      var c = data.cls[i], klass = lg && c !== null ? lg.classes[c] : null, ctd = el('td', 'cls');
      if (klass) {
        var sw = el('span', 'swatch-sm');
        sw.setAttribute('aria-hidden', 'true');
        if (PM.isColor(klass.color)) sw.style.backgroundColor = klass.color;
        ctd.appendChild(sw);
      }
      ctd.appendChild(document.createTextNode(klass ? klass.name : '—'));
      tr.appendChild(ctd);
      var rc = data.rank_change[i];
      tr.appendChild(el('td', 'num change ' + (rc > 0 ? 'up' : rc < 0 ? 'down' : ''),
                        rc === null ? '—' : rc === 0 ? '持平' : PM.arrow(rc) + Math.abs(rc) + '位'));
      body.appendChild(tr);
    });
    $('table-more').hidden = idx.length <= shownRows;
    $('table-summary').textContent = '共 ' + idx.length + ' 个' + T.unit +
      (idx.length > shownRows ? '，已显示 ' + shownRows + ' 个' : '');
  }

  function load() {
    $('table-summary').textContent = '正在载入…';
    return Promise.all([PM.loadNames(), PM.load(tableKey())]).then(function (r) {
      data = r[1];
      render();
    }, function () { $('table-summary').textContent = '列表载入失败，请稍后重试。'; });
  }

  function openOnMap(i) {
    close(false);
    if (PM.isPhone()) PM.setCollapsed(true);
    PM.selectIndex(i, true);
  }

  PM.tableOpen = function () { return !$('table-view').hidden; };

  function open() {
    opener = document.activeElement;
    $('table-view').hidden = false;
    document.body.classList.add('table-open');
    shownRows = PAGE;
    load().then(function () { $('table-close').focus(); });
    $('table-close').focus();
  }

  function close(restore) {
    $('table-view').hidden = true;
    document.body.classList.remove('table-open');
    if (restore !== false && opener && document.body.contains(opener)) opener.focus();
  }

  // The map or year changed: the open table follows.
  PM.refreshTable = function () { if (PM.tableOpen()) load(); };

  PM.setupTable = function () {
    $('table-open').addEventListener('click', open);
    $('table-close').addEventListener('click', function () { close(true); });
    $('table-more').addEventListener('click', function () { shownRows += PAGE; render(); });
    $('table-filter').addEventListener('input', function () { shownRows = PAGE; render(); });
    $('table-view').addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.stopPropagation(); close(true); }
      if (e.key === 'Tab') {   // keep the focus inside the dialog
        var f = $('table-view').querySelectorAll('button:not([hidden]), input');
        var first = f[0], last = f[f.length - 1];
        if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
      }
    });
  };
}());
