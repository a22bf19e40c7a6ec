// Tell the server the browser's time zone, so dates are shown in the customer's own time.
document.addEventListener("DOMContentLoaded", function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll('input[name="time_zone"]').forEach(function (input) {
    if (!input.value) { input.value = zone; }
  });
});
