/* assess serve: the pages' behaviour. No inline script (CSP); every submitted text is placed with
   textContent, never as HTML. */
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const el = (tag, attrs, ...kids) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  };
  const readJSON = id => JSON.parse(document.getElementById(id).textContent);
  const send = (method, url, body, headers) => fetch(url, {
    method, credentials: "same-origin",
    headers: Object.assign({"Content-Type": "application/json", "X-CSRF-Token": csrf}, headers || {}),
    body: body === undefined ? undefined : JSON.stringify(body)});

  /* ---- index: a new blank submission, an upload ---- */
  function index() {
    const blank = $("#new-blank");
    if (blank) blank.addEventListener("click", async () => {
      const r = await send("POST", "/api/new", {});
      if (r.ok) location.href = (await r.json()).url;
    });
    const upload = $("#upload");
    if (upload) upload.addEventListener("change", async () => {
      const file = upload.files[0];
      if (!file) return;
      const r = await fetch("/api/upload?name=" + encodeURIComponent(file.name), {
        method: "POST", credentials: "same-origin", body: file,
        headers: {"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf}});
      const data = await r.json();
      const box = $("#upload-problems");
      box.replaceChildren();
      if (r.ok) { location.href = data.url; return; }
      const list = el("ul", {class: "problems"});
      for (const p of data.problems || [{message: data.error}])
        list.append(el("li", {text: where(p) + p.message}));
      box.append(el("p", {text: "The file cannot be opened:"}), list);
    });
  }
  const where = p => [p.file, p.line, p.field].filter(x => x !== null && x !== undefined && x !== "").join(": ") + (p.file || p.field ? ": " : "");

  /* ---- the self-assessment form ---- */
  function form() {
    const layout = readJSON("layout");
    const doc = readJSON("doc");
    let data = readJSON("initial");
    const fileData = readJSON("file-data");
    const opened = JSON.parse(JSON.stringify(fileData || data));
    let seq = doc.seq || 0;
    let baseline = null;   // the assessment of the opened version
    let latest = null;
    const fields = $("#fields");

    const get = (obj, path) => path.split(".").reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
    function set(obj, path, value) {
      const parts = path.split(".");
      let o = obj;
      for (const p of parts.slice(0, -1)) { if (typeof o[p] !== "object" || o[p] === null) o[p] = {}; o = o[p]; }
      const last = parts[parts.length - 1];
      if (value === undefined) delete o[last]; else o[last] = value;
      if (parts.length > 1 && Object.keys(o).length === 0) set(obj, parts.slice(0, -1).join("."), undefined);
    }
    const fid = path => "f-" + path.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/\./g, "--");

    function scalar(kind, text) {
      const t = text.trim();
      if (t === "") return undefined;
      if (kind === "int") return /^-?\d+$/.test(t) ? Number(t) : t;
      if (kind === "float") { const n = Number(t.replace(/%$/, "")); return t !== "" && !isNaN(n) ? n : t; }
      if (kind === "bool") return t === "true" ? true : t === "false" ? false : t;
      return t;
    }
    function parse(col, text) {
      if (col.kind === "list") {
        const items = text.split(",").map(s => s.trim()).filter(Boolean).map(s => scalar(col.item_kind, s));
        return items.length ? items : undefined;
      }
      return scalar(col.kind, text);
    }
    const show = v => v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);

    function control(col, id, value, describedBy) {
      let input;
      if (col.kind === "bool" || col.kind === "enum") {
        input = el("select", {id});
        input.append(el("option", {value: "", text: "—"}));
        const values = col.kind === "bool" ? [["true", "Yes"], ["false", "No"]] : col.values.map(v => [String(v), String(v)]);
        for (const [v, label] of values) input.append(el("option", {value: v, text: label}));
        input.value = show(value);
      } else {
        const type = col.kind === "date" ? "date" : (col.kind === "int" || col.kind === "float") ? "text" : "text";
        input = el("input", {id, type, inputmode: col.kind === "int" ? "numeric" : col.kind === "float" ? "decimal" : null,
                             autocomplete: "off"});
        input.value = show(value);
      }
      if (describedBy) input.setAttribute("aria-describedby", describedBy);
      return input;
    }

    function sectionField(col) {
      const id = fid(col.path);
      const help = el("span", {class: "help", id: id + "-help",
        text: [col.kind_text + (col.unit ? " (" + col.unit + ")" : ""), col.help].filter(Boolean).join(". ")});
      const problem = el("span", {class: "problem", id: "e-" + id});
      const input = control(col, id, get(data, col.path), id + "-help e-" + id);
      input.dataset.path = col.path;
      input.addEventListener("input", () => { set(data, col.path, parse(col, input.value)); changed(); });
      input.addEventListener("change", () => { set(data, col.path, parse(col, input.value)); changed(); });
      return el("div", {class: "field", "data-field": col.path},
                el("label", {for: id, text: col.label + (col.required ? " (required)" : "")}), help, input, problem);
    }

    function listSection(sheet) {
      const set_ = el("fieldset", {id: "s-" + sheet.key});
      set_.append(el("legend", {text: sheet.title}));
      if (sheet.doc) set_.append(el("p", {class: "help", text: sheet.doc}));
      const table = el("table", {class: "records"});
      const headRow = el("tr", {}, el("th", {scope: "col", text: "Row"}));
      for (const col of sheet.columns) headRow.append(el("th", {scope: "col", title: col.help, text: col.label}));
      table.append(el("thead", {}, headRow));
      const body = el("tbody");
      table.append(body);
      const problems = el("div", {class: "problem", id: "e-" + fid(sheet.key), role: "status"});
      function render() {
        body.replaceChildren();
        const rows = Array.isArray(data[sheet.key]) ? data[sheet.key] : [];
        rows.forEach((row, i) => {
          const tr = el("tr");
          const remove = el("button", {type: "button", class: "secondary", text: "Remove row " + (i + 1)});
          remove.addEventListener("click", () => {
            rows.splice(i, 1);
            if (!rows.length) delete data[sheet.key];
            render(); changed();
            const next = body.querySelector("button") || add;
            next.focus();
          });
          tr.append(el("td", {}, remove));
          for (const col of sheet.columns) {
            const path = sheet.key + "." + i + "." + col.name;
            const id = fid(path);
            const input = control(col, id, row[col.name], "e-" + id);
            input.dataset.path = path;
            input.setAttribute("aria-label", col.label + ", row " + (i + 1));
            const update = () => { const v = parse(col, input.value); if (v === undefined) delete row[col.name]; else row[col.name] = v; changed(); };
            input.addEventListener("input", update);
            input.addEventListener("change", update);
            tr.append(el("td", {"data-field": path}, input, el("span", {class: "problem", id: "e-" + id})));
          }
          body.append(tr);
        });
      }
      const add = el("button", {type: "button", id: "add-" + sheet.key, text: "Add a row to " + sheet.title});
      add.addEventListener("click", () => {
        if (!Array.isArray(data[sheet.key])) data[sheet.key] = [];
        if (sheet.max_items && data[sheet.key].length >= sheet.max_items) return;
        data[sheet.key].push({});
        render(); changed();
        const inputs = body.querySelectorAll("tr:last-child input, tr:last-child select");
        if (inputs.length) inputs[0].focus();
      });
      render();
      set_.append(el("div", {class: "table-wrap"}, table), add, problems);
      set_.rerender = render;
      return set_;
    }

    for (const sheet of layout) {
      if (sheet.is_list) { fields.append(listSection(sheet)); continue; }
      const fs = el("fieldset", {id: "s-" + (sheet.key || "top")});
      fs.append(el("legend", {text: sheet.title}));
      if (sheet.doc) fs.append(el("p", {class: "help", text: sheet.doc}));
      for (const col of sheet.columns) fs.append(sectionField(col));
      fields.append(fs);
    }

    /* highlight what differs from the opened version */
    function markChanged() {
      for (const holder of document.querySelectorAll("[data-field]")) {
        const path = holder.dataset.field;
        holder.classList.toggle("changed", JSON.stringify(get(data, path)) !== JSON.stringify(get(opened, path)));
      }
    }

    /* drafts: every change is sent; the status says when the server has it on disk */
    const status = $("#draft-status");
    let saving = Promise.resolve();
    function saveDraft() {
      const mine = ++seq;
      const body = {data, seq: mine, base_sha256: doc.opened_sha256};
      saving = saving.then(() => send("PUT", "/api/drafts/" + doc.id, body)).then(r => r.json()).then(r => {
        if (r.seq >= mine) { status.textContent = "Draft saved"; document.body.dataset.draftSeq = r.seq; }
      }).catch(() => { status.textContent = "Draft NOT saved: is the server running?"; });
    }

    /* the what-if */
    let timer = null;
    function changed() {
      markChanged();
      saveDraft();
      clearTimeout(timer);
      timer = setTimeout(score, 120);
    }
    let asked = 0;
    async function score() {
      const mine = ++asked;
      const r = await fetch("/api/assess", {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)});
      if (mine !== asked) return;
      const answer = await r.json();
      document.body.dataset.answered = String(mine);
      for (const p of document.querySelectorAll(".problem")) if (p.id.startsWith("e-")) p.textContent = "";
      for (const h of document.querySelectorAll(".invalid")) h.classList.remove("invalid");
      $("#general-problems").replaceChildren();
      if (r.status === 422) { showProblems(answer.problems); return; }
      if (!r.ok) { $("#general-problems").textContent = answer.error || "The server could not score it."; return; }
      if (baseline === null) baseline = answer;
      latest = answer;
      renderVerdict(answer);
      document.body.dataset.scored = String(mine);
    }
    function showProblems(problems) {
      const general = el("ul", {class: "problems"});
      for (const p of problems) {
        const target = p.field ? document.getElementById("e-" + fid(p.field)) : null;
        if (target) {
          target.textContent = (target.textContent ? target.textContent + " " : "") + p.message;
          const holder = target.closest("[data-field]");
          if (holder) holder.classList.add("invalid");
        } else general.append(el("li", {text: (p.field ? p.field + ": " : "") + p.message}));
      }
      const box = $("#general-problems");
      box.append(el("p", {text: problems.length + (problems.length === 1 ? " problem" : " problems") +
        " to correct before it can be scored (as assess check gives them, beside each field)."}));
      if (general.children.length) box.append(general);
      $("#verdict-body").replaceChildren(el("p", {class: "muted", text: "Not scored: correct the problems shown."}));
    }

    function delta(label, now, before, id) {
      const dd = el("dd", {id});
      dd.append(String(now));
      if (before !== undefined && String(before) !== String(now)) {
        dd.classList.add("moved");
        dd.append(" ", el("span", {class: "muted", text: "(was " + before + ")"}));
      }
      return [el("dt", {text: label}), dd];
    }
    function renderVerdict(a) {
      const b = baseline;
      const dl = el("dl", {class: "verdict"});
      dl.append(...delta("Rating", a.rating, b.rating, "v-rating"), ...delta("Score", a.score, b.score, "v-score"),
                ...delta("Stage", a.stage, b.stage, "v-stage"),
                ...delta("Readiness", a.readiness ? a.readiness.label : a.ics_readiness,
                         b.readiness ? b.readiness.label : b.ics_readiness, "v-readiness"));
      const out = [dl];
      const before = Object.fromEntries(b.domains.map(d => [d.domain, d]));
      const moved = a.domains.filter(d => before[d.domain] && before[d.domain].score !== d.score);
      out.push(el("h3", {text: "Domains that moved"}));
      const dm = el("ul", {id: "v-domains"});
      for (const d of moved) {
        const up = (d.score || 0) > (before[d.domain].score || 0);
        dm.append(el("li", {}, el("span", {class: up ? "up" : "down", text: up ? "▲ " : "▼ "}),
          d.name + ": " + before[d.domain].score + " → " + d.score));
      }
      if (!moved.length) dm.append(el("li", {class: "muted", text: "none"}));
      out.push(dm);
      const was = Object.fromEntries(b.criteria.map(c => [c.id, c.status]));
      const newlyMet = a.criteria.filter(c => c.status === "met" && was[c.id] && was[c.id] !== "met");
      const newlyUnmet = a.criteria.filter(c => c.status === "not_met" && was[c.id] && was[c.id] !== "not_met");
      for (const [title, list, id] of [["Newly met", newlyMet, "v-newly-met"], ["Newly not met", newlyUnmet, "v-newly-unmet"]]) {
        out.push(el("h3", {text: title}));
        const ul = el("ul", {id});
        for (const c of list) ul.append(el("li", {text: c.id + ": " + c.title}));
        if (!list.length) ul.append(el("li", {class: "muted", text: "none"}));
        out.push(ul);
      }
      out.push(el("h3", {text: "Path to readiness"}));
      const ol = el("ol", {id: "v-path"});
      const byId = Object.fromEntries(a.criteria.map(c => [c.id, c]));
      for (const step of a.path_to_ics) {
        const li = el("li", {}, step.id + ": " + step.title + " (+" + step.gain + ")");
        const c = byId[step.id];
        const paths = c ? [...new Set((c.explanation || []).map(x => x.field).filter(Boolean))] : [];
        for (const p of paths) {
          const target = document.getElementById(fid(p)) || document.getElementById("s-" + p.split(".")[0]);
          if (!target) continue;
          const link = el("a", {href: "#" + target.id, text: p});
          link.addEventListener("click", ev => { ev.preventDefault(); target.scrollIntoView({block: "center"}); target.focus(); });
          li.append(" ", link);
        }
        ol.append(li);
      }
      if (!a.path_to_ics.length) ol.append(el("li", {class: "muted", text: "nothing left to do"}));
      out.push(ol);
      $("#verdict-body").replaceChildren(...out);
    }

    /* save: show the diff, then write */
    const saveButton = $("#save");
    const panel = $("#save-panel");
    let force = false;
    if (saveButton) saveButton.addEventListener("click", async () => {
      force = false;
      const r = await send("POST", "/api/documents/" + doc.id + "/diff", {data});
      const answer = await r.json();
      const box = $("#save-diff");
      box.replaceChildren(diffTable(answer.changes));
      $("#save-message").textContent = answer.sha256 !== doc.opened_sha256
        ? "The file changed on disk since you opened it: writing will overwrite those changes." : "";
      panel.hidden = false;
      $("#save-confirm").focus();
    });
    if (panel) {
      $("#save-cancel").addEventListener("click", () => { panel.hidden = true; saveButton.focus(); });
      $("#save-confirm").addEventListener("click", async () => {
        await saving;  // the drafts sent so far are on disk: the save supersedes them
        const r = await send("POST", "/api/documents/" + doc.id + "/save", {data, seq, opened_sha256: doc.opened_sha256, force});
        const answer = await r.json();
        if (r.ok) {
          doc.opened_sha256 = answer.sha256;
          Object.keys(opened).forEach(k => delete opened[k]);
          Object.assign(opened, JSON.parse(JSON.stringify(data)));
          baseline = latest;
          markChanged();
          if (latest) renderVerdict(latest);
          panel.hidden = true;
          status.textContent = "Saved to " + answer.saved;
          document.body.dataset.saved = answer.sha256;
          saveButton.focus();
        } else if (r.status === 409) {
          force = true;
          $("#save-diff").replaceChildren(diffTable(answer.changes || []));
          $("#save-message").textContent = answer.error + ". Press 'Write the file' again to overwrite it.";
        } else if (r.status === 422) {
          $("#save-message").textContent = "Not saved: correct the problems shown beside the fields first.";
          showProblems(answer.problems);
        } else $("#save-message").textContent = answer.error || "Not saved.";
      });
    }
    function diffTable(changes) {
      if (!changes.length) return el("p", {text: "No differences from the file on disk."});
      const t = el("table", {class: "diff"});
      t.append(el("caption", {text: changes.length + " field(s) differ from the file on disk"}));
      t.append(el("tr", {}, el("th", {scope: "col", text: "Field"}), el("th", {scope: "col", text: "On disk"}),
                          el("th", {scope: "col", text: "Now"})));
      for (const c of changes) t.append(el("tr", {}, el("td", {text: c.field}), el("td", {text: show(c.before)}),
                                               el("td", {text: show(c.after)})));
      return t;
    }
    if (doc.recovered) {
      send("POST", "/api/documents/" + doc.id + "/diff", {data}).then(r => r.json()).then(answer => {
        $("#recovered").after(diffTable(answer.changes));
      });
    }
    markChanged();
    score();
  }

  /* ---- the desk: record a decision ---- */
  function review() {
    const info = readJSON("review");
    const formEl = $("#decision-form");
    if (!formEl) return;
    const date = $("#d-date");
    if (!date.value) date.value = new Date().toISOString().slice(0, 10);
    formEl.addEventListener("submit", async ev => {
      ev.preventDefault();
      const crit = $("#d-criterion");
      const record = {submission: info.code, criterion: crit.value, decision: $("#d-decision").value,
        justification: $("#d-justification").value, reviewer: $("#d-reviewer").value, date: date.value};
      if ($("#d-evidence").value.trim()) record.evidence = $("#d-evidence").value;
      const fp = crit.selectedOptions[0].dataset.fingerprint;
      if (fp) record.fingerprint = fp;
      const version = info.versions[crit.value] || "new";
      const r = await send("POST", "/api/decisions", record, {"If-Match": version});
      const answer = await r.json();
      for (const p of formEl.querySelectorAll(".problem")) p.textContent = "";
      const result = $("#decision-result");
      result.replaceChildren();
      if (r.status === 201) {
        info.versions[crit.value] = answer.version;
        const m = answer.moderated;
        if (m) {
          $("#moderated-verdict").textContent = m.rating + ", " + m.score + ", " + m.stage + ", readiness " + m.ics_readiness;
          const row = document.getElementById("row-" + crit.value);
          if (row && m.criterion) row.querySelector(".moderated-status").textContent = m.criterion.status + " (" + record.reviewer + ")";
          result.append(el("p", {text: "Recorded. " + crit.value + ": engine " + (m.criterion ? m.criterion.engine_status : "?") +
            ", moderated " + (m.criterion ? m.criterion.status : "?") + " (" + (m.decision_state || "recorded") + "). Verdict now " +
            m.rating + " (engine: " + m.engine.rating + ")."}));
        } else result.append(el("p", {text: "Recorded (the submission's file is not served: no moderated verdict)."}));
        document.body.dataset.recorded = crit.value;
      } else if (r.status === 422) {
        for (const p of answer.problems) {
          const target = p.field && document.getElementById("e-" + p.field);
          if (target) target.textContent = p.message; else result.append(el("p", {class: "problem", text: where(p) + p.message}));
        }
      } else if (r.status === 409) {
        info.versions[crit.value] = answer.version;
        const c = answer.current;
        result.append(el("p", {class: "problem", text: answer.error}));
        if (c) result.append(el("p", {text: "Theirs: " + c.decision + " by " + c.reviewer + " on " + c.date + ": " + c.justification}));
      } else result.append(el("p", {class: "problem", text: answer.error || "Not recorded."}));
    });
  }

  const pages = {index, form, review};
  const run = pages[document.body.dataset.page];
  if (run) run();
})();
