// The view's page script (diplomatic_visits.view): inlined into every page. It draws the
// page data (the JSON in #dv-data) with textContent only: text from a record is shown, never run.
(function () {
"use strict";
var began = performance.now();
var D = JSON.parse(document.getElementById("dv-data").textContent);
var chars = Array.from(D.text);
var style = {};
D.styles.forEach(function (s) { style[s[0]] = {label: s[1], fg: s[2], bg: s[3], layer: s[4]}; });
// Invisible direction controls (embeddings, overrides, isolates, marks) would reorder what
// the reviewer reads ("Kim Jun-jong" for other characters): each is shown as its code, boxed,
// and not applied.
var BIDI = new RegExp(D.controls, "g");  // view.CONTROLS, with the page data
function fill(e, text) {
  text = String(text);
  BIDI.lastIndex = 0;
  if (!BIDI.test(text)) { e.appendChild(document.createTextNode(text)); return e; }
  var last = 0;
  text.replace(BIDI, function (c, at) {
    if (at > last) { e.appendChild(document.createTextNode(text.slice(last, at))); }
    var code = "U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    var m = document.createElement("span");
    m.className = "bidi";
    m.title = "an invisible direction control (" + code + "), shown and not applied";
    m.textContent = "[" + code + "]";
    e.appendChild(m);
    last = at + 1;
    return c;
  });
  if (last < text.length) { e.appendChild(document.createTextNode(text.slice(last))); }
  return e;
}
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined && text !== null) { fill(e, text); }
  return e;
}
function add(parent, child) { parent.appendChild(child); return child; }
fill(document.getElementById("dv-title"), D.title);
fill(document.getElementById("dv-sub"), D.subtitle);

// the legend
var legend = document.getElementById("dv-legend");
D.styles.forEach(function (s) {
  var k = add(legend, el("span", "key"));
  var sw = add(k, el("span", "sw"));
  sw.style.background = s[3]; sw.style.borderColor = s[2];
  add(k, el("span", null, s[1]));
});
add(legend, el("span", "key sub", "dashed box: a value inferred or from world knowledge · "
  + "hover or click the text for the fields it supports"));

// the text: cut at every span boundary; each piece lists the spans over it
var segsOf = {};
var placed = D.spans.filter(function (s) { return s.s !== null && s.e > s.s; });
var starts = {};
var cuts = [0, chars.length];
placed.forEach(function (s) {
  cuts.push(s.s, s.e);
  (starts[s.s] = starts[s.s] || []).push(s);
});
cuts = Array.from(new Set(cuts)).sort(function (a, b) { return a - b; });
var art = document.getElementById("dv-text");
var active = [];
for (var k = 0; k + 1 < cuts.length; k++) {
  var a = cuts[k], b = cuts[k + 1];
  active = active.filter(function (s) { return s.e > a; }).concat(starts[a] || []);
  var piece = chars.slice(a, b).join("");
  if (!active.length) { fill(art, piece); continue; }
  var seg = add(art, el("span", "seg", piece));
  seg.setAttribute("data-spans", active.map(function (s) { return s.i; }).join(" "));
  paint(seg, active);
  active.forEach(function (s) { (segsOf[s.i] = segsOf[s.i] || []).push(seg); });
}
function paint(seg, over) {
  var marks = over.filter(function (s) { return style[s.cls].layer === "mark"; });
  marks.sort(function (x, y) { return (x.e - x.s) - (y.e - y.s); });
  var shadows = [], seen = {};
  marks.forEach(function (s) {
    if (seen[s.cls]) { return; }
    seen[s.cls] = 1;
    shadows.push("inset 0 -" + (3 * (shadows.length + 1)) + "px 0 0 " + style[s.cls].fg);
  });
  if (marks.length) {
    seg.style.background = style[marks[0].cls].bg;
    seg.style.boxShadow = shadows.join(",");
    seg.style.paddingBottom = (3 * shadows.length) + "px";
  }
  var line = over.filter(function (s) { return style[s.cls].layer === "line"; })[0];
  if (line) { seg.classList.add("line"); seg.style.textDecorationColor = style[line.cls].fg; }
  if (over.some(function (s) { return style[s.cls].layer === "out"; })) { seg.classList.add("out"); }
  if (over.some(function (s) { return s.basis && style[s.cls].layer === "mark"; })) {
    seg.classList.add("inf");
  }
}

// the tip: what the spans under the pointer support
var tip = document.getElementById("dv-tip");
var pinned = false;
function describe(s) {
  var one = el("div", "one");
  var head = add(one, el("div"));
  var sw = add(head, el("span", "sw"));
  sw.style.background = style[s.cls].bg; sw.style.borderColor = style[s.cls].fg;
  add(head, el("b", null, " " + s.kind + (s.status ? " · " + s.status : "")
    + (s.side !== "record" ? " · " + s.side : "")));
  add(head, el("div", null)).appendChild(el("code", null, s.path));
  if (s.entity) { add(one, el("div", "sub", "in " + s.entity)); }
  add(one, el("div", "sub", "supports " + s.owner + ":"));
  D.owners[s.key].forEach(function (kv) {
    var p = add(one, el("div", "kv"));
    add(p, el("b", null, kv[0] + ": "));
    add(p, el("span", null, kv[1]));
  });
  if (s.basis) {
    var d = add(one, el("details"));
    var sum = add(d, el("summary"));
    add(sum, el("span", "badge " + s.basis, s.basis));
    add(sum, el("span", null, " inferred from…"));
    add(d, el("div", "kv", s.inferred_from || "(no reason given)"));
  }
  if (s.how === "quote") { add(one, el("div", "sub", "no offsets: the quote's first occurrence" + (s.n > 1 ? " (of several)" : ""))); }
  if (s.how === "moved") { add(one, el("div", "badge flag", "the offsets do not hold this quote")); }
  return one;
}
function spansOf(seg) {
  // innermost first; the spans that cover whole sentences or the body last
  var quiet = function (s) { return style[s.cls].layer === "quiet" ? 1 : 0; };
  return seg.getAttribute("data-spans").split(" ").map(function (i) { return D.spans[+i]; })
    .sort(function (x, y) { return quiet(x) - quiet(y) || (x.e - x.s) - (y.e - y.s); });
}
function show(seg, x, y) {
  tip.textContent = "";
  spansOf(seg).forEach(function (s) { tip.appendChild(describe(s)); });
  tip.appendChild(el("div", "pin", pinned ? "pinned: Esc or click elsewhere to close" : "click to pin"));
  tip.hidden = false;
  var w = tip.offsetWidth, h = tip.offsetHeight;
  tip.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - w - 8)) + "px";
  tip.style.top = Math.max(4, Math.min(y + 14, window.innerHeight - h - 8)) + "px";
}
function clearSel() {
  Array.prototype.forEach.call(document.querySelectorAll(".seg.sel"), function (s) { s.classList.remove("sel"); });
}
function select(ids, scroll) {
  clearSel();
  var first = null;
  ids.forEach(function (i) {
    (segsOf[i] || []).forEach(function (seg) { seg.classList.add("sel"); first = first || seg; });
  });
  if (first && scroll) { first.scrollIntoView({block: "center"}); }
  return first;
}
art.addEventListener("mouseover", function (ev) {
  var seg = ev.target.closest && ev.target.closest(".seg");
  if (!seg || pinned) { return; }
  show(seg, ev.clientX, ev.clientY);
});
art.addEventListener("mouseout", function (ev) {
  if (!pinned && !(ev.relatedTarget && ev.relatedTarget.closest && ev.relatedTarget.closest(".seg"))) { tip.hidden = true; }
});
art.addEventListener("click", function (ev) {
  var seg = ev.target.closest && ev.target.closest(".seg");
  if (!seg) { pinned = false; tip.hidden = true; clearSel(); return; }
  pinned = true;
  var over = spansOf(seg);
  var loud = over.filter(function (s) { return style[s.cls].layer !== "quiet"; });
  select((loud.length ? loud : over.slice(0, 1)).map(function (s) { return s.i; }), false);
  show(seg, ev.clientX, ev.clientY);
});
document.addEventListener("keydown", function (ev) {
  if (ev.key === "Escape") { pinned = false; tip.hidden = true; clearSel(); }
});

// problems at the top: validation issues, quotes not in the text
var problems = document.getElementById("dv-problems");
function listItem(parent, item) {
  var li = add(parent, el("li", item.spans && item.spans.length ? "has" : null));
  add(li, el("span", "lab", item.label));
  (item.badges || []).forEach(function (b) { add(li, el("span", "badge " + b, b)); });
  if (item.sub) { add(li, el("div", "sub", item.sub)); }
  if (item.details && item.details.length) {
    item.details.forEach(function (kv) {
      var p = add(li, el("div", "kv"));
      add(p, el("b", null, kv[0] + ": "));
      add(p, el("span", null, kv[1]));
    });
  }
  if (item.more) {
    var d = add(li, el("details"));
    add(d, el("summary", null, "inferred from…"));
    add(d, el("div", "kv", item.more));
  }
  if (item.fields) {
    var t = add(li, el("table"));
    var hr = add(t, el("tr"));
    ["field", "gold", "prediction", "credit"].forEach(function (h) { add(hr, el("th", null, h)); });
    item.fields.forEach(function (r) {
      if (r[1] === null && r[2] === null) { return; }
      var tr = add(t, el("tr"));
      r.forEach(function (c) { add(tr, el("td", null, c === null ? "—" : c)); });
    });
  }
  if (item.spans && item.spans.length) {
    li.setAttribute("data-spans", item.spans.join(" "));
    li.addEventListener("click", function (ev) {
      var inner = ev.target.closest("details");
      if (inner && li.contains(inner)) { return; }  // opening "inferred from…"
      pinned = false; tip.hidden = true;
      select(item.spans, true);
    });
  }
  return li;
}
if (D.issues.length) {
  var box = add(problems, el("div", "problems"));
  box.id = "dv-issues";
  add(box, el("h2", null, D.issues.length + " validation issue" + (D.issues.length === 1 ? "" : "s")));
  var ol = add(box, el("ol"));
  D.issues.forEach(function (is) {
    var li = listItem(ol, {label: is.path, sub: is.message, spans: is.spans,
      badges: [is.keyword].concat(is.side !== "record" ? [is.side] : [])});
    li.classList.add("issue");
  });
}
if (D.missing.items.length) {
  var mb = add(problems, el("div", "problems"));
  mb.id = "dv-missing";
  add(mb, el("h2", null, D.missing.items.length + " quote" + (D.missing.items.length === 1 ? "" : "s") + " not in the text"));
  var mo = add(mb, el("ol"));
  D.missing.items.forEach(function (it) { listItem(mo, it); });
}

// the side panel
var panel = document.getElementById("dv-panel");
if (D.scores) {
  var sg = add(panel, el("details", "group"));
  sg.open = true;
  sg.id = "dv-scores";
  add(sg, el("summary", null, "Per-field scores"));
  var st = add(sg, el("table"));
  var sh = add(st, el("tr"));
  ["object", "field", "P", "R", "F1", "TP", "FP", "FN"].forEach(function (h) { add(sh, el("th", null, h)); });
  function num(x) { return x === null ? "n/a" : (Math.round(x * 1000) / 1000).toFixed(3); }
  D.scores.forEach(function (r) {
    var tr = add(st, el("tr"));
    add(tr, el("td", null, r[0])); add(tr, el("td", null, r[1]));
    r.slice(2).forEach(function (x, j) { add(tr, el("td", "num", j < 3 ? num(x) : (Math.round(x * 100) / 100))); });
  });
}
D.groups.forEach(function (g) {
  var d = add(panel, el("details", "group" + (g.flag ? " flag" : "")));
  d.setAttribute("data-group", g.key);
  d.setAttribute("data-count", g.items.length);
  d.open = g.items.length > 0 && g.items.length <= 40;
  add(d, el("summary", null, g.title + " (" + g.items.length + ")"));
  var ul = add(d, el("ul", "items"));
  g.items.forEach(function (it) { listItem(ul, it); });
});
document.body.setAttribute("data-ready", "1");
document.body.setAttribute("data-render-ms", String(Math.round(performance.now() - began)));
})();
