/* The line editor of invoices and credit notes (admin/money/line_editor.html): rows added and
   removed, Enter moving to the next field instead of sending the form (seed 004), and each
   line's total and the document's as the server prices them: the rows are posted as JSON to
   the editor's data-totals-url a moment after the user stops typing. */
(function () {
  'use strict';
  var PRICED = ['quantity', 'unit_price', 'tax_rate'];
  var FIELDS = 'input:not([type=hidden]), select, textarea, [data-add-line]';
  var WAIT_MS = 250;

  function fieldName(element) {
    return (element.name || '').replace(/^lines-[^-]+-/, '');
  }

  function setUp(editor) {
    var form = editor.closest('form');
    var body = editor.querySelector('tbody');
    var template = editor.querySelector('template[data-new-line]');
    var problem = editor.querySelector('[data-totals-error]');
    var timer = null, asked = 0;
    var next = Array.prototype.reduce.call(body.querySelectorAll('[name^="lines-"]'), function (most, input) {
      return Math.max(most, Number(input.name.split('-')[1]) + 1);
    }, 0);

    function rows() { return Array.prototype.slice.call(body.querySelectorAll('tr[data-line]')); }

    function typed(row) {
      var line = {};
      PRICED.forEach(function (name) { line[name] = row.querySelector('[name$="-' + name + '"]').value; });
      return line;
    }

    function show(answer) {
      rows().forEach(function (row, index) {
        var line = answer.lines[index] || {}, cell = row.querySelector('[data-line-total]');
        cell.textContent = line.total || '–';
        cell.title = line.errors ? Object.keys(line.errors).map(function (k) { return line.errors[k]; }).join(' ') : '';
      });
      ['net', 'tax', 'gross'].forEach(function (name) {
        editor.querySelector('[data-total="' + name + '"]').textContent = answer[name];
      });
      problem.hidden = true;
    }

    function refused(message) {
      problem.textContent = message;
      problem.hidden = false;
    }

    function price() {
      var ask = ++asked;
      fetch(editor.dataset.totalsUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          'Accept': 'application/json',
          'X-CSRFToken': form.querySelector('[name="csrf_token"]').value
        },
        body: JSON.stringify({ lines: rows().map(typed) })
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (reply) {
        if (ask !== asked) { return; }  // a later question is on its way
        if (reply.ok) { show(reply.answer); } else { refused(reply.answer.error); }
      }).catch(function () {
        if (ask === asked) { refused('The totals could not be worked out: check the connection.'); }
      });
    }

    function priceSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(price, WAIT_MS);
    }

    function addLine() {
      body.insertAdjacentHTML('beforeend', template.innerHTML.replace(/__index__/g, String(next++)));
      body.lastElementChild.querySelector('[name$="-description"]').focus();
      priceSoon();
    }

    editor.addEventListener('click', function (event) {
      if (event.target.closest('[data-add-line]')) { addLine(); }
      var remove = event.target.closest('[data-remove-line]');
      if (remove) {
        remove.closest('tr').remove();
        priceSoon();
      }
    });
    editor.addEventListener('input', function (event) {
      if (PRICED.indexOf(fieldName(event.target)) >= 0) { priceSoon(); }
    });

    // Enter goes to the next field (after the last line: "Add a line"); a button keeps its own.
    form.addEventListener('keydown', function (event) {
      var here = event.target;
      if (event.key !== 'Enter' || !here.matches('input, select') || here.type === 'submit') { return; }
      event.preventDefault();
      var fields = Array.prototype.slice.call(form.querySelectorAll(FIELDS));
      var following = fields[fields.indexOf(here) + 1];
      if (following) { following.focus(); }
    });

    price();
  }

  document.querySelectorAll('[data-line-editor]').forEach(setUp);
})();
