// rileva's catalogue: search and filters on the index, offline (the data
// is in the page; nothing is fetched). Without this script every practice
// is listed and the filter form stays hidden.
(function () {
  'use strict';
  var form = document.getElementById('filters');
  if (!form) { return; }
  var q = document.getElementById('q');
  var count = document.getElementById('count');
  var selects = Array.prototype.slice.call(form.querySelectorAll('select[data-filter]'));
  var items = Array.prototype.slice.call(document.querySelectorAll('li[data-text]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section[data-group]'));
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function apply(remember) {
    var terms = fold(q.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var text = li.getAttribute('data-text') || '';
      var ok = terms.every(function (t) { return text.indexOf(t) >= 0; });
      selects.forEach(function (s) {
        if (ok && s.value) {
          var picked = (li.getAttribute('data-f' + s.getAttribute('data-filter')) || '').split(' ');
          ok = picked.indexOf(s.value) >= 0;
        }
      });
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) {
      var visible = g.querySelectorAll('li[data-text]:not([hidden])').length;
      var n = g.querySelector('h2 .n');
      if (n) { n.textContent = '(' + visible + ')'; }
      g.hidden = visible === 0;
    });
    var wording = shown === 1 ? form.getAttribute('data-one') : form.getAttribute('data-count');
    count.textContent = (wording || '%n / %t')
      .replace('%n', String(shown)).replace('%t', String(items.length));
    if (remember) {
      var state = [];
      if (q.value) { state.push('q=' + encodeURIComponent(q.value)); }
      selects.forEach(function (s) {
        if (s.value) { state.push('f' + s.getAttribute('data-filter') + '=' + encodeURIComponent(s.value)); }
      });
      try {
        history.replaceState(null, '', state.length ? '#' + state.join('&') : location.pathname);
      } catch (e) { /* a page opened from disk may refuse; the filters still work */ }
    }
  }
  // A link may carry a search and filters: index.html#q=spesa&f0=nuovo
  location.hash.replace(/^#/, '').split('&').forEach(function (pair) {
    var kv = pair.split('=');
    if (kv.length !== 2) { return; }
    var value;
    try { value = decodeURIComponent(kv[1].replace(/\+/g, ' ')); } catch (e) { return; }
    if (kv[0] === 'q') { q.value = value; return; }
    selects.forEach(function (s) {
      if ('f' + s.getAttribute('data-filter') === kv[0]) { s.value = value; }
    });
  });
  form.hidden = false;
  form.addEventListener('input', function () { apply(true); });
  form.addEventListener('change', function () { apply(true); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  apply(false);
}());
