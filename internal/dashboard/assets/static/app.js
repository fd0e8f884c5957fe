// The dashboard of nems-harness: one page, routed by the URL fragment.
// Every value that came from a request is put on the page as text
// (textContent, never innerHTML), so markup in a body or header shows as
// written and never runs.
"use strict";

(function () {
  const MAX_ROWS = 1000;
  const state = {
    info: null, rules: null, source: null, sourceSince: 0, lines: [], filter: {},
    view: "", reloadTimer: 0, pending: 0,
  };

  // el builds an element: attrs are properties or attributes, children are
  // nodes or strings (made text nodes).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "onclick") e.addEventListener("click", v);
      else if (k === "onchange") e.addEventListener("change", v);
      else if (k === "oninput") e.addEventListener("input", v);
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // put replaces a node's children, as el takes them.
  function put(target, ...children) {
    target.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false)
      .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  }

  const main = () => document.getElementById("main");
  // show puts a page in place; data-page names it (tests wait on it).
  function show(...nodes) {
    put(main(), nodes);
    main().dataset.page = location.hash || "#/";
    window.scrollTo(0, 0);
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({ error: "the answer was not JSON" }));
    if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
    return body;
  }

  function banner(text, kind) {
    const b = document.getElementById("banner");
    if (!text) { b.hidden = true; b.textContent = ""; return; }
    b.className = "banner " + (kind || "");
    b.textContent = text;
    b.hidden = false;
  }

  function copyButton(value, label) {
    const b = el("button", { class: "copy", type: "button", title: "copy", "aria-label": "copy " + (label || "value") }, label || "copy");
    b.addEventListener("click", async (ev) => {
      ev.preventDefault(); ev.stopPropagation();
      let ok = false;
      try { await navigator.clipboard.writeText(value); ok = true; } catch (_) {
        const t = el("textarea", {}, value);
        document.body.append(t); t.select();
        try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
        t.remove();
      }
      b.textContent = ok ? "copied" : "select and copy";
      setTimeout(() => { b.textContent = label || "copy"; }, 1500);
    });
    return b;
  }

  function copyable(value) {
    return el("span", { class: "copyable" }, el("code", {}, value), copyButton(value));
  }

  function chip(rule, kind, href) {
    const c = el(href ? "a" : "span", { class: "chip " + kind, title: rule + ": " + kindLabel(kind), href }, rule);
    return c;
  }

  function kindLabel(k) {
    return { pass: "passed", fail: "failed", warning: "warning", "not-assessed": "not assessed" }[k] || k;
  }

  function statusClass(s) { return s >= 200 && s < 300 ? "ok" : (s >= 500 ? "err" : "bad"); }

  function time(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso || "";
    return d.toISOString().replace("T", " ").replace(/\.(\d{3})Z$/, ".$1Z");
  }

  // ---- routing -------------------------------------------------------

  function parseHash() {
    const h = location.hash.replace(/^#\/?/, "");
    const [path, query] = h.split("?");
    const params = new URLSearchParams(query || "");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    return { parts, params };
  }

  function route() {
    const { parts, params } = parseHash();
    banner("");
    document.querySelectorAll("[data-nav]").forEach((a) => a.classList.remove("active"));
    const nav = (n) => { const a = document.querySelector('[data-nav="' + n + '"]'); if (a) a.classList.add("active"); };
    if (parts[0] === "r" && parts[1]) { state.view = "detail"; nav("list"); return showDetail(parts[1]); }
    if (parts[0] === "rules") { state.view = "rules"; nav("rules"); return showRules(); }
    if (parts[0] === "world") { state.view = "world"; nav("world"); return showWorld(); }
    state.view = "list"; nav("list");
    state.filter = Object.fromEntries(params.entries());
    return showList();
  }

  // ---- live stream ---------------------------------------------------

  function connect(since) {
    if (state.source) state.source.close();
    const live = document.getElementById("live");
    const src = new EventSource("events?since=" + encodeURIComponent(since || 0));
    state.source = src;
    src.onopen = () => { live.className = "live on"; live.textContent = "live"; };
    src.onerror = () => { live.className = "live off"; live.textContent = "reconnecting"; };
    src.addEventListener("held", (ev) => {
      const d = JSON.parse(ev.data);
      const cleared = state.held !== undefined && d.held < state.held; // the journal was cleared
      setHeld(d.held);
      if (cleared && state.view === "list") showList();
    });
    src.addEventListener("entries", (ev) => {
      const d = JSON.parse(ev.data);
      const lines = d.lines || [];
      setHeld(d.held);
      for (const l of lines) state.sourceSince = Math.max(state.sourceSince, l.seq);
      if (state.view === "list") addLines(lines);
    });
    src.addEventListener("reload", (ev) => {
      const d = JSON.parse(ev.data);
      src.close();
      live.className = "live off"; live.textContent = "behind";
      banner("Requests are arriving faster than this page can show them (" + d.reason + "); the list reloads in a moment.", "warn");
      clearTimeout(state.reloadTimer);
      state.reloadTimer = setTimeout(() => { if (state.view === "list") showList(); else connect(0); }, 2000);
    });
  }

  function setHeld(n) {
    state.held = n;
    document.getElementById("held").textContent = n + " held";
  }

  // ---- list ----------------------------------------------------------

  function matches(l, f) {
    if (f.status) {
      const s = String(l.status);
      if (/^[1-5]xx$/i.test(f.status)) { if (s[0] !== f.status[0]) return false; } else if (s !== f.status) return false;
    }
    if (f.rule) {
      const c = (l.chips || []).find((c) => c.rule === f.rule);
      if (!f.outcome && !c) return false;
      if (f.outcome === "fail" || f.outcome === "warning") { if (!c || c.kind !== f.outcome) return false; }
      else if (f.outcome) return null; // cannot tell from a list line
    }
    if (f.event && (l.event || "").toLowerCase() !== f.event.toLowerCase()) return false;
    if (f.asid && l.asid !== f.asid) return false;
    return true;
  }

  function row(l) {
    const chips = (l.chips || []).map((c) => chip(c.rule, c.kind));
    if (!l.judged) chips.push(el("span", { class: "chip not-assessed", title: "no rule judged this request" }, "not a publish"));
    else if (!chips.length) chips.push(el("span", { class: "chip pass" }, "all rules kept"));
    const href = "#/r/" + encodeURIComponent(l.id);
    const tr = el("tr", { class: "req", "data-id": l.id },
      el("td", { "data-label": "Time" }, el("a", { href }, time(l.received))),
      el("td", { "data-label": "ID" }, el("a", { href }, l.id)),
      el("td", { "data-label": "Sender" }, l.asid || "—", l.ods ? el("span", { class: "muted" }, " · " + l.ods) : null),
      el("td", { "data-label": "Event" }, l.eventName || l.event || (l.judged ? "—" : l.method + " " + l.path),
        l.eventName && l.event ? el("span", { class: "muted" }, " (" + l.event + ")") : null),
      el("td", { "data-label": "Type" }, l.messageType || "—"),
      el("td", { "data-label": "NHS number" }, l.nhsNumber || "—"),
      el("td", { "data-label": "Status" }, el("span", { class: "status-code " + statusClass(l.status) }, String(l.status))),
      el("td", { "data-label": "Rules", class: "chips" }, chips));
    tr.addEventListener("click", (ev) => { if (ev.target.tagName !== "A") location.hash = href; });
    return tr;
  }

  function addLines(lines) {
    const tbody = document.getElementById("req-body");
    if (!tbody) return;
    const frag = document.createDocumentFragment();
    let unknown = 0;
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = matches(lines[i], state.filter);
      if (m === null) { unknown++; continue; }
      if (!m || tbody.querySelector('tr[data-id="' + CSS.escape(lines[i].id) + '"]')) continue;
      frag.append(row(lines[i]));
    }
    tbody.prepend(frag);
    while (tbody.rows.length > MAX_ROWS) tbody.deleteRow(tbody.rows.length - 1);
    const empty = document.getElementById("req-empty");
    if (empty) empty.hidden = tbody.rows.length > 0;
    if (unknown) {
      state.pending += unknown;
      banner(state.pending + " new request(s) may match this filter: reload the list to see them.", "info");
    }
  }

  async function showList() {
    state.pending = 0;
    clearTimeout(state.reloadTimer);
    const f = state.filter;
    const q = new URLSearchParams();
    for (const k of ["status", "rule", "outcome", "event", "asid"]) if (f[k]) q.set(k, f[k]);
    let page, rules;
    try {
      [page, rules] = await Promise.all([getJSON("api/requests?" + q), loadRules()]);
    } catch (err) {
      show(el("p", { class: "error" }, "Could not load the requests: " + err.message));
      return;
    }
    if (state.view !== "list") return;
    setHeld(page.held);
    const tbody = el("tbody", { id: "req-body" });
    for (const l of page.lines) tbody.append(row(l));
    const setFilter = (k, v) => {
      const p = new URLSearchParams(parseHash().params);
      if (v) p.set(k, v); else p.delete(k);
      if (k === "rule") p.delete("outcome");
      location.hash = "#/" + (p.toString() ? "?" + p : "");
    };
    const ruleOpts = [el("option", { value: "" }, "any rule")].concat(
      rules.rules.map((r) => el("option", { value: r.id, selected: f.rule === r.id }, r.id)));
    const statusOpts = ["", "2xx", "4xx", "5xx", "202", "400", "403", "404", "405", "406", "413", "415", "422", "431"].map(
      (s) => el("option", { value: s, selected: (f.status || "") === s }, s || "any status"));
    const known = (state.info && state.info.events) || [];
    const events = Array.from(new Set(known.concat(page.lines.map((l) => l.event).filter(Boolean), f.event ? [f.event] : []))).sort();
    const eventOpts = [el("option", { value: "" }, "any event")].concat(events.map((e) => el("option", { value: e, selected: f.event === e }, e)));
    const asid = el("input", { type: "search", placeholder: "sender ASID", value: f.asid || "", "aria-label": "sender ASID", size: 14 });
    asid.addEventListener("change", () => setFilter("asid", asid.value.trim()));
    const older = el("button", { type: "button", hidden: !page.before }, "Older requests");
    let before = page.before;
    older.addEventListener("click", async () => {
      q.set("before", before);
      const p = await getJSON("api/requests?" + q);
      for (const l of p.lines) tbody.append(row(l));
      before = p.before; older.hidden = !before;
    });
    const filters = el("form", { class: "filters" },
      el("label", {}, "Status ", el("select", { onchange: (e) => setFilter("status", e.target.value) }, statusOpts)),
      el("label", {}, "Rule ", el("select", { onchange: (e) => setFilter("rule", e.target.value) }, ruleOpts)),
      f.outcome ? el("span", { class: "chip " + f.outcome }, kindLabel(f.outcome)) : null,
      el("label", {}, "Event ", el("select", { onchange: (e) => setFilter("event", e.target.value) }, eventOpts)),
      el("label", {}, "ASID ", asid),
      Object.keys(f).length ? el("a", { href: "#/" }, "clear filters") : null);
    filters.addEventListener("submit", (e) => e.preventDefault());
    show(
      el("h1", {}, "Requests ", el("span", { class: "muted small" }, page.held + " held, newest first; new ones appear as they arrive")),
      filters,
      el("table", { class: "requests" },
        el("thead", {}, el("tr", {}, ["Time (UTC)", "ID", "Sender ASID · ODS", "Event", "Type", "NHS number", "Status", "Rules not kept"].map((h) => el("th", {}, h)))),
        tbody),
      el("p", { id: "req-empty", class: "muted", hidden: page.lines.length > 0 },
        "No request yet. Publish to " + (state.info && state.info.publishURL ? state.info.publishURL : "the mock") + " and it appears here."),
      older);
    state.sourceSince = page.last;
    connect(page.last);
  }

  async function loadRules() {
    if (!state.rules) state.rules = await getJSON("api/rules");
    return state.rules;
  }

  // ---- detail --------------------------------------------------------

  async function showDetail(id) {
    let d;
    try { d = await getJSON("api/requests/" + encodeURIComponent(id)); } catch (err) {
      show(el("p", { class: "error" }, "Could not load request " + id + ": " + err.message), el("a", { href: "#/" }, "Back to the list"));
      return;
    }
    if (state.view !== "detail") return;
    const s = d.summary;
    const rejudged = el("div", { id: "rejudged" });
    const buttons = el("div", { class: "actions" },
      el("a", { href: "#/" }, "← Requests"),
      copyButton(d.curl, "Copy as curl"),
      d.summary.judged ? d.otherProfiles.map((p) => el("button", {
        type: "button", class: "rejudge", onclick: async () => {
          put(rejudged, el("p", { class: "muted" }, "Judging again under " + p + "…"));
          try {
            const again = await getJSON("api/requests/" + encodeURIComponent(id) + "/rejudge?profile=" + encodeURIComponent(p));
            put(rejudged, el("h2", {}, "Judged again under " + p),
              el("p", {}, "Answer: ", el("span", { class: "status-code " + statusClass(again.response.status) }, String(again.response.status)),
                " (recorded: " + d.response.status + ")"),
              el("p", { class: "muted" }, "Judged alone: the rules that remember earlier messages of the run are not assessed here."),
              verdictGroups(again.groups, d.groups), responseSection(again.response));
          } catch (err) { put(rejudged, el("p", { class: "error" }, err.message)); }
        }
      }, "Re-judge under " + p)) : null);
    show(
      el("h1", {}, "Request " + s.id, " ", el("span", { class: "status-code " + statusClass(s.status) }, String(s.status))),
      el("dl", { class: "facts" },
        fact("Received", time(s.received)), fact("Request", s.method + " " + s.path + (d.query ? "?" + d.query : "")),
        fact("From", d.remote), fact("Transport", d.tls ? "TLS" : "plain HTTP"), fact("Profile", s.profile),
        fact("Sender ASID", s.asid), fact("ODS code", s.ods),
        fact("Event", (s.eventName ? s.eventName + " " : "") + (s.event ? "(" + s.event + ")" : "")),
        fact("Message type", s.messageType), fact("NHS number", s.nhsNumber)),
      buttons,
      section("Verdicts", d.groups.length ? [verdictSummary(d.groups), verdictGroups(d.groups)] : el("p", { class: "muted" }, "No rule judged this request: it was not a publish (wrong path or method).")),
      rejudged,
      section("Request headers", headerTable(d.headers)),
      d.jwt ? section("JWT", jwtView(d.jwt)) : null,
      section("Body", textBlock(d.body, "body")),
      section("Response as sent", responseSection(d.response)),
      d.clientCertificates && d.clientCertificates.length ? section("Client certificates", d.clientCertificates.map((c) => el("pre", { class: "code" }, c))) : null,
      section("Copy as curl", el("pre", { class: "code curl" }, d.curl)));
  }

  function fact(k, v) {
    if (!v) return null;
    return [el("dt", {}, k), el("dd", {}, v)];
  }

  function section(title, ...content) {
    return el("section", { class: "block" }, el("h2", {}, title), content);
  }

  // verdictSummary counts the verdicts by kind, names the rules not kept
  // (each scrolls to its verdict), and can hide the passed ones.
  function verdictSummary(groups) {
    const counts = {};
    const notKept = [];
    for (const g of groups) for (const v of g.verdicts) {
      counts[v.kind] = (counts[v.kind] || 0) + 1;
      if (v.kind === "fail" || v.kind === "warning") notKept.push(v);
    }
    const hide = el("input", { type: "checkbox", id: "hide-passed" });
    hide.addEventListener("change", () => document.getElementById("main").classList.toggle("hide-passed", hide.checked));
    return el("div", { class: "verdict-summary" },
      el("p", {}, ["fail", "warning", "not-assessed", "pass"].filter((k) => counts[k]).map((k) => el("span", { class: "chip " + k }, counts[k] + " " + kindLabel(k)))),
      notKept.length ? el("p", {}, "Not kept: ", notKept.map((v) => el("button", { type: "button", class: "chip " + v.kind, onclick: () => {
        const n = document.getElementById("v-" + v.rule);
        if (n) n.scrollIntoView({ block: "center" });
      } }, v.rule))) : null,
      el("label", { class: "muted" }, hide, " hide passed rules"));
  }

  function verdictGroups(groups, compare) {
    const before = {};
    if (compare) for (const g of compare) for (const v of g.verdicts) before[v.rule] = v.kind;
    return groups.map((g) => el("div", { class: "area" }, el("h3", {}, g.area),
      el("ul", { class: "verdicts" }, g.verdicts.map((v) => {
        const vd = v.verdict || {};
        const changed = compare && before[v.rule] && before[v.rule] !== v.kind;
        const ans = vd.answer ? " → HTTP " + vd.answer.status + " " + ((vd.answer.spineCode || {}).code || "") : "";
        return el("li", { class: "verdict " + v.kind + (changed ? " changed" : ""), id: compare ? null : "v-" + v.rule },
          chip(v.rule, v.kind, "#/rules?rule=" + encodeURIComponent(v.rule)),
          el("span", { class: "kind" }, kindLabel(v.kind) + ans + (changed ? " (was " + kindLabel(before[v.rule]) + ")" : "")),
          vd.reason ? el("div", { class: "reason" }, vd.reason) : null,
          vd.path ? el("div", { class: "muted" }, "at " + vd.path) : null,
          Array.isArray(vd.findings) && vd.findings.length ? el("ul", { class: "findings" }, vd.findings.map(finding)) : null,
          el("details", {}, el("summary", {}, "rule text"), el("p", {}, v.text)));
      }))));
  }

  // finding is one located breach of a content rule: where, why, what.
  function finding(f) {
    const where = [f.entry >= 0 ? "entry[" + f.entry + "]" : "", f.path || ""].filter(Boolean).join(" ");
    const line = f.line > 0 ? el("button", { type: "button", class: "goto", onclick: () => {
      const n = document.querySelector('pre[data-name="body"] [data-line="' + Number(f.line) + '"]');
      if (n) { n.scrollIntoView({ block: "center" }); n.classList.add("flash"); setTimeout(() => n.classList.remove("flash"), 1500); }
    } }, "line " + f.line) : null;
    return el("li", {}, line, where ? el("code", {}, where) : null, " ", f.reason || "",
      f.excerpt ? el("span", { class: "muted" }, " (" + f.excerpt + ")") : null);
  }

  function headerTable(headers) {
    if (!headers || !headers.length) return el("p", { class: "muted" }, "none");
    return el("table", { class: "kv" }, el("tbody", {}, headers.map((h) => el("tr", { class: h.rules ? "marked" : "" },
      el("th", {}, h.name), el("td", {}, el("code", {}, h.value)), el("td", { class: "chips" }, (h.rules || []).map((r) => chip(r, "fail")))))));
  }

  function jwtView(j) {
    const table = (title, lines) => el("div", {}, el("h3", {}, title),
      el("table", { class: "kv" }, el("tbody", {}, (lines || []).map((c) => el("tr", { class: c.rules ? "marked" : "" },
        el("th", {}, c.name), el("td", {}, el("code", {}, c.value)),
        el("td", { class: "chips" }, (c.rules || []).map((r) => chip(r, "fail"))))))));
    return el("div", { class: "jwt" }, table("Header", j.header), table("Claims", j.claims), j.raw ? el("pre", { class: "code" }, j.raw) : null);
  }

  function textBlock(t, name) {
    if (!t.lines || !t.lines.length || (t.lines.length === 1 && t.lines[0] === "")) return el("p", { class: "muted" }, "empty");
    const marks = t.marks || {};
    const pre = el("pre", { class: "code numbered", "data-name": name });
    const frag = document.createDocumentFragment();
    t.lines.forEach((line, i) => {
      const rules = marks[i + 1];
      frag.append(el("span", { class: "line" + (rules ? " hl" : ""), "data-line": i + 1, title: rules ? rules.join(", ") : null },
        el("span", { class: "ln" }, String(i + 1)), el("span", { class: "lc" }, line),
        rules ? el("span", { class: "lm" }, rules.join(" ")) : null));
    });
    pre.append(frag);
    return [t.note || t.pretty ? el("p", { class: "muted" }, [t.pretty ? "Laid out for reading (it came on one line); line numbers are the layout's." : "", t.note || ""].join(" ")) : null, pre];
  }

  function responseSection(r) {
    return el("div", {}, el("p", {}, "HTTP ", el("span", { class: "status-code " + statusClass(r.status) }, String(r.status))),
      headerTable(r.headers), textBlock(r.body, "response"));
  }

  // ---- rules ---------------------------------------------------------

  async function showRules() {
    let d;
    try { d = await getJSON("api/rules"); } catch (err) { show(el("p", { class: "error" }, err.message)); return; }
    state.rules = d;
    if (state.view !== "rules") return;
    const want = parseHash().params.get("rule");
    const areas = [];
    const byArea = {};
    for (const r of d.rules) {
      if (!byArea[r.area]) { byArea[r.area] = []; areas.push(r.area); }
      byArea[r.area].push(r);
    }
    const link = (id) => el("a", { href: "#/r/" + encodeURIComponent(id) }, id);
    show(el("h1", {}, "Rules ", el("span", { class: "muted small" }, "profile " + d.profile + "; counts over the " + d.held + " request(s) held")),
      areas.map((a) => el("section", { class: "block" }, el("h2", {}, a), byArea[a].map((r) => {
        const rule = r.rule || {};
        const answers = [].concat(rule.answer ? [rule.answer] : [], rule.alternatives || [], rule.answers || []);
        const c = r.counts || {};
        const broke = c.fail || 0;
        return el("article", { class: "rule" + (want === r.id ? " target" : "") + (r.applies ? "" : " inapplicable"), id: "rule-" + r.id },
          el("h3", {}, el("code", {}, r.id), r.severity ? el("span", { class: "chip " + (r.severity === "warning" ? "warning" : "fail") }, r.severity) : null,
            r.applies ? null : el("span", { class: "muted" }, " (not in profile " + d.profile + ")")),
          rule.summary ? el("p", { class: "summary" }, codeSpans(rule.summary)) : null,
          el("p", {}, rule.text), el("p", { class: "muted" }, "Source: " + (rule.source || "")),
          answers.length ? el("ul", { class: "answers muted" }, answers.map((x) => el("li", {},
            "HTTP " + x.status + " " + ((x.spineCode || {}).code || "") + (x.issueType ? " (" + x.issueType + ")" : ""),
            x.when ? ": " + x.when : ""))) : null,
          el("p", { class: "counts" },
            el("a", { class: "chip pass", href: "#/?rule=" + encodeURIComponent(r.id) + "&outcome=pass" }, (c.pass || 0) + " kept"),
            el("a", { class: "chip fail", href: "#/?rule=" + encodeURIComponent(r.id) + "&outcome=fail" }, broke + " broke"),
            c.warning ? el("a", { class: "chip warning", href: "#/?rule=" + encodeURIComponent(r.id) + "&outcome=warning" }, c.warning + " warned") : null,
            el("a", { class: "chip not-assessed", href: "#/?rule=" + encodeURIComponent(r.id) + "&outcome=not-assessed" }, (c["not-assessed"] || 0) + " not assessed")),
          r.broke.length ? el("p", { class: "links" }, "Broke: ", r.broke.map(link)) : null,
          r.kept.length ? el("p", { class: "links" }, "Kept: ", r.kept.map(link)) : null);
      }))));
    if (want) { const t = document.getElementById("rule-" + want); if (t) t.scrollIntoView(); }
  }

  // codeSpans shows `code` in a summary as code, the rest as text.
  function codeSpans(text) {
    return String(text).split("`").map((part, i) => (i % 2 ? el("code", {}, part) : part));
  }

  // ---- world ---------------------------------------------------------

  async function showWorld() {
    let d;
    try { d = await getJSON("api/world"); } catch (err) { show(el("p", { class: "error" }, err.message)); return; }
    if (state.view !== "world") return;
    const cell = (v) => el("td", {}, v === undefined || v === null || v === "" ? "—" : copyable(String(v)));
    const list = (vs) => el("td", {}, (vs || []).length ? vs.map((v) => copyable(v)) : "—");
    const sp = d.spine || {};
    show(el("h1", {}, "World ", el("span", { class: "muted small" }, "the Spine directory and PDS the mock judges against")),
      el("dl", { class: "facts" }, [el("dt", {}, "Publish to"), el("dd", {}, d.publishURL ? copyable(d.publishURL) : "—"),
        el("dt", {}, "NEMS ASID (toASID)"), el("dd", {}, copyable(d.nemsASID)),
        el("dt", {}, "Profile"), el("dd", {}, d.profile)]),
      section("Endpoints (Spine directory)", el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["ASID", "Name", "ODS codes", "Interactions", "Certificate subject"].map((h) => el("th", {}, h)))),
        el("tbody", {}, (sp.endpoints || []).map((e) => el("tr", {}, cell(e.asid), el("td", {}, e.name || "—"), list(e.odsCodes), list(e.interactions), cell(e.certificateSubject))))) ),
      section("Organisations", el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["ODS code", "Name"].map((h) => el("th", {}, h)))),
        el("tbody", {}, (sp.organisations || []).map((o) => el("tr", {}, cell(o.odsCode), el("td", {}, o.name || "—")))))),
      section("Patients (PDS)", el("table", { class: "grid" },
        el("thead", {}, el("tr", {}, ["NHS number", "Family name", "Given names", "Birth date", "Flags", "Kind"].map((h) => el("th", {}, h)))),
        el("tbody", {}, ((d.pds || {}).patients || []).map((p) => el("tr", {}, cell(p.nhsNumber), cell(p.family), el("td", {}, (p.given || []).join(" ") || "—"),
          cell(p.birthDate), el("td", {}, (p.flags || []).length ? p.flags.map((f) => el("span", { class: "chip warning" }, f)) : "—"), el("td", {}, p.kind || "—")))))),
      (sp.deprecatedEvents || []).length ? section("Deprecated event types", el("table", { class: "grid" },
        el("tbody", {}, sp.deprecatedEvents.map((x) => el("tr", {}, cell(x.code), cell(x.date), el("td", {}, x.url)))))) : null);
  }

  // ---- start ---------------------------------------------------------

  async function start() {
    try {
      state.info = await getJSON("api/summary");
      setHeld(state.info.held);
      document.getElementById("profile").textContent = state.info.profile;
    } catch (err) { banner("Could not reach the mock: " + err.message, "warn"); }
    window.addEventListener("hashchange", route);
    await route();
    if (state.view !== "list") connect(0);
  }
  start();
})();
