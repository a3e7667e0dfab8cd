// Draws the network picture that viz/templates/network_view.html describes, with vis-network
// (served by the app, from pyvis). Click a node: its neighbours are fetched and added, and the side
// panel offers its page. Double-click: open its page. The view's data-state turns "ready" when the
// layout has settled and physics has stopped (bench/viz.py and the browser tests wait on it).
(function () {
  "use strict";
  var view = document.getElementById("network-view");
  if (!view) { return; }
  var container = document.getElementById("network-canvas");
  var status = document.getElementById("network-status");
  var panel = document.getElementById("network-selected");
  var frame = view.closest("[data-expand-url]");
  var expandUrl = frame && frame.getAttribute("data-expand-url");
  var read = function (id) { return JSON.parse(document.getElementById(id).textContent); };

  // Tooltips arrive as HTML the server built from escaped text; vis shows an Element as given.
  function withTooltip(node) {
    if (typeof node.title === "string") {
      var tip = document.createElement("div");
      tip.className = "network-tip";
      tip.innerHTML = node.title;
      node.title = tip;
    }
    return node;
  }
  function edgeId(edge) { return edge.from + "\u0000" + edge.to + "\u0000" + (edge.title || ""); }
  function withId(edge) { edge.id = edgeId(edge); return edge; }

  var nodes = new vis.DataSet(read("network-nodes").map(withTooltip));
  var edges = new vis.DataSet(read("network-edges").map(withId));
  var options = JSON.parse(view.getAttribute("data-options"));
  var expanded = {};

  function say(text) { if (status) { status.textContent = text; } }
  function counted() {
    view.setAttribute("data-nodes", String(nodes.length));
    view.setAttribute("data-edges", String(edges.length));
  }
  counted();
  say("Laying out " + nodes.length + " nodes…");

  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  var done = false;
  function ready() {
    if (done) { return; }
    done = true;
    network.setOptions({physics: {enabled: false}});
    view.setAttribute("data-interactive-ms", String(Math.round(performance.now())));
    view.setAttribute("data-state", "ready");
    say(nodes.length + " nodes, " + edges.length + " edges. Click a node to expand it; double-click to open it.");
  }
  network.on("stabilizationProgress", function (p) {
    say("Laying out " + nodes.length + " nodes… " + Math.round(100 * p.iterations / p.total) + "%");
  });
  network.once("stabilizationIterationsDone", ready);
  network.once("stabilized", ready);
  if (nodes.length < 2) { network.once("afterDrawing", ready); }

  // Hand-picked nodes for an evidence export: hidden inputs of the basket form, made with DOM calls.
  var basket = document.getElementById("basket");
  var picked = {};
  function pick(node) {
    if (!basket || picked[node.id]) { return; }
    picked[node.id] = true;
    var item = document.createElement("li");
    item.textContent = String(node.label).replace(/\n/g, " · ");
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "ref";
    input.value = node.id;
    item.appendChild(input);
    basket.appendChild(item);
    document.getElementById("basket-count").textContent = String(Object.keys(picked).length);
  }

  function showSelected(node) {
    if (!panel) { return; }
    panel.textContent = "";
    var title = document.createElement("strong");
    title.textContent = String(node.label).replace(/\n/g, " · ");
    panel.appendChild(title);
    if (basket) {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "network-pick";
      add.textContent = "Pick for export";
      add.addEventListener("click", function () { pick(node); });
      panel.appendChild(document.createTextNode(" "));
      panel.appendChild(add);
    }
    if (node.url) {
      var open = document.createElement("a");
      open.href = node.url;
      open.textContent = "Open its page";
      open.className = "network-open";
      panel.appendChild(document.createTextNode(" "));
      panel.appendChild(open);
    }
  }

  function place(around, count, index) {
    var angle = 2 * Math.PI * index / Math.max(count, 1);
    var radius = 80 + 6 * Math.sqrt(count);
    return {x: around.x + radius * Math.cos(angle), y: around.y + radius * Math.sin(angle)};
  }

  function expand(id) {
    var node = nodes.get(id);
    showSelected(node);
    if (expanded[id] || !expandUrl) { return; }
    expanded[id] = true;
    view.setAttribute("data-state", "expanding");
    say("Expanding " + String(node.label).replace(/\n/g, " ") + "…");
    fetch(expandUrl + "?node=" + encodeURIComponent(id), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error || ("HTTP " + response.status)); }
          return body;
        });
      })
      .then(function (found) {
        var at = network.getPositions([id])[id] || {x: 0, y: 0};
        var fresh = found.nodes.filter(function (n) { return !nodes.get(n.id); });
        fresh.forEach(function (n, i) { var p = place(at, fresh.length, i); n.x = p.x; n.y = p.y; withTooltip(n); });
        nodes.add(fresh);
        edges.update(found.edges.map(withId));
        counted();
        view.setAttribute("data-state", "ready");
        var shown = found.nodes.length - 1;
        say("Expanded: " + fresh.length + " new of " + found.total + " neighbours" +
            (shown < found.total ? " (showing the " + shown + " seen most recently)" : "") + ".");
      })
      .catch(function (error) {
        expanded[id] = false;
        view.setAttribute("data-state", "ready");
        say("Could not expand: " + error.message);
      });
  }

  network.on("click", function (params) { if (params.nodes.length) { expand(params.nodes[0]); } });
  network.on("doubleClick", function (params) {
    var node = params.nodes.length && nodes.get(params.nodes[0]);
    if (node && node.url) { window.location.assign(node.url); }
  });
  // For tests and the benchmark: the live network object.
  window.adgraphNetwork = {network: network, nodes: nodes, edges: edges, expand: expand};
})();
