/* Behaviour of the 9-box and calibration pages. No inline scripts and no eval (the
 * Content-Security-Policy forbids both): the chart spec arrives in a data- attribute and
 * the wiring reads data- attributes. While a session is open the page polls (htmx) and the
 * grid and the table are swapped in out of band when someone moved a person: htmx:load
 * draws the new chart. Everything here is an enhancement; the forms post
 * without it. */
(function () {
  "use strict";

  /* Choose a person in the move form's picker (a click on a chart point or on a name in the
   * table). Their entry in the table names them and carries their current cell. */
  function entryOf(personId) {
    return document.querySelector('[data-select-person="' + CSS.escape(String(personId)) + '"]');
  }

  function selectPerson(personId) {
    var entry = entryOf(personId);
    var picker = document.querySelector("#move-picker[data-person-picker]");
    if (!entry || !picker || !window.personPicker) {
      return;
    }
    window.personPicker.choose(picker, String(personId), entry.dataset.pickText, entry);
    picker.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  /* Once a person is chosen (in the picker's matches, the chart or the table), preset the
   * levels to their current cell, so the reviewer changes only what they mean to change,
   * and note that cell as the one the mover saw (the server refuses the move if someone
   * moved the person meanwhile). The cell comes from what was chosen: a match carries the
   * cell as the server knew it when it answered the search, and the table's entries are
   * redrawn whenever the room moves someone; a chart point goes through its table entry. */
  function presetLevels(picker, personId, source) {
    var cell = source instanceof Element && source.dataset.performance ? source : entryOf(personId);
    var form = picker.closest("form");
    if (!form) {
      return;
    }
    var fields = {
      performance: form.querySelector('select[name="performance"]'),
      potential: form.querySelector('select[name="potential"]'),
      seenPerformance: form.querySelector("[data-seen-performance]"),
      seenPotential: form.querySelector("[data-seen-potential]"),
    };
    var performance = cell ? cell.dataset.performance || "" : "";
    var potential = cell ? cell.dataset.potential || "" : "";
    if (fields.performance && performance) {
      fields.performance.value = performance;
    }
    if (fields.potential && potential) {
      fields.potential.value = potential;
    }
    /* a cell not known here is not claimed: the server then checks nothing */
    if (fields.seenPerformance && fields.seenPotential) {
      fields.seenPerformance.value = performance && potential ? performance : "";
      fields.seenPotential.value = performance && potential ? potential : "";
    }
  }

  /* The 9-box: <div data-ninebox-spec="{...spec...}">. The spec is an attribute rather than
   * a JSON <script> block because htmx drops script elements from swapped content. A click
   * on a point chooses the person (datum.person_id) in the move form. */
  function renderNinebox(root) {
    if (typeof window.vegaEmbed !== "function" || !window.vega) {
      return;
    }
    root.querySelectorAll("[data-ninebox-spec]").forEach(function (el) {
      if (el.dataset.rendered) {
        return;
      }
      el.dataset.rendered = "true";
      var spec = JSON.parse(el.dataset.nineboxSpec);
      window
        .vegaEmbed(el, spec, {
          ast: true,
          expr: window.vega.expressionInterpreter,
          actions: false,
          renderer: "svg",
        })
        .then(function (result) {
          result.view.addEventListener("click", function (event, item) {
            if (item && item.datum && item.datum.person_id !== undefined) {
              selectPerson(item.datum.person_id);
            }
          });
          el.dataset.chartReady = "true";
        })
        .catch(function (error) {
          el.textContent = "";
          var note = document.createElement("p");
          note.className = "chart-fallback";
          note.textContent = "The chart could not be drawn; the table below lists the same people.";
          el.appendChild(note);
          el.dataset.chartError = String(error);
        });
    });
  }

  function wireClicks() {
    document.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var button = target && target.closest("[data-select-person]");
      if (button) {
        selectPerson(button.dataset.selectPerson);
      }
    });
    document.addEventListener("person-picked", function (event) {
      var picker = event.target;
      if (picker instanceof Element && picker.id === "move-picker") {
        presetLevels(picker, event.detail.id, event.detail.source);
      }
    });
  }

  /* A refused move answers 422 with the form and the reason; htmx leaves error answers
   * unswapped unless told, so let this one through for the calibration workspace only. */
  function wireRefusals() {
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var detail = event.detail;
      if (detail.xhr && detail.xhr.status === 422 && detail.target &&
          detail.target.id === "ninebox-workspace") {
        detail.shouldSwap = true;
        detail.isError = false;
      }
    });
  }

  function start() {
    renderNinebox(document);
    wireClicks();
    wireRefusals();
    document.body.addEventListener("htmx:load", function (event) {
      renderNinebox(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
