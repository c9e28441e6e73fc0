/* Search from every page: the navbar's box (admin/customers/search/box.html).
   "/" or Ctrl+K (⌘K) focuses it; results come as one types, grouped by kind; the arrow keys
   move through them and Enter opens the chosen one, else the first; with nothing offered yet,
   Enter opens the full results page (/admin/search/?q=). */
(function () {
  var form = document.querySelector('[data-search-box]');
  if (!form) { return; }
  var input = form.querySelector('input[name=q]');
  var menu = form.querySelector('.navbar-search-results');
  var timer = null;
  var asked = 0; // the latest request: older answers arriving late are dropped
  var shownFor = null; // the term the dropdown's results are for

  function typing(target) {
    return target.closest('input, textarea, select, [contenteditable=""], [contenteditable=true]');
  }

  document.addEventListener('keydown', function (event) {
    var ctrlK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k';
    var slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target);
    if (ctrlK || slash) {
      event.preventDefault();
      var folded = input.closest('.navbar-collapse:not(.show)');
      if (folded && !input.offsetParent && window.jQuery) { window.jQuery(folded).collapse('show'); }
      input.focus();
      input.select();
    }
  });

  function items() { return Array.prototype.slice.call(menu.querySelectorAll('a.dropdown-item')); }

  function close() {
    menu.classList.remove('show');
    input.setAttribute('aria-expanded', 'false');
  }

  function open() {
    menu.classList.add('show');
    input.setAttribute('aria-expanded', 'true');
  }

  function line(tag, className, text) {
    var element = document.createElement(tag);
    element.className = className;
    element.textContent = text;
    return element;
  }

  function show(answer) {
    menu.textContent = '';
    shownFor = answer.q;
    if (answer.problem) {
      menu.appendChild(line('span', 'dropdown-item-text text-muted small', answer.problem));
    } else if (!answer.groups.length) {
      menu.appendChild(line('span', 'dropdown-item-text text-muted', 'Nothing matches “' + answer.q + '”.'));
    }
    answer.groups.forEach(function (group, index) {
      if (index) { menu.appendChild(line('div', 'dropdown-divider', '')); }
      menu.appendChild(line('h6', 'dropdown-header', group.title));
      group.results.forEach(function (found) {
        var link = document.createElement('a');
        link.className = 'dropdown-item';
        link.href = found.url;
        link.setAttribute('role', 'option');
        link.appendChild(line('strong', '', found.title));
        if (found.detail) { link.appendChild(line('span', 'text-muted search-detail', found.detail)); }
        link.appendChild(line('small', 'd-block text-muted', found.matched));
        menu.appendChild(link);
      });
    });
    if (!answer.problem) {
      menu.appendChild(line('div', 'dropdown-divider', ''));
      var all = line('a', 'dropdown-item small search-all', 'All results for “' + answer.q + '”');
      all.href = answer.page;
      menu.appendChild(all);
    }
    var first = menu.querySelector('a.dropdown-item');
    if (first) { first.classList.add('active'); }
    open();
  }

  function ask() {
    var term = input.value.trim();
    if (!term) { close(); shownFor = null; return; }
    var mine = ++asked;
    fetch(form.dataset.suggestions + '?q=' + encodeURIComponent(term), {
      credentials: 'same-origin', headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (response.status === 400) {
        return { q: term, problem: 'That cannot be searched: it holds a character no one types.', groups: [] };
      }
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (answer) {
      if (mine === asked) { show(answer); }
    }).catch(function () {
      if (mine === asked) { show({ q: term, problem: 'Search is not answering: press Enter for the results page.', groups: [] }); }
    });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener('focus', function () { if (menu.children.length && input.value.trim()) { open(); } });

  function move(step) {
    var links = items();
    if (!links.length) { return; }
    var at = links.findIndex(function (link) { return link.classList.contains('active'); });
    if (at >= 0) { links[at].classList.remove('active'); }
    var next = links[(at + step + links.length) % links.length];
    next.classList.add('active');
    next.scrollIntoView({ block: 'nearest' });
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') { event.preventDefault(); open(); move(1); }
    else if (event.key === 'ArrowUp') { event.preventDefault(); move(-1); }
    else if (event.key === 'Escape') { close(); }
    else if (event.key === 'Enter') {
      var chosen = menu.querySelector('a.dropdown-item.active');
      // Only results for what is in the box now: else the full page, searched afresh.
      if (chosen && shownFor === input.value.trim() && menu.classList.contains('show')) {
        event.preventDefault();
        window.location.assign(chosen.href);
      }
    }
  });

  document.addEventListener('click', function (event) {
    if (!form.contains(event.target)) { close(); }
  });
}());
