// Tell the server the browser's time zone at submission (kept with the access record;
// pages show the institution's time, which the time limits are counted in).
document.addEventListener("DOMContentLoaded", function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll('input[name="time_zone"]').forEach(function (input) {
    if (!input.value) { input.value = zone; }
  });
});
