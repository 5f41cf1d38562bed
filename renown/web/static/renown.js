/* renown page behaviour. No inline scripts and no eval anywhere (the Content-Security-Policy
 * forbids both): data reaches this file through data- attributes and JSON <script> blocks. */
(function () {
  "use strict";

  /* Sequential palette (viridis stops), the same as --seq-1..5 in renown.css. */
  var PALETTE = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  /* Colour of a score 1..100 on the sequential palette. */
  function scoreColour(score) {
    var t = Math.max(0, Math.min(1, (score - 1) / 99)) * (PALETTE.length - 1);
    var i = Math.min(PALETTE.length - 2, Math.floor(t));
    var f = t - i;
    var a = hexToRgb(PALETTE[i]);
    var b = hexToRgb(PALETTE[i + 1]);
    var mix = a.map(function (v, k) { return Math.round(v + (b[k] - v) * f); });
    return "rgb(" + mix.join(",") + ")";
  }

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

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function profileLink(node) {
    var a = document.createElement("a");
    a.href = "/people/" + encodeURIComponent(node.id);
    a.textContent = node.name;
    return a;
  }

  function fillNodeTable(body, data, degree) {
    body.textContent = "";
    data.nodes.forEach(function (node) {
      var row = document.createElement("tr");
      var who = document.createElement("td");
      who.appendChild(profileLink(node));
      row.appendChild(who);
      row.appendChild(text("td", node.team || "—"));
      row.appendChild(text("td", String(node.score), "num"));
      row.appendChild(text("td", String(degree[node.id] || 0), "num"));
      body.appendChild(row);
    });
  }

  /* Network map: <div id="network-map" data-source="/api/v1/network?...">. */
  function drawNetwork(el) {
    var status = el.querySelector("[data-status]");
    var selection = document.querySelector("[data-selection]");
    var table = document.querySelector("[data-node-table]");
    function say(message) {
      if (status) {
        status.textContent = message;
        status.hidden = !message;
      }
    }
    if (typeof window.cytoscape !== "function") {
      say("The map library did not load.");
      return;
    }
    fetch(el.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error("the server answered " + answer.status);
        }
        return answer.json();
      })
      .then(function (data) {
        el.dataset.nodes = String(data.nodes.length);
        el.dataset.edges = String(data.edges.length);
        if (!data.nodes.length) {
          say("Nobody to show here: no one you may see in this group has been scored.");
          el.dataset.ready = "true";
          return;
        }
        say("");
        var degree = {};
        data.edges.forEach(function (e) {
          degree[e.source] = (degree[e.source] || 0) + 1;
          degree[e.target] = (degree[e.target] || 0) + 1;
        });
        if (table) {
          fillNodeTable(table, data, degree);
        }
        var labelled = data.nodes.length <= 60 ? 101 : data.nodes.slice().sort(function (a, b) {
          return b.score - a.score;
        })[Math.min(24, data.nodes.length - 1)].score;
        var elements = data.nodes.map(function (n) {
          return {
            data: {
              id: "p" + n.id,
              person: n.id,
              name: n.name,
              team: n.team || "",
              score: n.score,
              colour: scoreColour(n.score),
              size: 14 + 0.36 * n.score,
              label: data.nodes.length <= 60 || n.score >= labelled ? n.name : "",
            },
          };
        }).concat(data.edges.map(function (e, i) {
          return {
            data: {
              id: "e" + i,
              source: "p" + e.source,
              target: "p" + e.target,
              width: 0.8 + 8 * e.weight,
            },
          };
        }));
        var cy = window.cytoscape({
          container: el,
          elements: elements,
          minZoom: 0.2,
          maxZoom: 3,
          style: [
            {
              selector: "node",
              style: {
                "background-color": "data(colour)",
                width: "data(size)",
                height: "data(size)",
                "border-width": 1.5,
                "border-color": "#ffffff",
                label: "data(label)",
                "font-size": 10,
                "font-family": "system-ui, sans-serif",
                color: "#1b2330",
                "text-valign": "bottom",
                "text-margin-y": 3,
                "text-outline-color": "#ffffff",
                "text-outline-width": 2,
              },
            },
            {
              selector: "edge",
              style: {
                width: "data(width)",
                "line-color": "#9aa7b8",
                "target-arrow-color": "#9aa7b8",
                "target-arrow-shape": "triangle",
                "arrow-scale": 0.7,
                "curve-style": "bezier",
                opacity: 0.55,
              },
            },
            {
              selector: "node.hover",
              style: { label: "data(name)", "border-color": "#f4b400", "border-width": 3, "z-index": 10 },
            },
            { selector: "edge.hover", style: { "line-color": "#2f54c8", "target-arrow-color": "#2f54c8", opacity: 1 } },
          ],
          layout: {
            name: "cose",
            animate: false,
            randomize: false,
            nodeRepulsion: function () { return 20000; },
            idealEdgeLength: function () { return 90; },
            nodeOverlap: 40,
            numIter: 2500,
            padding: 30,
          },
        });
        cy.on("mouseover", "node", function (event) {
          var node = event.target;
          node.addClass("hover");
          node.connectedEdges().addClass("hover");
          el.style.cursor = "pointer";
          if (selection) {
            selection.textContent = node.data("name") + " · " + (node.data("team") || "no team") +
              " · score " + node.data("score");
          }
        });
        cy.on("mouseout", "node", function (event) {
          event.target.removeClass("hover");
          event.target.connectedEdges().removeClass("hover");
          el.style.cursor = "";
        });
        cy.on("tap", "node", function (event) {
          window.location.assign("/people/" + encodeURIComponent(event.target.data("person")));
        });
        el.dataset.ready = "true";
      })
      .catch(function (error) {
        say("The map could not be loaded (" + error.message + ").");
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

  /* Feedback requests: "Add" buttons of the people picker put a chip with a hidden
   * person_ids input into the form's [data-picked] list (once per person); the chip's
   * button takes it out again. Search results can change without losing the choice. */
  function wirePeoplePicker() {
    document.addEventListener("click", function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var add = target && target.closest("[data-pick-person]");
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
    wirePeoplePicker();
    var map = document.getElementById("network-map");
    if (map) {
      drawNetwork(map);
    }
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
