/* The complaint page and its action forms: put the person where the problem is.
   - A page or a form that comes back with errors scrolls to the first one and focuses
     its field (the evidence upload is far down the side column; a long form's first
     error may be above the fold).
   - A form opened in place (htmx) is scrolled into view with its first field focused.
   - A file that is too big or of a type the policy does not accept is refused at the
     upload, before it is sent, with the same words the server would use (the
     server checks again). No inline script: the CSP forbids it. */
(function () {
  "use strict";

  var ERROR = "[aria-invalid='true'], .has-error, .act-refusal, .act-warning, .errorlist";

  function fieldOf(el) {
    if (el.matches("input, select, textarea")) return el;
    var box = el.closest(".act-field, .act-remedy-field, form") || el;
    return box.querySelector("input:not([type=hidden]), select, textarea");
  }

  function showFirstError(root) {
    var first = (root || document).querySelector(ERROR);
    if (!first) return false;
    first.scrollIntoView({ block: "center" });
    var field = fieldOf(first);
    if (field) field.focus({ preventScroll: true });
    return true;
  }

  function showForm(target) {
    if (showFirstError(target)) return;
    var heading = target.querySelector("h2");
    (heading || target).scrollIntoView({ block: "start" });
    var field = target.querySelector("form input:not([type=hidden]), form select, form textarea");
    if (field) field.focus({ preventScroll: true });
  }

  function checkUpload(input) {
    var box = input.closest("form");
    var old = box.querySelector(".upload-refused");
    if (old) old.remove();
    input.removeAttribute("aria-invalid");
    var file = input.files && input.files[0];
    if (!file) return true;
    var max = parseInt(input.dataset.maxBytes || "0", 10);
    var accepted = (input.getAttribute("accept") || "").split(",").map(function (t) { return t.trim().toLowerCase(); })
      .filter(Boolean);
    var name = file.name.toLowerCase();
    var typeOk = !accepted.length || accepted.some(function (t) {
      if (t.charAt(0) === ".") return name.slice(-t.length) === t;
      if (t.slice(-2) === "/*") return (file.type || "").indexOf(t.slice(0, -1)) === 0;
      return (file.type || "").toLowerCase() === t;
    });
    var message = "";
    if (!typeOk) message = input.dataset.typeMessage.replace("%(name)s", file.name);
    else if (max && file.size > max) message = input.dataset.sizeMessage.replace("%(name)s", file.name);
    if (!message) return true;
    var list = document.createElement("ul");
    list.className = "errorlist upload-refused";
    list.id = input.id + "-refused";
    list.setAttribute("role", "alert");
    var item = document.createElement("li");
    item.textContent = message;
    list.appendChild(item);
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", list.id);
    return false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    showFirstError(document.getElementById("main"));
    document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      input.addEventListener("change", function () { checkUpload(input); });
      input.form.addEventListener("submit", function (event) {
        if (!checkUpload(input)) { event.preventDefault(); input.focus(); }
      });
    });
  });

  // htmx events bubble up to the document; a swapped-in form or its errors get the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // An outerHTML swap replaced the target: find its successor by id.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (target && target.querySelector && target.querySelector("form, .act-refusal")) showForm(target);
  });
})();
