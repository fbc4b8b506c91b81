// Tab switching for the demo EPR (no framework, no page load).
document.querySelectorAll('[role=tab]').forEach(function (btn) {
  btn.addEventListener('click', function () {
    document.querySelectorAll('[role=tab]').forEach(function (b) { b.setAttribute('aria-selected', String(b === btn)); });
    document.querySelectorAll('[role=tabpanel]').forEach(function (p) { p.hidden = p.id !== btn.getAttribute('aria-controls'); });
  });
});
