// The customer map: a customer's neighbourhood (Query.customerMap) and its similar customers
// (Query.similarCustomers) drawn with cytoscape. Clicking a customer merges its own
// neighbourhood into the drawing and shows its history (Customer.timeline) beside it;
// clicking a product adds what was also bought with it.
//
// Every request to /graphql carries `Authorization: Bearer <token>` when a token is set: typed
// into the Token field or given as `#token=...` in the URL, kept in localStorage. GraphQL
// errors (UNAUTHENTICATED, NOT_FOUND, ...) are shown above the drawing.
/* global cytoscape */

const TOKEN_KEY = "c360.token";
const COLOURS = {
  Customer: "#2563eb",
  Similar: "#60a5fa",
  Tag: "#16a34a",
  Product: "#ea580c",
  Interaction: "#9ca3af",
  LifecycleStage: "#9333ea",
  Task: "#dc2626",
};
const OTHER_COLOUR = "#6b7280";

const MAP = `
query CustomerMap($id: ID!) {
  customerMap(customerId: $id) { nodes { id label caption } edges { source target type } }
  similarCustomers(customerId: $id, first: 5) {
    customer { id name } score sharedTags sharedProducts
  }
}`;
const TIMELINE = `
query Timeline($id: ID!, $after: String) {
  customer(id: $id) {
    id name
    timeline(first: 15, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { at kind summary actor } }
    }
  }
}`;
const ALSO_BOUGHT = `
query AlsoBought($id: ID!) {
  alsoBought(productId: $id, first: 5) { product { id name } customers }
}`;
const SEARCH = `
query Search($q: String!) {
  searchCustomers(query: $q, first: 10) { edges { node { id name phone } } }
}`;
// Fonts for the drawing's labels: the system's, then the common CJK ones (names are often
// Chinese, and a browser whose default font lacks CJK draws them as boxes).
const FONTS =
  'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", ' +
  '"Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
  '"WenQuanYi Micro Hei", sans-serif';

const $ = (id) => document.getElementById(id);
const expanded = new Set(); // customers whose neighbourhood is drawn
const askedProducts = new Set();

// -- the token ------------------------------------------------------------------------------

function token() {
  return localStorage.getItem(TOKEN_KEY) || "";
}

function setToken(value) {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
  $("token").value = value;
  $("token-state").textContent = value ? "token set" : "no token";
}

function tokenFromFragment() {
  const found = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (found) {
    setToken(decodeURIComponent(found[1]).trim());
    // keep the token out of the address bar and the history
    history.replaceState(null, "", location.pathname + location.search);
  }
}

// -- GraphQL ----------------------------------------------------------------------------------

function describe(error) {
  const code = error.extensions && error.extensions.code;
  return code ? `${code}: ${error.message}` : error.message;
}

function showErrors(messages) {
  const box = $("errors");
  box.textContent = messages.join("\n");
  box.hidden = messages.length === 0;
}

// `{data, errors}`; errors are shown on the page (data may still be partly there).
// `quiet`: an answer without errors leaves the errors shown as they are (a side request, such
// as the timeline beside the drawing, must not hide the map's own error).
async function gql(query, variables = {}, { quiet = false } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    showErrors([`The server cannot be reached: ${e.message}`]);
    return { data: null, errors: [e] };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const errors = (body && body.errors) || [];
  if (errors.length) showErrors(errors.map(describe));
  else if (!response.ok || !body) showErrors([`HTTP ${response.status} ${response.statusText}`]);
  else if (!quiet) showErrors([]);
  return { data: body && body.data, errors };
}

// -- the drawing ------------------------------------------------------------------------------

const cy = cytoscape({
  container: $("graph"),
  wheelSensitivity: 0.3,
  style: [
    {
      selector: "node",
      style: {
        "background-color": (n) => COLOURS[n.data("label")] || OTHER_COLOUR,
        label: "data(caption)",
        "font-family": FONTS,
        "font-size": 10,
        "text-valign": "bottom",
        "text-margin-y": 3,
        width: 18,
        height: 18,
      },
    },
    { selector: "node.similar", style: { "background-color": COLOURS.Similar } },
    {
      selector: "node.expanded",
      style: { width: 30, height: 30, "border-width": 3, "border-color": "#1e3a8a" },
    },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#f59e0b" } },
    {
      selector: "edge",
      style: {
        width: 1.5,
        "line-color": "#cbd5e1",
        "target-arrow-color": "#cbd5e1",
        "target-arrow-shape": "triangle",
        "curve-style": "bezier",
        label: "data(caption)",
        "font-family": FONTS,
        "font-size": 8,
        color: "#64748b",
      },
    },
    {
      selector: "edge.similar",
      style: { "line-color": COLOURS.Similar, "target-arrow-color": COLOURS.Similar, width: 2.5 },
    },
    { selector: "edge.shared", style: { "line-style": "dashed" } },
    {
      selector: "edge.also",
      style: { "line-color": COLOURS.Product, "target-arrow-color": COLOURS.Product },
    },
  ],
});
window.c360map = { cy, expanded }; // for tests and the curious, in the browser console

function addNode(id, label, caption, near, classes = "") {
  const existing = cy.getElementById(id);
  if (existing.nonempty()) return existing;
  const position = near
    ? { x: near.x + (Math.random() - 0.5) * 120, y: near.y + (Math.random() - 0.5) * 120 }
    : { x: Math.random() * 400, y: Math.random() * 400 };
  return cy.add({ group: "nodes", data: { id, label, caption }, position, classes });
}

function addEdge(source, target, type, caption = "", classes = "") {
  const id = `${source}|${type}|${target}`;
  if (cy.getElementById(id).nonempty()) return;
  if (cy.getElementById(source).empty() || cy.getElementById(target).empty()) return;
  cy.add({ group: "edges", data: { id, source, target, type, caption }, classes });
}

function tagNode(name) {
  return cy.nodes('[label = "Tag"]').filter((n) => n.data("caption") === name).first();
}

function relayout() {
  cy.layout({
    name: "cose",
    animate: false,
    randomize: false,
    fit: true,
    padding: 30,
    nodeDimensionsIncludeLabels: true,
  }).run();
  const nodes = cy.nodes().length;
  const edges = cy.edges().length;
  const stats = $("stats");
  stats.textContent = `${nodes} nodes · ${edges} edges`;
  stats.dataset.nodes = String(nodes);
  stats.dataset.edges = String(edges);
}

function drawLegend() {
  const legend = $("legend");
  legend.replaceChildren();
  const names = { Similar: "Similar customer", LifecycleStage: "Lifecycle stage" };
  for (const [label, colour] of Object.entries(COLOURS)) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour;
    item.append(swatch, names[label] || label);
    legend.append(item);
  }
}

function showSimilar(list) {
  const ol = $("similar");
  ol.replaceChildren();
  for (const s of list) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = `${s.customer.name} (${s.customer.id})`;
    link.addEventListener("click", () => expand(s.customer.id));
    item.append(link, ` ${s.score.toFixed(2)}`);
    ol.append(item);
  }
  $("similar-section").hidden = list.length === 0;
}

function showDetails(node) {
  $("details-title").textContent = node.data("caption");
  $("details-body").textContent = `${node.data("label")} ${node.id()}`;
  $("details").hidden = false;
}

// The selected customer's history, newest first; "More" pages on with the last cursor.
let timelineOf = null;
let timelineAfter = null;

async function showTimeline(customerId, more = false) {
  if (!more) {
    timelineOf = customerId;
    timelineAfter = null;
    $("timeline").replaceChildren();
  }
  const { data } = await gql(TIMELINE, { id: customerId, after: timelineAfter }, { quiet: true });
  if (timelineOf !== customerId) return; // another customer was picked meanwhile
  const customer = data && data.customer;
  $("timeline-section").hidden = !customer;
  if (!customer) return;
  const timeline = customer.timeline;
  $("timeline-title").textContent = `History of ${customer.name} (${timeline.totalCount})`;
  for (const { node } of timeline.edges) {
    const item = document.createElement("li");
    item.dataset.kind = node.kind;
    const when = document.createElement("time");
    when.dateTime = node.at;
    when.textContent = node.at.slice(0, 16).replace("T", " ");
    item.append(when, ` ${node.summary}`);
    $("timeline").append(item);
  }
  timelineAfter = timeline.pageInfo.endCursor;
  $("timeline-more").hidden = !timeline.pageInfo.hasNextPage;
}

// -- loading ----------------------------------------------------------------------------------

async function expand(customerId) {
  showTimeline(customerId);
  if (expanded.has(customerId)) {
    cy.getElementById(customerId).select();
    return;
  }
  const { data } = await gql(MAP, { id: customerId });
  if (!data || !data.customerMap) return;
  expanded.add(customerId);
  const anchor = cy.getElementById(customerId);
  const near = anchor.nonempty() ? anchor.position() : null;
  for (const n of data.customerMap.nodes) addNode(n.id, n.label, n.caption, near);
  for (const e of data.customerMap.edges) addEdge(e.source, e.target, e.type);
  cy.getElementById(customerId).addClass("expanded").removeClass("similar");
  const similar = data.similarCustomers || [];
  for (const s of similar) {
    const added = addNode(s.customer.id, "Customer", s.customer.name, near);
    if (!expanded.has(s.customer.id)) added.addClass("similar");
    // similarity is symmetric: one edge between two customers, whichever was expanded first
    if (cy.getElementById(`${s.customer.id}|SIMILAR|${customerId}`).empty()) {
      addEdge(customerId, s.customer.id, "SIMILAR", s.score.toFixed(2), "similar");
    }
    for (const name of s.sharedTags) {
      const tag = tagNode(name);
      if (tag.nonempty()) addEdge(s.customer.id, tag.id(), "HAS_TAG", "", "shared");
    }
    for (const productId of s.sharedProducts) {
      addEdge(s.customer.id, productId, "BOUGHT", "", "shared");
    }
  }
  showSimilar(similar);
  relayout();
}

async function alsoBought(productId) {
  if (askedProducts.has(productId)) return;
  const { data } = await gql(ALSO_BOUGHT, { id: productId });
  if (!data || !data.alsoBought) return;
  askedProducts.add(productId);
  const near = cy.getElementById(productId).position();
  for (const p of data.alsoBought) {
    addNode(p.product.id, "Product", p.product.name, near);
    addEdge(productId, p.product.id, "ALSO_BOUGHT", String(p.customers), "also");
  }
  relayout();
}

// The search box: a name part, a phone in any format, an email or an id (searchCustomers);
// its matches become the suggestions, by id, with name and phone beside them.
async function suggest(text) {
  const { data } = await gql(SEARCH, { q: text });
  const edges = (data && data.searchCustomers && data.searchCustomers.edges) || [];
  const list = $("customers");
  list.replaceChildren();
  for (const edge of edges) {
    const option = document.createElement("option");
    option.value = edge.node.id;
    option.label = [edge.node.name, edge.node.phone].filter(Boolean).join(" · ");
    list.append(option);
  }
  return edges.map((edge) => edge.node.id);
}

// A token that does not work is said at once (the page's first request), not at the first
// search.
function checkToken() {
  if (token()) gql("{ __typename }");
}

let suggesting = null;
$("customer").addEventListener("input", () => {
  clearTimeout(suggesting);
  const text = $("customer").value.trim();
  if (text.length >= 2) suggesting = setTimeout(() => suggest(text), 250);
});

function start(customerId) {
  cy.elements().remove();
  expanded.clear();
  askedProducts.clear();
  $("details").hidden = true;
  $("similar-section").hidden = true;
  $("timeline-section").hidden = true;
  return expand(customerId);
}

// -- wiring -----------------------------------------------------------------------------------

cy.on("tap", "node", (event) => {
  const node = event.target;
  showDetails(node);
  if (node.data("label") === "Customer") expand(node.id());
  else if (node.data("label") === "Product") alsoBought(node.id());
});

$("pick").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearTimeout(suggesting);
  const text = $("customer").value.trim();
  if (!text) return;
  // the best match (an exact id, email or phone first); none: the text as an id, so the
  // map says what is wrong with it
  const found = text.length >= 2 ? await suggest(text) : [];
  start(found.length ? found[0] : text);
});
$("clear").addEventListener("click", () => {
  cy.elements().remove();
  expanded.clear();
  askedProducts.clear();
  showErrors([]);
  timelineOf = null;
  $("timeline-section").hidden = true;
  $("stats").textContent = "No customer yet: search for one above.";
});
$("timeline-more").addEventListener("click", () => {
  if (timelineOf) showTimeline(timelineOf, true);
});
$("auth").addEventListener("submit", (event) => {
  event.preventDefault();
  setToken($("token").value.trim());
  checkToken();
});
window.addEventListener("hashchange", tokenFromFragment);

tokenFromFragment();
setToken(token());
drawLegend();
checkToken();
const asked = new URLSearchParams(location.search).get("customer");
if (asked) {
  $("customer").value = asked;
  start(asked);
}
