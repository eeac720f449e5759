// The query page: examples, running a query against /sparql, a results table and downloads.
// Plain JavaScript with no dependency, so the page works offline; every value from a result is
// inserted with textContent, never as HTML.
"use strict";

(function () {
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const settings = JSON.parse(document.getElementById("settings-data").textContent);
  const select = document.getElementById("examples");
  const editor = document.getElementById("query");
  const about = document.getElementById("example-description");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const RESULT_TYPES = "application/sparql-results+json, text/turtle;q=0.9";

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function choose(index) {
    const example = examples[index];
    if (!example) return;
    editor.value = example.query;
    about.textContent = example.description || "";
    const url = new URL(window.location.href);
    url.searchParams.set("example", example.name);
    window.history.replaceState(null, "", url);
  }

  examples.forEach(function (example, index) {
    const option = el("option", example.title);
    option.value = String(index);
    select.appendChild(option);
  });
  select.addEventListener("change", function () { choose(Number(select.value)); });
  const wanted = new URL(window.location.href).searchParams.get("example");
  const start = Math.max(0, examples.findIndex(function (e) { return e.name === wanted; }));
  select.value = String(start);
  choose(start);

  function post(accept) {
    const body = new URLSearchParams();
    body.set("query", editor.value);
    return fetch("/sparql", {
      method: "POST",
      headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    });
  }

  // Our own IRIs open as pages of this server; other web IRIs open as they are.
  function hrefFor(iri) {
    if (settings.base && iri.indexOf(settings.base) === 0) {
      return "/" + iri.slice(settings.base.length);
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const href = hrefFor(term.value);
      if (href) {
        const a = el("a", term.value);
        a.href = href;
        if (href.indexOf("/") !== 0) a.rel = "noopener noreferrer nofollow";
        td.appendChild(a);
      } else {
        td.textContent = term.value;
      }
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.appendChild(el("span", "@" + term["xml:lang"], "lang"));
    }
    return td;
  }

  function showTable(data) {
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    const table = el("table", null, "results");
    const head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    rows.forEach(function (row) {
      const tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    results.replaceChildren(table);
    return rows.length;
  }

  async function run() {
    status.textContent = "…";
    results.replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await post(RESULT_TYPES);
    } catch (error) {
      status.textContent = String(error);
      return;
    }
    const elapsed = Math.round(performance.now() - started);
    const type = response.headers.get("content-type") || "";
    if (!response.ok) {
      status.textContent = response.status + " " + response.statusText;
      results.replaceChildren(el("pre", await response.text(), "error"));
      return;
    }
    let summary;
    if (type.indexOf("json") >= 0) {
      const data = await response.json();
      if (typeof data.boolean === "boolean") {
        results.replaceChildren(el("p", String(data.boolean), "boolean"));
        summary = "ASK";
      } else {
        summary = showTable(data) + " " + settings.rows;
      }
    } else {
      results.replaceChildren(el("pre", await response.text(), "graph"));
      summary = "RDF";
    }
    if (response.headers.get("x-custodiet-truncated")) {
      summary += " (max " + response.headers.get("x-custodiet-max-rows") + ")";
    }
    status.textContent = summary + " · " + elapsed + " ms";
  }

  async function download(button) {
    status.textContent = "…";
    const response = await post(button.dataset.accept);
    if (!response.ok) {
      status.textContent = response.status + " " + response.statusText;
      results.replaceChildren(el("pre", await response.text(), "error"));
      return;
    }
    const blob = await response.blob();
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    const name = examples[Number(select.value)] ? examples[Number(select.value)].name : "query";
    link.download = name + "." + button.dataset.ext;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    status.textContent = "";
  }

  document.getElementById("run").addEventListener("click", run);
  document.querySelectorAll("button.download").forEach(function (button) {
    button.addEventListener("click", function () { download(button); });
  });
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
})();
