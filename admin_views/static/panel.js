/* Every panel page: what inline handlers (onclick=…) did, which the Content-Security-Policy refuses. */
(function ($) {
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
