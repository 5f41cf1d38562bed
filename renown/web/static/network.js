/* The network map (network.html): draws the people of /api/v1/network with the vendored
 * cytoscape at the places the server computed (one disc per department, best score at its
 * centre), so nothing is laid out in the browser and 3,000 people draw without freezing.
 *
 * Readability rules: the colour scale runs from the lowest to the highest score drawn; only
 * the LABELS highest scores in view are named, skipping any whose name would overlap one
 * already named, at a constant size on screen (recomputed when the view zooms or pans);
 * a tooltip follows the cursor, and the legend's list of the highest scores shows the same
 * tooltip on keyboard focus. The table under the map lists everyone drawn.
 * No inline scripts and no eval: the page's Content-Security-Policy forbids both. */
(function () {
  "use strict";

  var PALETTE = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"];
  var LABELS = 15;
  var LABEL_PX = 11;
  var LABEL_GAP = 5;
  var DEPARTMENT_PX = 13;
  var LARGE = 600;
  var ZOOM_STEP = 1.5;

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  /* Colour of a score on the sequential palette, stretched over low..high. */
  function scoreColour(score, low, high) {
    var share = high > low ? (score - low) / (high - low) : 1;
    var t = Math.max(0, Math.min(1, share)) * (PALETTE.length - 1);
    var i = Math.min(PALETTE.length - 2, Math.floor(t));
    var f = t - i;
    var a = hexToRgb(PALETTE[i]);
    var b = hexToRgb(PALETTE[i + 1]);
    var mix = a.map(function (v, k) { return Math.round(v + (b[k] - v) * f); });
    return "rgb(" + mix.join(",") + ")";
  }

  function nodeSize(score, low, high) {
    var share = high > low ? (score - low) / (high - low) : 1;
    return 10 + 14 * share;
  }

  function cell(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function grouped(number) {
    return Number(number).toLocaleString("en-GB");
  }

  /* The text alternative: everyone drawn, best score first, each a link to the profile. */
  function fillTable(body, nodes, degree, onFocus, onBlur) {
    var rows = document.createDocumentFragment();
    nodes.forEach(function (node) {
      var row = document.createElement("tr");
      var who = document.createElement("th");
      who.scope = "row";
      var link = cell("a", node.name);
      link.href = "/people/" + encodeURIComponent(node.id);
      link.addEventListener("focus", function () { onFocus(node.id); });
      link.addEventListener("blur", function () { onBlur(node.id); });
      who.appendChild(link);
      row.appendChild(who);
      /* data-label: on a phone the rows are cards whose cells name their column. */
      [["Title", node.title || "—"], ["Team", node.team || "—"], ["Department", node.department],
        ["Score", String(node.score), "num"], ["Connections", String(degree[node.id] || 0), "num"]]
        .forEach(function (column) {
          var td = cell("td", column[1], column[2]);
          td.dataset.label = column[0];
          row.appendChild(td);
        });
      rows.appendChild(row);
    });
    body.textContent = "";
    body.appendChild(rows);
  }

  function fillLegend(data) {
    var low = document.querySelector("[data-score-low]");
    var mid = document.querySelector("[data-score-mid]");
    var high = document.querySelector("[data-score-high]");
    var range = document.querySelector("[data-score-range]");
    if (data.scores && low && mid && high) {
      low.textContent = String(data.scores.low);
      mid.textContent = String(Math.round((data.scores.low + data.scores.high) / 2));
      high.textContent = String(data.scores.high);
      if (range) {
        range.textContent = "Scores " + data.scores.low + " to " + data.scores.high +
          " of the people drawn: darker and smaller is lower, yellow and larger is higher.";
      }
    }
    var list = document.querySelector("[data-departments]");
    if (list) {
      list.textContent = "";
      data.departments.forEach(function (d) {
        var item = cell("li", "");
        item.appendChild(cell("span", d.name));
        item.appendChild(cell("span", grouped(d.people), "count"));
        list.appendChild(item);
      });
    }
    var count = document.querySelector("[data-map-count]");
    if (count) {
      var people = data.nodes.length === 1 ? "1 person" : grouped(data.nodes.length) + " people";
      var departments = data.departments.length === 1 ? "1 department" :
        grouped(data.departments.length) + " departments";
      count.textContent = "Showing " + people + " in " + departments +
        (data.nodes.length >= data.limit ? ", the highest scores only." : ".");
    }
  }

  /* Width of a name at the label font, measured once per name. */
  var measureContext = null;
  var widths = {};
  function textWidth(name) {
    if (!(name in widths)) {
      if (!measureContext) {
        measureContext = document.createElement("canvas").getContext("2d");
        measureContext.font = LABEL_PX + "px system-ui, sans-serif";
      }
      widths[name] = measureContext.measureText(name).width;
    }
    return widths[name];
  }

  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  function draw(el, data) {
    var low = data.scores.low;
    var high = data.scores.high;
    var large = data.nodes.length > LARGE;
    /* Departments are plain background discs, not compound parents: cytoscape recomputes
     * a parent's bounds from all its children on every frame, which froze the page for
     * seconds with 3,000 people. */
    var elements = data.departments.map(function (d) {
      return {
        group: "nodes",
        classes: "department",
        data: {
          id: "d" + (d.id === null ? "none" : d.id),
          name: d.name,
          size: 2 * d.radius + 24,
          fontSize: DEPARTMENT_PX,
        },
        position: { x: d.x, y: d.y },
        selectable: false,
      };
    });
    data.nodes.forEach(function (n) {
      elements.push({
        group: "nodes",
        data: {
          id: "p" + n.id,
          person: n.id,
          name: n.name,
          colour: scoreColour(n.score, low, high),
          size: nodeSize(n.score, low, high),
          fontSize: LABEL_PX,
        },
        classes: "person",
        position: { x: n.x, y: n.y },
      });
    });
    data.edges.forEach(function (e, i) {
      elements.push({
        group: "edges",
        data: { id: "e" + i, source: "p" + e.source, target: "p" + e.target, width: 0.6 + 5 * e.weight },
      });
    });
    var cy = window.cytoscape({
      container: el,
      elements: elements,
      layout: { name: "preset", padding: 30 },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      hideEdgesOnViewport: large,
      textureOnViewport: large,
      motionBlur: false,
      pixelRatio: large ? 1 : "auto",
      style: [
        {
          selector: "node.department",
          style: {
            shape: "ellipse",
            width: "data(size)",
            height: "data(size)",
            "background-color": "#eef2f8",
            "background-opacity": 0.8,
            "border-width": 1,
            "border-color": "#c9d3e1",
            label: "data(name)",
            "text-valign": "top",
            "text-halign": "center",
            "text-margin-y": -4,
            "text-wrap": "ellipsis",
            "text-max-width": "data(size)",
            "font-family": "system-ui, sans-serif",
            "font-weight": 600,
            "font-size": "data(fontSize)",
            color: "#4a5568",
            "z-index-compare": "manual",
            "z-index": 0,
            events: "no",
          },
        },
        {
          selector: "node.person",
          style: {
            "background-color": "data(colour)",
            width: "data(size)",
            height: "data(size)",
            "border-width": 1,
            "border-color": "#ffffff",
            label: "",
            "z-index-compare": "manual",
            "z-index": 2,
          },
        },
        {
          selector: "node.labelled",
          style: {
            label: "data(name)",
            "font-size": "data(fontSize)",
            "font-family": "system-ui, sans-serif",
            color: "#1b2330",
            "text-valign": "bottom",
            "text-margin-y": "data(labelMargin)",
            "text-outline-color": "#ffffff",
            "text-outline-width": "data(outline)",
            "z-index": 5,
          },
        },
        {
          selector: "edge",
          style: {
            width: "data(width)",
            "line-color": "#9aa7b8",
            opacity: large ? 0.25 : 0.55,
            "curve-style": large ? "haystack" : "straight",
            "z-index-compare": "manual",
            "z-index": 1,
            "target-arrow-shape": large ? "none" : "triangle",
            "target-arrow-color": "#9aa7b8",
            "arrow-scale": 0.7,
          },
        },
        {
          selector: "node.hover",
          style: { "border-color": "#f4b400", "border-width": 3, "z-index": 10 },
        },
        {
          selector: "edge.hover",
          style: { "line-color": "#2f54c8", "target-arrow-color": "#2f54c8", opacity: 1, "z-index": 3 },
        },
      ],
    });
    return cy;
  }

  function start(el) {
    var status = el.querySelector("[data-status]");
    var frame = el.parentElement;
    var tooltip = document.querySelector("[data-tooltip]");
    var top = document.querySelector("[data-top]");
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
        fillLegend(data);
        if (!data.nodes.length) {
          say("Nobody to show here: no one you may see in this group has been scored.");
          el.dataset.ready = "true";
          return;
        }
        say("");
        var byId = {};
        data.nodes.forEach(function (n) { byId[n.id] = n; });
        var degree = {};
        data.edges.forEach(function (e) {
          degree[e.source] = (degree[e.source] || 0) + 1;
          degree[e.target] = (degree[e.target] || 0) + 1;
        });
        var cy = draw(el, data);
        el.cytoscape = cy; /* for the browser tests and the developer console */
        var people = cy.nodes(".person");
        var departments = cy.nodes(".department");

        function showTooltip(person, x, y) {
          if (!tooltip) {
            return;
          }
          var n = byId[person];
          tooltip.textContent = "";
          tooltip.appendChild(cell("strong", n.name));
          if (n.title) {
            tooltip.appendChild(cell("span", n.title));
          }
          tooltip.appendChild(cell("span", (n.team || "No team") + " · " + n.department));
          tooltip.appendChild(cell("span", "Score " + n.score));
          tooltip.hidden = false;
          var left = el.offsetLeft + x + 14;
          var width = tooltip.offsetWidth;
          if (left + width > frame.clientWidth) {
            left = Math.max(0, el.offsetLeft + x - width - 14);
          }
          tooltip.style.left = left + "px";
          tooltip.style.top = el.offsetTop + y + 14 + "px";
        }
        function hideTooltip() {
          if (tooltip) {
            tooltip.hidden = true;
          }
        }
        function highlight(node, on) {
          var method = on ? "addClass" : "removeClass";
          node[method]("hover");
          node.connectedEdges()[method]("hover");
        }

        /* Name the LABELS highest scores in view whose labels do not overlap. */
        var byScore = people.toArray();
        var labelled = cy.collection();
        function relabel() {
          var zoom = cy.zoom();
          var view = cy.extent();
          var boxes = [];
          var chosen = [];
          for (var i = 0; i < byScore.length && chosen.length < LABELS; i += 1) {
            var node = byScore[i];
            var p = node.position();
            if (p.x < view.x1 || p.x > view.x2 || p.y < view.y1 || p.y > view.y2) {
              continue;
            }
            /* The label's box as cytoscape draws it (outline included), plus a margin. */
            var half = (textWidth(node.data("name")) / 2 + LABEL_GAP) / zoom;
            var topY = p.y + node.data("size") / 2;
            var box = {
              x1: p.x - half,
              x2: p.x + half,
              y1: topY - 1 / zoom,
              y2: topY + (LABEL_PX + 2 * LABEL_GAP + 2) / zoom,
            };
            if (boxes.some(function (b) { return overlaps(b, box); })) {
              continue;
            }
            boxes.push(box);
            chosen.push(node);
          }
          /* Sizes as data of the few labelled nodes and departments: restyling the
           * whole graph on every zoom costs seconds at 3,000 people. */
          cy.batch(function () {
            labelled.removeClass("labelled");
            labelled = cy.collection(chosen);
            labelled.data({ fontSize: LABEL_PX / zoom, outline: 2 / zoom, labelMargin: 2 / zoom });
            labelled.addClass("labelled");
            departments.data("fontSize", Math.min(DEPARTMENT_PX / zoom, 60));
          });
          el.dataset.labelled = String(chosen.length);
          el.dataset.zoom = zoom.toFixed(4);
        }
        var pending = false;
        cy.on("viewport", function () {
          if (!pending) {
            pending = true;
            window.requestAnimationFrame(function () {
              pending = false;
              relabel();
            });
          }
        });

        cy.on("mouseover mousemove", "node.person", function (event) {
          var node = event.target;
          if (event.type === "mouseover") {
            highlight(node, true);
            el.style.cursor = "pointer";
          }
          showTooltip(node.data("person"), event.renderedPosition.x, event.renderedPosition.y);
        });
        cy.on("mouseout", "node.person", function (event) {
          highlight(event.target, false);
          el.style.cursor = "";
          hideTooltip();
        });
        el.addEventListener("mouseleave", function () {
          cy.nodes(".hover").forEach(function (node) { highlight(node, false); });
          el.style.cursor = "";
          hideTooltip();
        });
        cy.on("tap", "node.person", function (event) {
          window.location.assign("/people/" + encodeURIComponent(event.target.data("person")));
        });

        function focusPerson(person) {
          var node = cy.getElementById("p" + person);
          highlight(node, true);
          var at = node.renderedPosition();
          showTooltip(person, at.x, at.y);
        }
        function blurPerson(person) {
          highlight(cy.getElementById("p" + person), false);
          hideTooltip();
        }
        if (top) {
          top.textContent = "";
          data.nodes.slice(0, LABELS).forEach(function (n) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.setAttribute("aria-describedby", "network-tooltip");
            button.appendChild(cell("span", n.name, "name"));
            button.appendChild(cell("span", String(n.score), "num"));
            button.addEventListener("focus", function () { focusPerson(n.id); });
            button.addEventListener("mouseenter", function () { focusPerson(n.id); });
            button.addEventListener("blur", function () { blurPerson(n.id); });
            button.addEventListener("mouseleave", function () { blurPerson(n.id); });
            button.addEventListener("click", function () {
              var node = cy.getElementById("p" + n.id);
              cy.zoom({ level: Math.max(cy.zoom(), 1.2), position: node.position() });
              cy.center(node);
              focusPerson(n.id);
            });
            item.appendChild(button);
            top.appendChild(item);
          });
        }
        if (table) {
          fillTable(table, data.nodes, degree, focusPerson, blurPerson);
        }
        document.querySelectorAll("[data-map-zoom]").forEach(function (button) {
          button.addEventListener("click", function () {
            var action = button.dataset.mapZoom;
            if (action === "fit") {
              cy.fit(undefined, 30);
              return;
            }
            var level = cy.zoom() * (action === "in" ? ZOOM_STEP : 1 / ZOOM_STEP);
            cy.zoom({
              level: Math.max(cy.minZoom(), Math.min(cy.maxZoom(), level)),
              renderedPosition: { x: el.clientWidth / 2, y: el.clientHeight / 2 },
            });
          });
        });
        relabel();
        cy.one("render", function () {
          el.dataset.ready = "true";
        });
        cy.forceRender();
      })
      .catch(function (error) {
        say("The map could not be loaded (" + error.message + ").");
      });
  }

  function boot() {
    var map = document.getElementById("network-map");
    if (map) {
      start(map);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
