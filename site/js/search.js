/* partymap site, finding one's committee: a combobox over names.js that tolerates unit
 * suffixes (居委会, 居民区, 社区, 村), partial names, codes and pinyin initials; "locate me". */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;
  var D = PM.D, el = PM.el, $ = PM.$, T = PM.terms;
  var MAX_SHOWN = 30;

  // Initials match at position i, letter by letter, with a polyphone's other reading.
  function initialsAt(pri, alt, q) {
    for (var i = 0; i + q.length <= pri.length; i++) {
      var k = 0;
      while (k < q.length && (pri[i + k] === q[k] || (alt && alt[i + k] === q[k]))) k++;
      if (k === q.length) return i;
    }
    return -1;
  }

  // Scores every committee against q; the best first.
  PM.searchNames = function (q) {
    var n = PM.names, hits = [];
    q = String(q).trim();
    if (!q || !n) return hits;
    var letters = /^[a-zA-Z]+$/.test(q), digits = /^\d{3,}$/.test(q), lq = q.toLowerCase();
    var qc = PM.nameCore(q), other = n.initials_other || {};
    for (var i = 0; i < n.count; i++) {
      var score = 0, name = n.name[i], core = n.core[i];
      if (digits) {
        if (n.code[i] === q) score = 10;
        else if (n.code[i].indexOf(q) === 0) score = 5;
      } else if (letters) {
        var at = initialsAt(n.initials[i], other[i], lq);
        if (at === 0) score = n.initials[i].length === lq.length ? 8 : 6;
        else if (at > 0) score = 3;
        if (!score && name.toLowerCase().indexOf(lq) >= 0) score = 4;
      } else if (qc) {
        if (name === q || core === qc) score = 10;
        else if (core.indexOf(qc) === 0) score = 7;
        else if (core.indexOf(qc) > 0) score = 5;
        else if (name.indexOf(q) >= 0) score = 4;
        else if (qc.length > 1 && qc.indexOf(core) === 0 && core.length > 1) score = 2;  // 两湾城一村 -> 两湾城
      }
      if (score) hits.push({ i: i, score: score });
    }
    hits.sort(function (a, b) {
      return b.score - a.score || n.core[a.i].length - n.core[b.i].length || a.i - b.i;
    });
    return hits;
  };

  // Names that occur more than once (across parents), shown with their parent or code.
  var repeated = null;
  function isRepeated(i) {
    if (!repeated) {
      repeated = {};
      var seen = {};
      PM.names.core.forEach(function (c) { if (seen[c]) repeated[c] = true; seen[c] = true; });
    }
    return !!repeated[PM.names.core[i]];
  }

  PM.describe = function (i) {
    var parent = PM.parentOf(i);
    if (parent) return parent;
    return isRepeated(i) ? (T.area + ' · 代码 ' + PM.names.code[i]) : T.area;
  };

  var input, list, msg, active = -1, shown = [];

  function say(text) { msg.textContent = text || ''; }

  function close() {
    list.hidden = true;
    list.textContent = '';
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
    shown = [];
  }

  function setActive(k) {
    var items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute('aria-selected', 'false');
    active = k;
    if (k >= 0 && items[k]) {
      items[k].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', items[k].id);
      items[k].scrollIntoView({ block: 'nearest' });
    }
  }

  function choose(i, byKeyboard) {
    close();
    input.value = PM.fullName(PM.names.name[i]);
    $('search-clear').hidden = false;
    say('已定位到' + input.value + '。');
    setTimeout(function () { if (msg.textContent.indexOf('已定位到') === 0) say(''); }, 4000);
    if (PM.isPhone()) PM.setCollapsed(true);
    PM.selectIndex(i, byKeyboard).catch(function () { say('无法载入该' + T.unit + '的数据。'); });
  }

  function render(q) {
    var hits = PM.searchNames(q);
    list.textContent = '';
    active = -1;
    shown = hits.slice(0, MAX_SHOWN);
    shown.forEach(function (h, k) {
      var li = el('li', 'result');
      li.id = 'result-' + k;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.appendChild(el('span', 'result-name', PM.fullName(PM.names.name[h.i])));
      li.appendChild(el('span', 'result-parent', PM.describe(h.i)));
      li.addEventListener('mousedown', function (e) { e.preventDefault(); });
      li.addEventListener('click', function () { choose(h.i, false); });
      list.appendChild(li);
    });
    list.hidden = !shown.length;
    input.setAttribute('aria-expanded', shown.length ? 'true' : 'false');
    if (!hits.length) say('未找到与“' + q + '”相符的' + T.unit + '。可输入名称的一部分或拼音首字母。');
    else say('找到 ' + hits.length + ' 个' + T.unit + (hits.length > MAX_SHOWN ? '，显示前 ' + MAX_SHOWN + ' 个' : '') +
             '，用上下方向键选择，回车确定。');
    return hits;
  }

  function withNames(then) {
    if (PM.names) return then();
    say('正在载入' + T.unit + '名录…');
    PM.loadNames().then(then, function () { say('名录载入失败，请稍后重试。'); });
  }

  PM.setupSearch = function () {
    input = $('search-input');
    list = $('search-results');
    msg = $('search-msg');
    input.placeholder = '搜索' + T.unit + '：名称或拼音首字母';
    $('search-label').textContent = '搜索' + T.unit;
    input.addEventListener('focus', function () { withNames(function () {}); });
    input.addEventListener('input', function () {
      $('search-clear').hidden = !input.value;
      var q = input.value.trim();
      if (!q) { close(); say(''); return; }
      withNames(function () { if (input.value.trim() === q) render(q); });
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (list.hidden) return;
        e.preventDefault();
        var n = list.children.length;
        setActive(e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
      } else if (e.key === 'Escape') {
        close();
      }
    });
    $('search').addEventListener('submit', function (e) {
      e.preventDefault();
      var q = input.value.trim();
      if (!q) return;
      withNames(function () {
        if (active >= 0 && shown[active]) return choose(shown[active].i, true);
        var hits = render(q);
        if (hits.length === 1 || (hits.length && hits[0].score >= 10 && (hits.length < 2 || hits[1].score < 10)))
          choose(hits[0].i, true);
        else if (hits.length) setActive(0);
      });
    });
    input.addEventListener('blur', function () { setTimeout(function () { if (document.activeElement !== input) close(); }, 150); });
    $('search-clear').addEventListener('click', function () {
      input.value = '';
      this.hidden = true;
      close();
      say('');
      input.focus();
    });
    $('locate').addEventListener('click', locate);
  };

  // ---- locate me: the committee under the device's position -----------------

  function locate() {
    if (!navigator.geolocation) { say('此浏览器不支持定位。'); return; }
    say('正在获取您的位置…');
    navigator.geolocation.getCurrentPosition(function (pos) {
      var at = L.latLng(pos.coords.latitude, pos.coords.longitude);
      if (!PM.dataBounds.pad(0.02).contains(at)) {
        say('您的位置不在本地图范围（' + T.area + '）内。');
        return;
      }
      PM.hitAt(at).then(function (r) {
        if (!r) { say('您的位置不在任何' + T.unit + '内。'); PM.panToVisible(at, Math.max(PM.map.getZoom(), D.maxzoom - 3)); return; }
        say('您位于' + PM.fullName(r.name) + '。');
        PM.fitVisible(PM.boundsOf(r), Math.max(D.minzoom, D.maxzoom - 2));
        PM.selectRecord(r, at, true);
      }, function () { say('无法载入该位置的数据。'); });
    }, function (err) {
      say(err && err.code === 1 ? '未获得定位权限：请在浏览器设置中允许本页面使用位置。' : '无法获取您的位置。');
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
}());
