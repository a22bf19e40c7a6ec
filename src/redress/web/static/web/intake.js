/* Intake screen: the print button of the acknowledgment (no inline script). */
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) { window.print(); }
});
