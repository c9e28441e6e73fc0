/* The entry forms (customer, contact, work address): phone rows added and removed, the
   communication preferences ticked as their channel is filled in (seed 004), and likely
   duplicates shown while typing, from /admin/customer/duplicates/. */
(function () {
  "use strict";

  // Phone rows: "Add another number" copies the last row, blank, renumbered.
  function renumber(list) {
    list.querySelectorAll("[data-phone-row]").forEach(function (row, index) {
      row.querySelectorAll("select, input").forEach(function (input) {
        input.name = input.name.replace(/-\d+-(\w+)$/, "-" + index + "-$1");
        input.id = input.name;
      });
      row.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/-\d+-(\w+)$/, "-" + index + "-$1");
      });
    });
  }
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-phone]");
    var remove = event.target.closest("[data-remove-phone]");
    if (add) {
      var list = add.closest("[data-phones]");
      var rows = list.querySelectorAll("[data-phone-row]");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      copy.querySelectorAll(".invalid-feedback").forEach(function (e) { e.remove(); });
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; input.classList.remove("is-invalid"); });
      last.after(copy);
      renumber(list);
      copy.querySelector("input").focus();
    } else if (remove) {
      var phones = remove.closest("[data-phones]");
      var row = remove.closest("[data-phone-row]");
      if (phones.querySelectorAll("[data-phone-row]").length > 1) { row.remove(); renumber(phones); }
      else { row.querySelector("input").value = ""; }
      changed(phones.closest("form[data-duplicates]"));
    }
  });

  // Preferences: ticked when their channel goes from blank to filled, unless the user has
  // ticked or unticked it themselves.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-preference]") && event.isTrusted) event.target.dataset.touched = "1";
  });
  function tick(scope, name) {
    var box = scope.querySelector("[data-preference='" + name + "']");
    if (box && !box.dataset.touched) box.checked = true;
  }
  function scopeOf(input) { return input.closest("fieldset.border-top") || input.form; }
  document.addEventListener("input", function (event) {
    var input = event.target;
    var filled = input.value.trim() !== "";
    var was = input.dataset.was === "1";
    input.dataset.was = filled ? "1" : "0";
    if (!filled || was) return;
    if (input.dataset.ticks) tick(scopeOf(input), input.dataset.ticks);
    if (input.dataset.typed === "phone") {
      var scope = scopeOf(input);
      tick(scope, "comm_phone");
      var kind = input.closest("[data-phone-row]").querySelector("select");
      if (kind && kind.value === "mobile") tick(scope, "comm_sms");
    }
  });

  // Likely duplicates while typing: each form marked data-duplicates asks its lookup and
  // shows the answer in its own [data-duplicates-box].
  function params(form) {
    var query = new URLSearchParams();
    form.querySelectorAll("[data-typed]").forEach(function (input) {
      var value = input.value.trim();
      if (!value) return;
      var name = input.dataset.typed;
      if (name === "phone") query.append("phone", value);
      else if (!query.has(name)) query.set(name, value);
    });
    return query;
  }
  function show(box, matches, use) {
    box.textContent = "";
    if (!matches.length) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-warning";
    var heading = document.createElement("h2");
    heading.className = "h6";
    heading.textContent = matches.length === 1 ? "An existing customer matches what you typed" : matches.length + " existing customers match what you typed";
    alert.appendChild(heading);
    var list = document.createElement("ul");
    list.className = "mb-0";
    matches.forEach(function (match) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = match.url;
      link.textContent = "Open " + match.account_number;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" " + match.name + (match.address ? ", " + match.address : "") + " "));
      var why = document.createElement("small");
      why.className = "text-muted";
      why.textContent = "(" + match.reasons.join(", ") + ")";
      item.appendChild(why);
      if (use) {  // picking a record for another form: take this one instead (landlord.js)
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary ml-1";
        button.dataset.useLandlord = match.id;
        button.dataset.label = match.name + " (" + match.account_number + ")";
        button.textContent = use;
        item.appendChild(button);
      }
      list.appendChild(item);
    });
    alert.appendChild(list);
    box.appendChild(alert);
  }
  function changed(form) {
    var box = form && form.querySelector("[data-duplicates-box]");
    if (!box) return;
    clearTimeout(form.duplicatesTimer);
    form.duplicatesTimer = setTimeout(function () {
      var query = params(form);
      if (!Array.from(query.keys()).length) { show(box, []); return; }
      if (form.dataset.exclude) query.set("exclude", form.dataset.exclude);
      fetch(form.dataset.duplicates + "?" + query.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (matches) { show(box, matches, form.dataset.duplicatesUse); })
        .catch(function () { /* the check on saving still runs */ });
    }, 300);
  }
  function typed(event) {
    if (event.target.matches("[data-typed]")) changed(event.target.closest("form[data-duplicates]"));
  }
  document.addEventListener("input", typed);
  document.addEventListener("change", typed);
  // What was typed before this script ran (a quick typist, the browser's autofill) counts
  // too; a refused save already shows its own question.
  document.querySelectorAll("form[data-duplicates]").forEach(function (form) {
    if (!form.querySelector("[data-duplicates-confirm]")) changed(form);
  });
})();
