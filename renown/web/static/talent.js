/* Promotion-board page behaviour (loaded only by the talent templates). No inline scripts
 * and no eval (the Content-Security-Policy forbids both); every element is found through
 * data- attributes, and everything works without this file (the server checks again). */
(function () {
  "use strict";

  /* External prominence: as soon as an external criterion's weight is above 0, show the
   * legal warning of that form and make its "I understand" box required. */
  function externalWeighted(form) {
    var weighted = false;
    form.querySelectorAll("input[data-weight-input][data-external]").forEach(function (input) {
      if (parseFloat(input.value) > 0) {
        weighted = true;
      }
    });
    return weighted;
  }

  function syncExternalWarning(form) {
    var warning = form.querySelector("[data-external-warning]");
    if (!warning) {
      return;
    }
    var weighted = externalWeighted(form);
    warning.hidden = !weighted;
    var ack = warning.querySelector("[data-external-ack]");
    if (ack) {
      ack.required = weighted;
    }
  }

  /* Sign-off: a box that differs from the recommendation reveals (and requires) its
   * override reason; a box put back hides and disables it, so it is not sent. */
  function syncOverride(box) {
    var form = box.form;
    var field = form && form.querySelector('[data-override-for="' + CSS.escape(box.dataset.promote) + '"]');
    if (!field) {
      return;
    }
    var differs = box.checked !== (box.dataset.recommended === "true");
    field.hidden = !differs;
    field.querySelectorAll("input").forEach(function (input) {
      input.disabled = !differs;
      if (input.type === "text") {
        input.required = differs;
      }
    });
  }

  function syncSlider(slider) {
    var output = slider.form && slider.form.querySelector("[data-weight-output]");
    if (output) {
      output.textContent = String(Math.round(parseFloat(slider.value) * 100) / 100);
    }
  }

  function onChange(event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) {
      return;
    }
    if (target.hasAttribute("data-weight-input") && target.form) {
      syncExternalWarning(target.form);
    } else if (target.hasAttribute("data-promote")) {
      syncOverride(target);
    } else if (target.hasAttribute("data-weight-slider")) {
      syncSlider(target);
    }
  }

  function start() {
    document.querySelectorAll("[data-external-warning]").forEach(function (warning) {
      var form = warning.closest("form");
      if (form) {
        syncExternalWarning(form);
      }
    });
    document.querySelectorAll("input[data-promote]").forEach(syncOverride);
    document.addEventListener("input", onChange);
    document.addEventListener("change", onChange);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
