/* A print button ([data-print]) on the intake acknowledgment and the record sheet: no inline script, so the CSP can forbid it. */
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) { window.print(); }
});
