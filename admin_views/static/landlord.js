/* The landlord of a work address: searched for among the customers (the view's lookup), or
   added in place in the entry modal ("entry:chosen"), or one of the likely duplicates the
   modal offers ("Use this landlord"). */
(function () {
  "use strict";
  var id = document.querySelector("[data-landlord-id]");
  var search = document.querySelector("[data-landlord-search]");
  if (!id || !search) return;
  var chosen = document.querySelector("[data-landlord-chosen]");
  var results = document.querySelector("[data-landlord-results]");
  var timer = null;

  function choose(value, name) {
    id.value = value || "";
    chosen.querySelector("[data-landlord-name]").textContent = name || "";
    chosen.hidden = !value;
    search.classList.remove("is-invalid");
    search.value = "";
    results.textContent = "";
  }
  function list(rows) {
    results.textContent = "";
    rows.forEach(function (row) {
      var item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action";
      item.textContent = row[1];
      item.addEventListener("click", function () { choose(row[0], row[1]); });
      results.appendChild(item);
    });
  }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    var query = search.value.trim();
    if (!query) { list([]); return; }
    timer = setTimeout(function () {
      fetch(search.dataset.landlordSearch + "&query=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(list);
    }, 250);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // a search, not a save
    if (event.key === "Escape") list([]);
  });
  document.querySelector("[data-landlord-clear]").addEventListener("click", function () { choose(null, null); });
  document.addEventListener("entry:chosen", function (event) {
    if (event.detail && event.detail.landlord) choose(event.detail.landlord.id, event.detail.landlord.label);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-landlord-results], [data-landlord-search]")) list([]);
    var use = event.target.closest("[data-use-landlord]");
    if (!use) return;
    choose(use.dataset.useLandlord, use.dataset.label);
    window.jQuery("#entry-modal").modal("hide");
  });
})();
