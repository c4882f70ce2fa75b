/* Fault Lines: timeline filters and "copy" buttons for citations.
 *
 * Plain JavaScript, no framework, no network. Every page works without it: the filter form and the copy buttons
 * are in the HTML but hidden, and only this file reveals them. The filter state lives in the URL query
 * (?type=radar-lock&actor=jasdf&year=2025&text=…) so a filtered view can be shared; the back button restores
 * the previous view. Free text uses "text", not "q": Material opens its search dialog for ?q=.
 */
(function () {
  "use strict";

  var NARROW = "(max-width: 44.9375em)"; /* Material's phone/tablet breakpoint: the filters fold away */
  var TYPING_PAUSE = 1000; /* ms: one history entry per burst of typing, not one per key */

  function normalise(text) {
    return (text || "").normalize("NFKC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }

  /* Without spaces and dashes: "Tu95" finds "Tu-95", "tu 95" and "Tu‑95" (the text is normalised first). */
  var JOINERS = /[\s\-\u2010-\u2015\u2212\u30fb\u00b7._/]+/g;
  function compact(text) {
    return text.replace(JOINERS, "");
  }

  function words(value) {
    return value ? value.split(/\s+/).filter(Boolean) : [];
  }

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  /* --- timeline filters ---------------------------------------------------------------------------------- */

  function setupFilters(root) {
    var form = root.querySelector("form");
    var text = root.querySelector("[data-fl-text]");
    var selects = toArray(root.querySelectorAll("select[data-fl-attribute]"));
    var count = root.querySelector("[data-fl-count]");
    var active = root.querySelector("[data-fl-active]");
    var panel = root.querySelector("details");
    var container = root.parentElement;
    var empty = root.querySelector("[data-fl-empty]");
    /* Items: timeline entries, and anything marked data-fl-item (map markers and routes, table rows). The
       items of one incident share data-fl-id and are shown or hidden together; its words are all of theirs. */
    var byId = {};
    var entries = [];
    function register(el) {
      var id = el.getAttribute("data-fl-id") || el.id;
      var entry = byId[id];
      if (!entry) {
        entry = byId[id] = { element: el, elements: [], text: null, compact: null };
        entries.push(entry);
      }
      entry.elements.push(el);
      entry.text = entry.compact = null; /* its words are read again, with this item's */
      /* the facets are read from the item that carries them (an entry or a row, not a mark that refers to it) */
      if (el.hasAttribute("data-type") && !entry.element.hasAttribute("data-type")) entry.element = el;
    }
    toArray(container.querySelectorAll(".fl-timeline > li.fl-entry, [data-fl-item]")).forEach(register);
    /* an entry's words, read when words are first filtered by, not as the page loads (hundreds of entries) */
    function readWords(entry) {
      entry.text = entry.elements.map(function (el) {
        return normalise(
          el.textContent + " " + (el.getAttribute("aria-label") || "") + " " + (el.getAttribute("data-fl-words") || "")
        );
      }).join(" ");
      entry.compact = compact(entry.text);
    }
    var total = entries.length;
    var parameters = [text.name].concat(selects.map(function (select) { return select.name; }));
    var typingTimer = null;

    /* The filter values as the form holds them, by parameter name. */
    function formState() {
      var state = {};
      state[text.name] = text.value.trim();
      selects.forEach(function (select) { state[select.name] = select.value; });
      return state;
    }

    /* Put a state (from the URL) into the form; values with no matching option are ignored. */
    function setForm(state) {
      var words = state[text.name] || "";
      if (text.value !== words) text.value = words;
      selects.forEach(function (select) { /* set only what changes: setting a value makes the browser work */
        var value = state[select.name] || "";
        var known = value !== "" && toArray(select.options).some(function (o) { return o.value === value; });
        if (select.value !== (known ? value : "")) select.value = known ? value : "";
      });
    }

    function urlState(search) {
      var params = new URLSearchParams(search);
      var state = {};
      parameters.forEach(function (name) { state[name] = params.get(name) || ""; });
      return state;
    }

    /* This page's URL for a state: our parameters in a fixed order, any others (e.g. Material's ?h=) kept. */
    function stateUrl(state) {
      var params = new URLSearchParams(location.search);
      parameters.forEach(function (name) { params.delete(name); });
      selects.forEach(function (select) {
        if (state[select.name]) params.append(select.name, state[select.name]);
      });
      if (state[text.name]) params.append(text.name, state[text.name]);
      var query = params.toString();
      return location.pathname + (query ? "?" + query : "") + location.hash;
    }

    function matches(entry, state) {
      for (var i = 0; i < selects.length; i++) {
        var value = state[selects[i].name];
        if (!value) continue;
        var have = entry.element.getAttribute(selects[i].dataset.flAttribute);
        var range = selects[i].dataset.flRange;
        if (range === "min" ? Number(have) < Number(value)
          : range === "max" ? Number(have) > Number(value)
          : words(have).indexOf(value) < 0)
          return false;
      }
      var terms = words(normalise(state[text.name]));
      if (terms.length && entry.text === null) readWords(entry);
      for (var j = 0; j < terms.length; j++)
        if (entry.text.indexOf(terms[j]) < 0 && entry.compact.indexOf(compact(terms[j])) < 0) return false;
      return true;
    }

    /* Show the matching entries; hide month and year headings (and their table-of-contents links) left empty. */
    var filtered = false; /* whether anything may be hidden by an earlier filter */
    function apply(state) {
      place(state.year || ""); /* a year's axis joins the page before the filter reaches its marks */
      var filtering = parameters.some(function (name) { return state[name]; });
      var shown = total;
      if (filtering || filtered) { /* no filter, nothing hidden (as the page loads): nothing to show or hide */
        shown = 0;
        entries.forEach(function (entry) {
          var visible = matches(entry, state);
          entry.elements.forEach(function (el) {
            if (visible) el.removeAttribute("hidden");
            else el.setAttribute("hidden", ""); /* SVG elements have no .hidden property */
          });
          if (visible) shown++;
        });
        if (container.querySelector(".fl-timeline")) hideEmptyHeadings();
        filtered = filtering;
      }
      zoom(state.year || "");
      axes.forEach(resetRoving);
      count.textContent = shown + " of " + total + " incident" + (total === 1 ? "" : "s");
      if (empty) empty.hidden = shown > 0;
      var n = parameters.filter(function (name) { return state[name]; }).length;
      active.textContent = n ? "(" + n + " active)" : "";
    }

    /* --- the time axis: zoom to a year (the Year filter's value), and one tab stop per axis ---------------- */
    var panels = toArray(container.querySelectorAll("[data-fl-zoom]"));
    var zoomButtons = toArray(container.querySelectorAll("[data-fl-zoom-to]"));
    var yearSelect = selects.filter(function (select) { return select.name === "year"; })[0];
    /* the time axis and the map: a mark or marker per incident, one tab stop each, arrow keys between them */
    var axes = [];
    /* each year's axis waits in a <template> (not styled or laid out as the page loads) until first zoomed to */
    var waiting = {};
    toArray(container.querySelectorAll("template[data-fl-zoom-template]")).forEach(function (template) {
      waiting[template.getAttribute("data-fl-zoom-template")] = template;
    });

    function place(year) {
      var template = waiting[year];
      if (!template) return;
      delete waiting[year];
      var fragment = document.importNode(template.content, true);
      var added = toArray(fragment.querySelectorAll("[data-fl-zoom]"));
      var items = toArray(fragment.querySelectorAll("[data-fl-item]"));
      var svgs = toArray(fragment.querySelectorAll("svg.fl-axis"));
      template.parentNode.replaceChild(fragment, template);
      panels = panels.concat(added);
      items.forEach(register);
      svgs.forEach(setupAxis);
    }

    function zoom(year) {
      if (!panels.length) return;
      var shown = panels.some(function (p) { return p.getAttribute("data-fl-zoom") === year; }) ? year : "";
      panels.forEach(function (p) {
        p.hidden = p.getAttribute("data-fl-zoom") !== shown;
        /* a year shown for the first time opens at its newest end, as the overview does (it had no width before) */
        if (!p.hidden && !scrolled.has(p)) {
          scrolled.add(p);
          p.scrollLeft = p.scrollWidth;
        }
      });
      zoomButtons.forEach(function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-fl-zoom-to") === shown));
      });
    }

    var MARKS = "a[href]:not(.fl-route-link)"; /* a route is reached through its marker */

    function marksOf(svg) {
      return toArray(svg.querySelectorAll(MARKS)).filter(function (a) { return !a.hasAttribute("hidden"); });
    }

    /* Roving tab stop: Tab enters an axis once, at its first visible mark (or the one last focused). */
    function resetRoving(svg) {
      var marks = marksOf(svg);
      var current = marks.filter(function (a) { return a.getAttribute("tabindex") === "0"; })[0] || marks[0];
      toArray(svg.querySelectorAll(MARKS)).forEach(function (a) {
        var tabindex = a === current ? "0" : "-1";
        if (a.getAttribute("tabindex") !== tabindex) a.setAttribute("tabindex", tabindex); /* no restyle for none */
      });
    }

    /* a mark's name as a tooltip: its <title>, made when the pointer first comes over it (one element less per
       incident as the page loads; the link's aria-label names it for assistive technology) */
    function tooltip(event) {
      var mark = event.target.closest && event.target.closest("a[aria-label]");
      if (!mark || mark.querySelector("title")) return;
      var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = mark.getAttribute("aria-label");
      mark.appendChild(title);
    }

    function setupAxis(svg) {
      axes.push(svg);
      if (svg.classList.contains("fl-axis")) svg.addEventListener("mouseover", tooltip);
      svg.addEventListener("keydown", function (event) {
        var marks = marksOf(svg);
        var index = marks.indexOf(document.activeElement);
        if (index < 0) return;
        var next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
                     Home: 0, End: marks.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        next = Math.max(0, Math.min(marks.length - 1, next));
        marks[index].setAttribute("tabindex", "-1");
        marks[next].setAttribute("tabindex", "0");
        marks[next].focus();
      });
      svg.addEventListener("focusin", function (event) {
        if (!event.target.matches(MARKS)) return;
        marksOf(svg).forEach(function (a) { a.setAttribute("tabindex", a === event.target ? "0" : "-1"); });
      });
    }
    toArray(container.querySelectorAll("svg.fl-axis, svg.fl-map")).forEach(setupAxis);

    /* on a narrow screen the axis scrolls sideways: start at its newest end, as the list below does */
    var scrolled = new Set();
    toArray(container.querySelectorAll(".fl-axis-scroll:not([hidden])")).forEach(function (box) {
      box.scrollLeft = box.scrollWidth;
      scrolled.add(box);
    });

    zoomButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        if (!yearSelect) return;
        yearSelect.value = button.getAttribute("data-fl-zoom-to");
        apply(formState());
        record(true);
      });
    });
    toArray(container.querySelectorAll("[data-fl-zoom-control]")).forEach(function (c) {
      reveal(c, Boolean(yearSelect));
    });

    /* --- cards or a compact table: a view, kept in the URL (?view=table) but not a filter ------------------- */
    var viewButtons = toArray(container.querySelectorAll("[data-fl-view]"));
    function setView(view) {
      container.classList.toggle("fl-view--table", view === "table");
      viewButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.flView === view)); });
    }
    viewButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        var params = new URLSearchParams(location.search);
        if (button.dataset.flView === "table") params.set("view", "table");
        else params.delete("view");
        var query = params.toString();
        history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
        setView(button.dataset.flView);
      });
    });
    toArray(container.querySelectorAll("[data-fl-view-control]")).forEach(function (c) { reveal(c, true); });
    setView(new URLSearchParams(location.search).get("view") === "table" ? "table" : "cards");

    function hideEmptyHeadings() {
      var year = null;
      var month = null;
      var seen = new Set();
      /* the page's headings and lists in order; a month's heading and list are in a .fl-month, hidden when empty */
      function walk(parent) {
        var any = false;
        toArray(parent.children).forEach(function (element) {
          if (element.tagName === "H2") year = element;
          else if (element.tagName === "H3") month = element;
          else if (element.classList.contains("fl-month")) {
            element.hidden = !walk(element);
            if (!element.hidden) any = true;
          }
          else if (element.classList.contains("fl-timeline")) {
            var visible = element.querySelector("li.fl-entry:not([hidden])") !== null;
            element.hidden = !visible;
            if (visible) {
              any = true;
              if (year) seen.add(year);
              if (month) seen.add(month);
            }
          }
        });
        return any;
      }
      walk(container);
      toArray(container.querySelectorAll("h2[id], h3[id]")).forEach(function (heading) {
        if (heading.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING) return;
        heading.hidden = !seen.has(heading);
        toArray(document.querySelectorAll('.md-nav--secondary a[href="#' + heading.id + '"]')).forEach(
          function (link) { link.parentElement.hidden = heading.hidden; }
        );
      });
    }

    function record(push) {
      var state = formState();
      var url = stateUrl(state);
      if (url === location.pathname + location.search + location.hash) return;
      if (push) history.pushState({ flFilters: true }, "", url);
      else history.replaceState({ flFilters: true }, "", url);
    }

    selects.forEach(function (select) {
      select.addEventListener("change", function () {
        apply(formState());
        record(true);
      });
    });
    text.addEventListener("input", function () {
      apply(formState());
      record(typingTimer === null);
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingTimer = null; }, TYPING_PAUSE);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(formState());
      record(false);
    });
    toArray(root.querySelectorAll("[data-fl-clear]")).forEach(function (button) {
      button.addEventListener("click", function () {
        setForm({});
        apply(formState());
        record(true);
        text.focus();
      });
    });
    window.addEventListener("popstate", function () {
      setForm(urlState(location.search));
      apply(formState());
      setView(new URLSearchParams(location.search).get("view") === "table" ? "table" : "cards");
    });

    /* open on a wide screen, folded on a phone; a folded page (the map) opens it only when the URL filters */
    var narrow = window.matchMedia(NARROW);
    var folded = root.hasAttribute("data-fl-folded");
    setForm(urlState(location.search));
    var filtering = parameters.some(function (name) { return formState()[name]; });
    panel.open = !narrow.matches && (!folded || filtering);
    narrow.addEventListener("change", function () { panel.open = !narrow.matches && !folded; });

    apply(formState());
    reveal(root, true);
  }

  /* Show (or keep hidden) a control that held its place, invisible, until now (data-fl-await, fault-lines.css) */
  function reveal(element, shown) {
    element.hidden = !shown;
    element.removeAttribute("data-fl-await");
  }

  /* --- copy buttons -------------------------------------------------------------------------------------- */

  /* Select the element's text, so the reader can copy it with the keyboard when the clipboard is refused. */
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyFallback(element) {
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function setupCopy(button) {
    /* the id is on the figure: Material renames the ids of pre elements (to __code_…) */
    var figure = document.getElementById(button.dataset.flCopy);
    var target = figure && figure.querySelector("pre");
    if (!target) return;
    var status = button.closest(".fl-cite-block").querySelector("[data-fl-copy-status]");
    var label = button.dataset.flLabel || "Text";
    function report(copied) {
      if (!status) return;
      status.textContent = copied
        ? label + " copied to the clipboard."
        : label + " selected: press Ctrl+C (⌘C on a Mac) to copy it.";
    }
    button.addEventListener("click", function () {
      var text = target.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { report(true); },
          function () { report(copyFallback(target)); }
        );
      } else {
        report(copyFallback(target));
      }
    });
    button.hidden = false;
  }

  function setup() {
    var filters = document.getElementById("fl-filters");
    if (filters && filters.querySelector("form")) setupFilters(filters);
    toArray(document.querySelectorAll("button[data-fl-copy]")).forEach(setupCopy);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
