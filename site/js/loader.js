/* partymap site, loader: the files loaded on demand (names, index tiles, points, table), as
 * scripts that call PARTYMAP_LOAD(key, data): a script works from file://, fetch does not. */
(function () {
  'use strict';

  var PM = window.PM;
  if (!PM.ok) return;

  var cache = {};     // key -> {promise, resolve, reject, data}

  window.PARTYMAP_LOAD = function (key, data) {
    var e = cache[key];
    if (!e) return;   // a file nobody asked for
    e.data = data;
    e.resolve(data);
  };

  function entry(key) {
    var e = cache[key];
    if (e) return e;
    e = cache[key] = { data: null };
    e.promise = new Promise(function (resolve, reject) { e.resolve = resolve; e.reject = reject; });
    return e;
  }

  // Loads KEY.js once; the promise resolves with its data.  A failed load may be retried.
  PM.load = function (key) {
    var e = entry(key);
    if (e.script) return e.promise;
    var s = document.createElement('script');
    s.src = key + '.js';
    s.async = true;
    s.onload = function () {
      if (!e.data) { e.script = null; delete cache[key]; e.reject(new Error(key + '.js did not call PARTYMAP_LOAD')); }
    };
    s.onerror = function () {
      e.script = null;
      delete cache[key];
      e.reject(new Error('cannot load ' + key + '.js'));
    };
    e.script = s;
    document.head.appendChild(s);
    return e.promise;
  };

  // The data of KEY if it is loaded already, else null (no load started).
  PM.loaded = function (key) {
    var e = cache[key];
    return e && e.data ? e.data : null;
  };

  // names.js: every committee's code, name, initials, parent and an inner point.
  PM.names = null;
  PM.loadNames = function () {
    return PM.load(PM.D.index.names.replace(/\.js$/, '')).then(function (n) {
      if (!PM.names) {
        n.count = n.code.length;
        n.core = n.name.map(PM.nameCore);
        PM.names = n;
        PM.byCode = {};
        n.code.forEach(function (c, i) { PM.byCode[c] = i; });
      }
      return PM.names;
    });
  };

  PM.parentOf = function (i) {
    var n = PM.names;
    if (!n || !n.parent || n.parent[i] === null || n.parent[i] === undefined) return null;
    return n.parents[n.parent[i]];
  };
}());
