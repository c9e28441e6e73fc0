/* Entry forms in a modal: a link marked data-entry-modal opens its page's form in
   #entry-modal; the form posts in place. A refusal comes back as the form with its messages;
   a save as JSON: a page to go to, or a record chosen for the page underneath (the
   "entry:chosen" event, e.g. a new landlord for the work address being typed). */
(function () {
  "use strict";
  var modal = document.getElementById("entry-modal");
  if (!modal) return;
  var dialog = modal.querySelector(".modal-dialog");
  var headers = { "X-Entry-Modal": "1" };

  function show(html) {
    dialog.innerHTML = html;
    window.jQuery(modal).modal("show");
    var first = dialog.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  }
  function go(target) {
    var url = new URL(target, window.location.href);
    if (url.pathname + url.search === window.location.pathname + window.location.search) {
      window.location.hash = url.hash;
      window.location.reload();
    } else {
      window.location.assign(url.href);
    }
  }
  function answered(response) {
    if ((response.headers.get("Content-Type") || "").indexOf("json") >= 0) {
      return response.json().then(function (data) {
        if (data.redirect) { go(data.redirect); return; }
        window.jQuery(modal).modal("hide");
        document.dispatchEvent(new CustomEvent("entry:chosen", { detail: data }));
      });
    }
    return response.text().then(show);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-entry-modal]");
    if (!link) return;
    event.preventDefault();
    fetch(link.href, { headers: headers, credentials: "same-origin" }).then(answered);
  });
  modal.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var body = new FormData(form, event.submitter);
    fetch(form.action, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(answered);
  });
})();
