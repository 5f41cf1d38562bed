/* renown page behaviour. No inline scripts and no eval anywhere (the Content-Security-Policy
 * forbids both): data reaches this file through data- attributes and JSON <script> blocks. */
(function () {
  "use strict";

  /* Charts: <div data-vega-spec="id-of-json-block">. Vega runs in its CSP-safe mode: the
   * spec's expressions are interpreted from their syntax tree instead of compiled with eval. */
  function renderCharts(root) {
    if (typeof window.vegaEmbed !== "function" || !window.vega) {
      return;
    }
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      if (el.dataset.rendered) {
        return;
      }
      var block = document.getElementById(el.dataset.vegaSpec);
      if (!block) {
        return;
      }
      el.dataset.rendered = "true";
      var spec = JSON.parse(block.textContent);
      if (!spec.data || !spec.data.values || spec.data.values.length === 0) {
        el.innerHTML = '<p class="chart-fallback">No scoring runs yet.</p>';
        return;
      }
      window
        .vegaEmbed(el, spec, {
          ast: true,
          expr: window.vega.expressionInterpreter,
          actions: false,
          renderer: "svg",
        })
        .then(function () {
          el.dataset.chartReady = "true";
        })
        .catch(function (error) {
          el.innerHTML = '<p class="chart-fallback">The chart could not be drawn.</p>';
          el.dataset.chartError = String(error);
        });
    });
  }

  /* Filters that submit themselves when changed; choosing a department clears the team
   * and the other way round, so the form always asks for one group. */
  function wireAutosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        var form = select.form;
        form.querySelectorAll("select[data-autosubmit]").forEach(function (other) {
          if (other !== select) {
            other.value = "";
          }
        });
        form.requestSubmit();
      });
    });
  }

  /* Filters whose every choice stands alone (a board's order, department, page size):
   * showing the result needs no "Show" press; the button stays for pages without JS. */
  function wireSubmitOnChange(root) {
    root.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () {
        select.form.requestSubmit();
      });
    });
  }

  /* Feedback requests: "Add" buttons of the people picker put a chip with a hidden
   * person_ids input into the form's [data-picked] list (once per person); the chip's
   * button takes it out again. Search results can change without losing the choice. */
  function wirePeoplePicker() {
    document.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var add = target && target.closest("[data-pick-person]");
      /* A searchable picker's match (the "About" picker) is person-picker.js's, which may
       * already have taken it out of the page: ask the path the click took. */
      var inPicker = event.composedPath().some(function (node) {
        return node instanceof Element && node.hasAttribute("data-person-picker");
      });
      if (inPicker) {
        add = null;
      }
      var remove = target && target.closest("[data-unpick]");
      var list = document.querySelector("[data-picked]");
      if (!list || !(add || remove)) {
        return;
      }
      if (remove) {
        remove.closest("li").remove();
        return;
      }
      var id = add.dataset.pickPerson;
      if (list.querySelector('input[name="person_ids"][value="' + CSS.escape(id) + '"]')) {
        return;
      }
      var empty = list.querySelector("[data-picked-empty]");
      if (empty) {
        empty.remove();
      }
      var item = document.createElement("li");
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "person_ids";
      input.value = id;
      item.appendChild(input);
      item.appendChild(document.createTextNode(add.dataset.name + " "));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip-remove";
      button.setAttribute("data-unpick", "");
      button.setAttribute("aria-label", "Remove " + add.dataset.name);
      button.textContent = "×";
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function start() {
    renderCharts(document);
    wireAutosubmit(document);
    wireSubmitOnChange(document);
    wirePeoplePicker();
    document.body.addEventListener("htmx:load", function (event) {
      renderCharts(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
