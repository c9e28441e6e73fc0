/* The customer record page: deep-linked tabs loaded when opened, mini-map, typed delete, side-panel editor. */
$(function () {
  // Tabs other than the first load when first opened, with the page's own query string
  // (pages, page sizes, filters): the page costs one tab, not ten.
  function loadTab(pane) {
    var source = pane.data('src');
    if (!source || pane.data('requested')) { return; }
    pane.data('requested', true);
    $.get(source + window.location.search)
      .done(function (html) { pane.html(html); })
      .fail(function () {
        pane.data('requested', false);
        pane.find('[data-loading]').text('This tab could not be loaded: open it again, or reload the page.');
      });
  }
  $('.record-tabs a[data-toggle="tab"]').on('show.bs.tab', function (event) {
    loadTab($(event.target.hash));
  });

  // Tabs: #contacts opens the Contacts tab; switching tabs updates the address.
  function showTabFromHash() {
    $('.record-tabs a[href="' + window.location.hash + '"]').tab('show');
  }
  showTabFromHash();
  $(window).on('hashchange', showTabFromHash);  // in-page links, back and forward
  $('.record-tabs a[data-toggle="tab"]').on('shown.bs.tab', function (event) {
    history.replaceState(null, '', event.target.hash);
  });

  // Mini-map: Leaflet from Flask-Admin's static files. If the tiles cannot load (no
  // internet, a blocked server), the map goes and the address with its map link stays; the
  // browser remembers for the session, so no later page asks for tiles again.
  var NO_TILES = 'customer-record:no-map-tiles';
  $('.mini-map').each(function () {
    var box = this;
    if (window.sessionStorage.getItem(NO_TILES)) { box.remove(); return; }
    var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
    var map = L.map(box, { zoomControl: false, attributionControl: false }).setView([lat, lon], 15);
    L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).once('tileerror', function () {
      window.sessionStorage.setItem(NO_TILES, '1');
      map.remove();
      box.remove();
    }).addTo(map);
    L.marker([lat, lon], { title: box.dataset.label }).addTo(map);
  });

  // Delete with typed confirmation: one modal, filled from the button that opened it.
  $('#confirm-delete').on('show.bs.modal', function (event) {
    var button = $(event.relatedTarget);
    $(this).find('form').attr('action', button.data('action'));
    $(this).find('[data-fill="label"]').text(button.data('label'));
    $(this).find('input[name="confirm"]').val('');
  }).on('shown.bs.modal', function () {
    $(this).find('input[name="confirm"]').trigger('focus');
  });

  // Side-panel editor: move blocks up and down; unticked blocks are posted as hidden.
  $('[data-sortable]').on('click', '[data-move]', function () {
    var item = $(this).closest('li');
    if (this.dataset.move === 'up') { item.prev('li').has('[name="order"]').before(item); }
    else { item.next('li').after(item); }
  }).on('change', '[data-show]', function () {
    $(this).closest('li').find('input[name="hidden"]').prop('disabled', this.checked);
  });
});
