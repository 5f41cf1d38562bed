/* The main menu's disclosure (issue 17). The menu is a <details> element, so it opens and
 * closes without this file; this file only keeps it open on wide screens, where the
 * button is hidden, closes it on narrow ones when the page loads, and mirrors its state in
 * the button's aria-expanded for assistive technology. */
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 721px)");

  function mirror(menu) {
    var button = menu.querySelector("summary");
    if (button) {
      button.setAttribute("aria-expanded", menu.open ? "true" : "false");
    }
  }

  function fit(menu) {
    menu.open = WIDE.matches;
    mirror(menu);
  }

  document.querySelectorAll("[data-nav-menu]").forEach(function (menu) {
    fit(menu);
    menu.addEventListener("toggle", function () { mirror(menu); });
    WIDE.addEventListener("change", function () { fit(menu); });
  });
})();
