/* The searchable person picker of the promotion boards (talent_macros.html: person_picker).
 * htmx fetches the matches as the user types; this file turns choosing a match into filling
 * the picker's hidden input (or, for sign-off, adding a ticked row with its reason) instead
 * of following the match's link, and moves through the matches with the arrow keys.
 * A page may choose a person itself (the 9-box: a click on the chart) through
 * window.personPicker.choose; every choice is announced with a "person-picked" event on
 * the picker (detail: id and the element chosen), which the page may act on.
 * Without this file every match is a plain link that reloads the board with the person
 * chosen, and the search box submits a plain GET form. No inline script, no eval (CSP). */
(function () {
  "use strict";

  function matchesOf(picker) {
    return Array.prototype.slice.call(picker.querySelectorAll("[data-pick-person]"));
  }

  function addOutsider(picker, id, text) {
    /* the picker stands outside the sign-off form (its search box belongs to its own GET
     * form); the rows it adds go into the list the picker names, inside the form */
    var list = document.querySelector("[data-" + picker.dataset.pickerAdds + "]");
    var form = list && list.closest("form");
    var template = form && form.querySelector("template[data-outsider-row]");
    if (!list || !template) {
      return false;
    }
    var existing = form.querySelector('input[data-promote="' + CSS.escape(id) + '"]');
    if (existing) {
      existing.checked = true;
      existing.dispatchEvent(new Event("change", { bubbles: true }));
      existing.focus();
      return true;
    }
    var row = template.content.firstElementChild.cloneNode(true);
    var box = row.querySelector("input[data-promote]");
    box.value = id;
    box.id = "promote-" + id;
    box.dataset.promote = id;
    var label = row.querySelector("[data-outsider-name]");
    label.textContent = text;
    label.htmlFor = box.id;
    row.querySelector("[data-override-for]").dataset.overrideFor = id;
    row.querySelector("input[name=override_person]").value = id;
    var reason = row.querySelector("input[name=override_reason]");
    reason.setAttribute("aria-label", "Why " + text + " is promoted");
    list.appendChild(row);
    reason.focus();
    return true;
  }

  /* Choose person `id`, named `text`, in `picker`; `source` is the element chosen. */
  function choose(picker, id, text, source) {
    var chosen = picker.querySelector("[data-picker-chosen]");
    var value = picker.querySelector("[data-picker-value]");
    if (picker.dataset.pickerAdds) {
      addOutsider(picker, id, text);
      if (chosen) {
        chosen.textContent = "Added: " + text + ". Give the reason in the list above.";
      }
    } else if (value) {
      value.value = id;
      if (chosen) {
        chosen.textContent = "";
        var strong = document.createElement("strong");
        strong.textContent = text;
        chosen.append("Chosen: ", strong);
      }
    }
    var results = picker.querySelector("[data-picker-results]");
    if (results) {
      results.textContent = "";
    }
    var clear = picker.querySelector("[data-picker-clear]");
    if (clear) {
      clear.hidden = false;
    }
    if (!picker.dataset.pickerAdds) {
      picker.querySelector("[data-picker-input]").focus();
    }
    picker.dispatchEvent(
      new CustomEvent("person-picked", { bubbles: true, detail: { id: id, source: source } })
    );
  }

  /* Take the choice back (the picker's clear link): nobody chosen, as the page began. */
  function unchoose(picker, clear) {
    var value = picker.querySelector("[data-picker-value]");
    var chosen = picker.querySelector("[data-picker-chosen]");
    if (value) {
      value.value = "";
    }
    if (chosen) {
      chosen.textContent = chosen.dataset.pickerNobody || "";
    }
    clear.hidden = true;
    picker.querySelector("[data-picker-input]").focus();
  }

  function onClick(event) {
    var clear = event.target instanceof Element && event.target.closest("[data-picker-clear]");
    var owner = clear && clear.closest("[data-person-picker]");
    if (owner) {
      event.preventDefault();
      unchoose(owner, clear);
      return;
    }
    var link = event.target instanceof Element && event.target.closest("[data-pick-person]");
    var picker = link && link.closest("[data-person-picker]");
    if (!picker) {
      return;
    }
    event.preventDefault();
    choose(picker, link.dataset.pickPerson, link.dataset.pickText, link);
  }

  function onKeydown(event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) {
      return;
    }
    var picker = target.closest("[data-person-picker]");
    if (!picker || (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Escape")) {
      return;
    }
    var input = picker.querySelector("[data-picker-input]");
    var links = matchesOf(picker);
    var at = links.indexOf(target);
    if (event.key === "Escape") {
      if (at >= 0) {
        input.focus();
        event.preventDefault();
      }
      return;
    }
    if (!links.length) {
      return;
    }
    event.preventDefault();
    var step = event.key === "ArrowDown" ? 1 : -1;
    if (target === input) {
      links[step > 0 ? 0 : links.length - 1].focus();
    } else if (at + step < 0) {
      input.focus();
    } else {
      links[Math.min(at + step, links.length - 1)].focus();
    }
  }

  /* With JavaScript the search box answers in place: its GET form (the no-JS path) would
   * reload the page, so a submit asks htmx for the matches instead. */
  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-picker-search") || !window.htmx) {
      return;
    }
    var input = document.querySelector('[data-picker-input][form="' + CSS.escape(form.id) + '"]');
    if (input) {
      event.preventDefault();
      window.htmx.trigger(input, "search");
    }
  }

  window.personPicker = { choose: choose };
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("submit", onSubmit);
})();
