// Who's viewing (seed 004): while a record page or its edit form is open it beats every few
// seconds, the server answers with the others there, and closing the page says goodbye.
(function () {
  'use strict';
  var box = document.querySelector('[data-presence]');
  if (!box || !window.fetch) { return; }
  var every = (parseInt(box.dataset.every, 10) || 10) * 1000;
  var editorsNow = [];

  function fields() {
    var form = new FormData();
    form.append('csrf_token', box.dataset.csrf);
    form.append('tab', box.dataset.tab);
    form.append('signature', box.dataset.signature);
    form.append('editing', box.dataset.editing || '');
    return form;
  }

  function show(others) {
    editorsNow = others.filter(function (o) { return o.editing; }).map(function (o) { return o.name; });
    var list = box.querySelector('[data-presence-list]');
    if (list) {
      list.textContent = '';
      others.forEach(function (other) {
        var item = document.createElement('li');
        item.className = 'presence-viewer';
        var name = document.createElement('span');
        name.className = 'font-weight-bold';
        name.textContent = other.name;
        item.appendChild(name);
        if (other.editing) {
          var badge = document.createElement('span');
          badge.className = 'badge badge-warning';
          badge.textContent = 'editing';
          item.appendChild(document.createTextNode(' '));
          item.appendChild(badge);
        }
        var when = document.createElement('small');
        when.className = 'text-muted text-nowrap';
        when.textContent = 'since ' + other.since;
        item.appendChild(document.createTextNode(' '));
        item.appendChild(when);
        list.appendChild(item);
      });
      box.querySelector('[data-presence-empty]').hidden = others.length > 0;
      var unknown = box.querySelector('[data-presence-unknown]');
      if (unknown) { unknown.hidden = true; }
    }
    var warning = document.querySelector('[data-presence-warning]');
    if (warning) {
      warning.hidden = editorsNow.length === 0;
      warning.querySelector('[data-presence-editors]').textContent = editorsNow.join(', ');
      warning.querySelector('[data-presence-verb]').textContent = editorsNow.length > 1 ? 'are' : 'is';
    }
  }

  function beat() {
    fetch(box.dataset.url, { method: 'POST', body: fields(), credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) { show(answer.others); } })
      .catch(function () { /* offline for a moment: the next beat tries again */ });
  }

  setInterval(beat, every);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { beat(); }
  });
  window.addEventListener('pagehide', function () {
    if (navigator.sendBeacon) { navigator.sendBeacon(box.dataset.leave, fields()); }
  });

  // The edit form asks before saving over someone else's edit (the version check still decides).
  var warning = document.querySelector('[data-presence-warning]');
  var form = warning && warning.closest('form');
  if (form) {
    form.addEventListener('submit', function (event) {
      if (editorsNow.length && !window.confirm(editorsNow.join(', ') + ' ' +
          (editorsNow.length > 1 ? 'are' : 'is') + ' editing this record too. Save anyway?')) {
        event.preventDefault();
      }
    });
  }
  var served = document.querySelector('[data-presence-editors]');
  if (served && served.textContent.trim()) { editorsNow = served.textContent.split(', '); }
}());
