/* Every panel page: what inline handlers (onclick=…) did, which the Content-Security-Policy refuses. */
(function ($) {
  // Amounts written live by a page's script (totals, allocations), in the house's currency
  // and locale as the server writes them (<meta name="house-format">).
  var house = document.querySelector('meta[name="house-format"]');
  var amounts = new Intl.NumberFormat(house ? house.dataset.locale : 'en-GB',
    { style: 'currency', currency: house ? house.dataset.currency : 'GBP' });
  window.houseMoney = function (pence) { return amounts.format(pence / 100); };

  // Flask-Admin's "javascript:void(0)" links (menus, the current tab and page): the policy
  // refuses running the URL, and there is nothing to run. Caught on the way down, as the
  // menus' own handlers stop the click from bubbling.
  document.addEventListener('click', function (event) {
    if (event.target.closest('a[href^="javascript:"]')) { event.preventDefault(); }
  }, true);

  // Forms with data-confirm="…" ask before they post (a delete, an issue, a removed allocation).
  $(document).on('submit', 'form[data-confirm]', function () {
    return window.confirm(this.dataset.confirm);
  });

  // A list's "With selected" actions (admin/actions.html).
  $(document).on('click', '[data-list-action]', function (event) {
    event.preventDefault();
    window.modelActions.execute(this.dataset.listAction);
  });

  // A form's "Add …" button for inline rows, such as phone numbers (admin/model/inline_list_base.html).
  $(document).on('click', '[data-add-inline]', function (event) {
    event.preventDefault();
    window.faForm.addInlineField(this, this.dataset.addInline);
  });

  // Read-only text to copy, such as a new portal link: selected when focused.
  $(document).on('focus', '[data-select-on-focus]', function () { this.select(); });

  // A checkbox that applies itself, such as the works tab's "Show parent property only".
  $(document).on('change', '[data-submit-on-change]', function () { this.form.submit(); });
})(jQuery);
