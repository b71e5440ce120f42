/* The deck's slide lifecycle: start reveal.js, then draw and size the plotly figures.

   Figures are drawn when their slide is shown, not on load: a plot drawn in a hidden
   slide gets zero width. After every slide change, fragment and resize, the
   plots of the current slide are resized to the slide. The print view draws them all once
   reveal has laid out its pages (printReady, below). */
(function () {
  "use strict";

  function figureOf(div) {
    var node = document.querySelector('script.deck-plot-data[data-for="' + div.id + '"]');
    return JSON.parse(node.textContent);
  }

  function draw(div) {
    if (!window.Plotly) return Promise.resolve();
    if (div.dataset.drawn === "yes") {
      window.Plotly.Plots.resize(div);
      return Promise.resolve();
    }
    div.dataset.drawn = "yes";
    fitHeight(div);
    var fig = figureOf(div);
    return window.Plotly.newPlot(div, fig.data, fig.layout, fig.config).then(function () {
      div.dataset.drawn = "yes";
      div.setAttribute("data-plot-ready", "yes");
    });
  }

  // A plot fills what the slide leaves below it (a heading, maybe one line of text),
  // down to the footer. Measured in the slide's own coordinates: reveal scales slides.
  // The footer band holds the deck's title, the slide number and reveal's arrows, in one row
  // (omc.css): nothing of a slide goes below it, so the arrows never cover a chart or a table.
  var FOOTER_SPACE = 44;
  var MIN_HEIGHT = 280;

  function fitHeight(div) {
    var slide = div.closest("section");
    var config = window.Reveal.getConfig();
    if (!slide) return;
    var scale = window.Reveal.getScale() || 1;
    var top = (div.getBoundingClientRect().top - slide.getBoundingClientRect().top) / scale;
    var height = Math.max(MIN_HEIGHT, Math.floor(config.height - top - FOOTER_SPACE));
    div.style.height = height + "px";
  }

  // A table that does not fit (a table of events, the explorers' static stand-in) is cut into
  // pages of rows before reveal starts (paginateTables, below); one that still runs past the
  // footer (a single row taller than the room) scrolls in its box, which ends at the same height
  // on every slide, above the footer and clear of reveal's arrows. Only the box's limit changes:
  // CSS gives its cap, paper unrolls it (fitSlide).
  function fitTables(slide) {
    if (!slide) return;
    var config = window.Reveal.getConfig();
    var scale = window.Reveal.getScale() || 1;
    Array.prototype.forEach.call(slide.querySelectorAll(".deck-table-scroll:not(.deck-table-paged)"), function (box) {
      box.style.maxHeight = "";
      var top = (box.getBoundingClientRect().top - slide.getBoundingClientRect().top) / scale;
      var room = Math.floor(config.height - top - FOOTER_SPACE);
      var cap = parseFloat(window.getComputedStyle(box).maxHeight) || room;
      box.style.maxHeight = Math.max(MIN_HEIGHT, Math.min(cap, room)) + "px";
    });
  }

  // An opened quiz answer (the quizzes' static stand-in) that would run past that same line is
  // set smaller (CSS zoom, as paper does) so that the whole answer and its sources stay in view,
  // above the footer and reveal's arrows. Measured again each time an answer opens or closes.
  var ANSWER_MIN_ZOOM = 0.6;

  function fitAnswers(slide) {
    if (!slide) return;
    var config = window.Reveal.getConfig();
    var scale = window.Reveal.getScale() || 1;
    var limit = config.height - FOOTER_SPACE;
    Array.prototype.forEach.call(slide.querySelectorAll("details.deck-reveal > .deck-reveal-body"), function (body) {
      body.style.zoom = "";
      if (!body.parentElement.open) return;
      fitZoom(body, ANSWER_MIN_ZOOM, 8, function () {
        var bottom = (body.getBoundingClientRect().bottom - slide.getBoundingClientRect().top) / scale;
        return bottom <= limit + 0.5;
      });
    });
  }

  // The largest CSS zoom of `el`, between `min` and 1, at which `fits()` holds: zoomed text
  // re-wraps (a table's rows get fewer lines), so it is searched (`steps` halvings), not computed.
  function fitZoom(el, min, steps, fits) {
    function fitsAt(zoom) {
      el.style.zoom = String(zoom);
      return fits();
    }
    if (fitsAt(1)) return;
    var low = min;
    var high = 1;
    for (var i = 0; i < steps; i++) {
      var mid = (low + high) / 2;
      if (fitsAt(mid)) low = mid;
      else high = mid;
    }
    el.style.zoom = String(Math.floor(low * 1000) / 1000);
  }

  // Tables a room must read are neither scrolled nor shrunk. A table that runs past the footer
  // is cut, before reveal starts, into pages of whole rows: one <tbody> per page, the first shown
  // with the slide and each next one a fragment of it, which takes the place of the one before
  // (showTablePages). The presenter steps through the rows as through any fragment; the caption
  // says which rows are shown. Measured at the slide's own size (no scale), once the fonts are
  // in, in the deck's language; pages are as even as their count allows. Not on paper: the print
  // view unrolls a table and fits it to its page (fitSlide). Any table of a slide qualifies (the
  // explorers' tables of events, a table written in a notebook's markdown), not those of notes.
  var TABLE_PAGE_SLACK = 4;  // slide px kept under the last row: collapsed borders, rounding
  var SLIDE_SIZE = { width: 1280, height: 720 };  // reveal's width and height (start)

  function leafSlides() {
    return Array.prototype.filter.call(document.querySelectorAll(".reveal .slides section"), function (section) {
      return !section.querySelector("section");
    });
  }

  function tablesToPage(section) {
    return Array.prototype.filter.call(section.querySelectorAll("table"), function (table) {
      return !table.closest("aside") && table.tBodies.length === 1 && table.tBodies[0].rows.length > 1;
    });
  }

  function contentBottom(section) {
    var top = section.getBoundingClientRect().top;
    var bottom = 0;
    Array.prototype.forEach.call(section.children, function (child) {
      if (child.tagName !== "ASIDE") bottom = Math.max(bottom, child.getBoundingClientRect().bottom - top);
    });
    return bottom;
  }

  // Row indices per page: the fewest pages that hold `heights` in `room`, then the smallest
  // page height that keeps that count (pages of even length, not full pages and a short last one).
  function pageRows(heights, room) {
    function split(cap) {
      var pages = [[]];
      var height = 0;
      heights.forEach(function (row, index) {
        if (pages[pages.length - 1].length && height + row > cap) {
          pages.push([]);
          height = 0;
        }
        pages[pages.length - 1].push(index);
        height += row;
      });
      return pages;
    }
    var fewest = split(room).length;
    var low = Math.max.apply(null, heights);
    var high = Math.max(room, low);
    for (var i = 0; i < 12; i++) {
      var mid = (low + high) / 2;
      if (split(mid).length <= fewest) high = mid;
      else low = mid;
    }
    return split(high);
  }

  function pagerText(first, last, total) {
    return (MESSAGES.table_rows || "{first}–{last} / {total}")
      .replace("{first}", String(first)).replace("{last}", String(last)).replace("{total}", String(total));
  }

  function paginateTable(section, table, limit) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var pager = document.createElement("span");
    pager.className = "deck-table-pager";
    pager.textContent = pagerText(rows.length, rows.length, rows.length);  // the longest it will say
    if (!table.caption) table.createCaption();
    table.caption.appendChild(pager);
    // Measured unrolled: the box around an explorer's table would scroll it (CSS cap).
    var box = table.closest(".deck-table-scroll");
    if (box) box.classList.add("deck-table-paged");
    var bottom = contentBottom(section);
    var heights = rows.map(function (row) { return row.getBoundingClientRect().height; });
    var room = limit - TABLE_PAGE_SLACK - (bottom - heights.reduce(function (a, b) { return a + b; }, 0));
    var pages = bottom > limit ? pageRows(heights, room) : [];
    if (pages.length < 2) {
      pager.remove();
      if (!table.caption.textContent.trim()) table.deleteCaption();
      if (box) box.classList.remove("deck-table-paged");
      return;
    }
    pages.forEach(function (indices, number) {
      var page = document.createElement("tbody");
      page.className = "deck-table-page" + (number ? " fragment" : "");
      page.setAttribute("data-first", String(indices[0] + 1));
      page.setAttribute("data-last", String(indices[indices.length - 1] + 1));
      indices.forEach(function (index) { page.appendChild(rows[index]); });
      table.insertBefore(page, body);
    });
    body.remove();
    table.classList.add("deck-table-paged");
    table.setAttribute("data-rows", String(rows.length));
    // Nothing scrolls any more: the box is no longer a stop of the Tab key, and the arrow keys
    // step through the pages as reveal's fragments.
    if (box) box.removeAttribute("tabindex");
  }

  function paginateTables() {
    var slides = document.querySelector(".reveal .slides");
    var style = slides.getAttribute("style");
    slides.style.width = SLIDE_SIZE.width + "px";
    slides.style.height = SLIDE_SIZE.height + "px";
    var candidates = leafSlides().filter(function (section) { return tablesToPage(section).length > 0; });
    function shown(section, on) {
      [section, section.parentElement].forEach(function (el) {
        if (el.tagName !== "SECTION") return;
        el.style.display = on ? "block" : "";
        el.style.visibility = on ? "hidden" : "";
      });
    }
    candidates.forEach(function (section) { shown(section, true); });
    document.body.getBoundingClientRect();  // lay out: the fonts the tables use start loading
    return fontsLoaded().then(function () {
      candidates.forEach(function (section) {
        tablesToPage(section).forEach(function (table) {
          paginateTable(section, table, SLIDE_SIZE.height - FOOTER_SPACE);
        });
        shown(section, false);
      });
      if (style === null) slides.removeAttribute("style");
      else slides.setAttribute("style", style);
    });
  }

  // The page of each paged table of `slide` that its fragments have reached; the others hidden.
  function showTablePages(slide) {
    if (!slide) return;
    Array.prototype.forEach.call(slide.querySelectorAll("table.deck-table-paged"), function (table) {
      var pages = Array.prototype.slice.call(table.querySelectorAll("tbody.deck-table-page"));
      var current = 0;
      pages.forEach(function (page, number) {
        if (number && page.classList.contains("visible")) current = number;
      });
      pages.forEach(function (page, number) {
        page.hidden = number !== current;
      });
      var pager = table.querySelector(".deck-table-pager");
      if (pager) {
        var page = pages[current];
        pager.textContent = pagerText(page.getAttribute("data-first"), page.getAttribute("data-last"), table.getAttribute("data-rows"));
      }
    });
  }

  function plotsOf(slide) {
    return slide ? Array.prototype.slice.call(slide.querySelectorAll(".deck-plot")) : [];
  }

  // reveal hides the slides around the current one with aria-hidden but keeps them
  // laid out; `inert` also takes their controls (plotly's mode bar) out of the tab order.
  function inertHiddenSlides() {
    var sections = document.querySelectorAll(".reveal .slides section");
    Array.prototype.forEach.call(sections, function (section) {
      section.inert = section.getAttribute("aria-hidden") === "true";
    });
  }

  function refresh() {
    if (isPrinting()) return Promise.resolve();  // the print view draws on `pdf-ready`
    inertHiddenSlides();
    var slide = window.Reveal.getCurrentSlide();
    showTablePages(slide);
    fitTables(slide);
    fitAnswers(slide);
    return Promise.all(plotsOf(slide).map(draw));
  }

  function drawAll() {
    var all = Array.prototype.slice.call(document.querySelectorAll(".deck-plot"));
    return Promise.all(all.map(draw));
  }

  // The table of contents: one link per horizontal slide, named by its heading.
  // A <nav> of plain links (`#/h` with reveal's hash navigation): keyboard and screen
  // reader friendly; `M` or the button opens it, Escape or a choice closes it.
  function headingOf(slide) {
    var heading = slide.querySelector("h1, h2, h3");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function buildMenu(Reveal) {
    var nav = document.createElement("nav");
    nav.className = "deck-menu";
    nav.setAttribute("aria-label", MESSAGES.menu);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "deck-menu-toggle";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "deck-menu-list");
    button.textContent = MESSAGES.menu;
    var list = document.createElement("ol");
    list.id = "deck-menu-list";
    list.hidden = true;
    Reveal.getHorizontalSlides().forEach(function (slide, h) {
      var title = headingOf(slide.querySelector("section") || slide) || MESSAGES.slide.replace("{number}", String(h + 1));
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#/" + h;
      link.textContent = title;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        toggle(false);
        Reveal.slide(h, 0);
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    function toggle(open) {
      list.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
      if (open) {
        var current = list.children[Reveal.getIndices().h];
        (current ? current.firstChild : button).focus();
      }
    }
    button.addEventListener("click", function () {
      toggle(list.hidden);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.stopPropagation();
        toggle(false);
        button.focus();
      }
    });
    nav.appendChild(button);
    nav.appendChild(list);
    document.querySelector(".reveal").appendChild(nav);
    Reveal.addKeyBinding({ keyCode: 77, key: "M", description: MESSAGES.menu }, function () {
      toggle(list.hidden);
    });
    return nav;
  }

  // The static stand-ins of the kernel-only widgets (export.py): a quiz's answer behind a
  // <details>, a table of events that scrolls in its box. Keys meant for them are theirs, not
  // reveal's: Space or Enter on a focused « Voir la réponse » opens it, arrows scroll a table.
  var TABLE_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];

  function keyIsForTheDeck(event) {
    var active = document.activeElement;
    if (!active || !active.closest) return true;
    if (active.tagName === "SUMMARY" && (event.key === " " || event.key === "Enter")) return false;
    // the room's buttons (make classroom) take Space and Enter; its open panel takes Escape
    if (active.tagName === "BUTTON" && active.closest(".deck-room, .deck-fallback") && (event.key === " " || event.key === "Enter")) return false;
    if (event.key === "Escape" && active.closest(".deck-room")) return false;
    return !(active.closest(".deck-table-scroll") && TABLE_KEYS.indexOf(event.key) >= 0);
  }

  // On paper nothing opens: the print view shows the quiz answers open (before reveal lays out
  // its pages, so that they are measured with the answers in).
  function openAnswersForPrint() {
    if (!/print-pdf/i.test(window.location.search)) return;
    Array.prototype.forEach.call(document.querySelectorAll("details.deck-reveal"), function (details) {
      details.open = true;
    });
  }

  // The deck's own words (the menu), from the message catalogue through the page's template
  // (assets/i18n/, `DeckLifecycle.start(config, messages)`): nothing here is in one language.
  var MESSAGES = { menu: "", slide: "{number}" };

  // reveal's arrows carry English aria-labels: the deck's language instead.
  function labelControls() {
    var labels = MESSAGES.controls || {};
    Object.keys(labels).forEach(function (direction) {
      Array.prototype.forEach.call(document.querySelectorAll(".reveal .controls .navigate-" + direction), function (button) {
        button.setAttribute("aria-label", labels[direction]);
      });
    });
  }

  // reveal.js 5.2.1 writes its keyboard help (`?`) and its speaker window (`S`) in English,
  // with no option for another language. Below: its English words as it writes them, each
  // with the catalogue key (deck.help.*, deck.speaker.*) whose text replaces it. A piece that
  // is not found (another reveal.js version) is reported on the console, where the browser
  // tests look for errors.
  var HELP_KEYS = {
    "Keyboard Shortcuts": "title", "KEY": "key", "ACTION": "action",
    "Next slide": "next", "Previous slide": "previous",
    "Navigate left": "left", "Navigate right": "right", "Navigate up": "up", "Navigate down": "down",
    "Navigate without fragments": "skip_fragments", "Jump to first/last slide": "first_last",
    "Pause": "pause", "Fullscreen": "fullscreen", "Jump to slide": "jump",
    "Slide overview": "overview", "Speaker notes view": "speaker_notes"
  };

  function translateHelp() {
    var words = MESSAGES.help || {};
    var cells = document.querySelectorAll(
      ".r-overlay-help-content .title, .r-overlay-help-content th, .r-overlay-help-content td:nth-child(2)"
    );
    Array.prototype.forEach.call(cells, function (cell) {
      var key = HELP_KEYS[cell.textContent.trim()];
      if (key && words[key]) cell.textContent = words[key];
    });
    // the keys' own names, where a keyboard of the language prints another word
    var keys = document.querySelectorAll(".r-overlay-help-content td:first-child");
    Array.prototype.forEach.call(keys, function (cell) {
      cell.textContent = cell.textContent
        .replace(/\bSPACE\b/g, words["keys.space"] || "SPACE")
        .replace(/\bShift\b/g, words["keys.shift"] || "Shift");
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // [what reveal writes, what replaces it]: `html:` a catalogue text in markup, `js:` in a
  // script's string literal; a function for the rest.
  var SPEAKER_PIECES = [
    ['<html lang="en">', function () { return '<html lang="' + escapeHtml(document.documentElement.lang) + '">'; }],
    ["<title>reveal.js - Speaker View</title>", function (w) { return "<title>" + escapeHtml(w.title) + "</title>"; }],
    [">Loading speaker view...<", "html:loading"],
    [">Upcoming<", "html:upcoming"],
    ['>Time <span class="reset-button">Click to Reset</span><', function (w) {
      return ">" + escapeHtml(w.time) + ' <span class="reset-button">' + escapeHtml(w.reset) + "</span><";
    }],
    [">Pacing – Time to finish current slide<", "html:pacing"],
    ['<h4 class="label">Notes</h4>', function (w) { return '<h4 class="label">' + escapeHtml(w.notes) + "</h4>"; }],
    ['<span class="clock-value">0:00 AM</span>', function () { return '<span class="clock-value"></span>'; }],
    ["'Default'", "js:layouts.default"],
    ["'Wide'", "js:layouts.wide"],
    ["'Tall'", "js:layouts.tall"],
    ["'Notes only'", "js:layouts.notes_only"],
    ["'Layout'", "js:layout"],
    ["( ': ' + title )", function () { return "( " + JSON.stringify(MESSAGES.colon || ": ") + " + title )"; }],
    ["'Cross origin error.<br>The speaker window can only be opened from the same origin.'", "js:cross_origin"],
    ["'Error connecting to main window.<br>Please try closing and reopening the speaker view.'", "js:no_connection"],
    // the clock: the deck's language and its way of writing the time (24 h in French and Spanish)
    ["toLocaleTimeString( 'en-US', { hour12: true, hour: '2-digit', minute:'2-digit' } )", function () {
      return "toLocaleTimeString( " + JSON.stringify(document.documentElement.lang) + ", { hour: '2-digit', minute: '2-digit' } )";
    }]
  ];

  function translateSpeakerView(html) {
    var words = MESSAGES.speaker || {};
    SPEAKER_PIECES.forEach(function (piece) {
      var from = piece[0], to = piece[1], text;
      if (html.indexOf(from) < 0) {
        console.error("deck.js: the speaker view of reveal.js no longer has " + JSON.stringify(from));
        return;
      }
      if (typeof to === "function") {
        text = to(words);
      } else {
        var kind = to.slice(0, to.indexOf(":")), key = to.slice(to.indexOf(":") + 1);
        if (!words[key]) return;
        text = kind === "js" ? JSON.stringify(escapeHtml(words[key])) : ">" + escapeHtml(words[key]) + "<";
      }
      html = html.split(from).join(text);
    });
    return html;
  }

  // The notes plugin opens an empty window and writes its page into it: the page is
  // translated on the way in. The window has the deck's origin (about:blank opened here).
  function translateSpeakerWindow() {
    var open = window.open;
    window.open = function (url, name) {
      var opened = open.apply(window, arguments);
      if (opened && name === "reveal.js - Notes") {
        var write = opened.document.write;
        opened.document.write = function (html) {
          return write.call(opened.document, translateSpeakerView(String(html)));
        };
      }
      return opened;
    };
  }


  // --- The room (`make classroom`) -------------------------------------------------------------
  // Served by the room's server to the trainer's browser, a deck carries
  // <script type="application/json" id="deck-room"> (classroom/app.py puts it in): the API's
  // address and the panel's words in the deck's language. Without it (file://, a USB stick, make
  // serve, a participant's browser) none of this runs and the deck is the one it always was.
  // Each quiz's stand-in gets a « Salle » button; it (or V) opens the room's panel over the
  // slide: the QR code, the phones' address and the room code, the bars of the answers (live,
  // server-sent events), open or close the vote, show the answer (R), reset. The Sources slide
  // gets the session's summary. Every text from the server is set with textContent.
  var ROOM = null;

  function roomWords(key, params) {
    return ROOM.words[key].replace(/\{(\w+)\}/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  function roomNode(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function roomRequest(path, body) {
    var options = { credentials: "same-origin" };
    if (body) {
      options.method = "POST";
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    return window.fetch(ROOM.api + path, options).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw new Error(roomWords("refused", { status: response.status }));
        return json;
      });
    });
  }

  // A quiz as its slide shows it: the prompt, and each choice's index in quizzes.yaml, letter, text.
  function quizOf(fallback) {
    var list = fallback.querySelector(".deck-quiz-choices");
    return {
      id: fallback.getAttribute("data-fallback-for"),
      kind: list.getAttribute("data-quiz-kind"),
      prompt: fallback.querySelector(".deck-quiz-prompt").textContent,
      choices: Array.prototype.map.call(list.querySelectorAll("li[data-choice]"), function (item) {
        var letter = item.querySelector(".deck-quiz-letter").textContent;
        return {
          index: parseInt(item.getAttribute("data-choice"), 10),
          letter: letter.replace(/\.$/, ""),
          text: item.textContent.slice(letter.length).trim()
        };
      })
    };
  }

  function startRoom(Reveal) {
    var node = document.getElementById("deck-room");
    if (!node) return;
    var config = JSON.parse(node.textContent);
    ROOM = { api: config.api, words: config.words, lang: config.lang, state: null, info: null, panels: [], open: null };
    Array.prototype.forEach.call(document.querySelectorAll('.deck-fallback[data-fallback-kind="quiz"]'), addRoomPanel);
    roomRequest("/trainer/room").then(function (info) {
      ROOM.info = info;
      ROOM.panels.forEach(drawRoomJoin);
    });
    var stream = new window.EventSource(ROOM.api + "/trainer/stream");
    stream.onmessage = function (event) {
      ROOM.offline = false;
      ROOM.state = JSON.parse(event.data);
      ROOM.panels.forEach(drawRoomPanel);
    };
    stream.onerror = function () {
      // lost: the browser tries again each second (retry: 1000); refused (a new session's token):
      // it does not, and the trainer must open the address the server printed
      ROOM.offline = stream.readyState === window.EventSource.CLOSED ? "refused_token" : "offline";
      ROOM.panels.forEach(drawRoomPanel);
    };
    Reveal.addKeyBinding({ keyCode: 86, key: "V", description: ROOM.words.key_panel }, function () {
      var panel = panelOf(Reveal.getCurrentSlide());
      if (panel) toggleRoomPanel(panel, panel.element.hidden);
    });
    Reveal.addKeyBinding({ keyCode: 82, key: "R", description: ROOM.words.key_reveal }, function () {
      if (ROOM.open) roomAct(ROOM.open, "reveal");
    });
    Reveal.on("slidechanged", function () {
      if (ROOM.open) toggleRoomPanel(ROOM.open, false);
      roomSummary(Reveal.getCurrentSlide());
    });
    roomSummary(Reveal.getCurrentSlide());
  }

  function panelOf(slide) {
    return ROOM.panels.filter(function (panel) { return slide && slide.contains(panel.fallback); })[0] || null;
  }

  function addRoomPanel(fallback) {
    var quiz = quizOf(fallback);
    var slide = fallback.closest("section");
    var id = "deck-room-" + quiz.id;
    var toggle = roomNode("button", "deck-room-toggle", ROOM.words.button);
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", id);
    toggle.setAttribute("aria-label", ROOM.words.button_label);
    var badge = roomNode("span", "deck-room-badge");
    toggle.appendChild(badge);
    fallback.insertBefore(toggle, fallback.firstChild);  // floated right: the prompt wraps around it

    var element = roomNode("div", "deck-room");
    element.id = id;
    element.hidden = true;
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", ROOM.words.panel);
    var head = roomNode("div", "deck-room-head");
    head.appendChild(roomNode("p", "deck-room-title", ROOM.words.panel));
    var state = roomNode("p", "deck-room-state");
    state.setAttribute("aria-live", "polite");
    head.appendChild(state);
    var hide = roomNode("button", "deck-room-hide", ROOM.words.hide);
    hide.type = "button";
    head.appendChild(hide);
    element.appendChild(head);
    element.appendChild(roomNode("p", "deck-room-prompt", quiz.prompt));

    var body = roomNode("div", "deck-room-body");
    var join = roomNode("div", "deck-room-join");
    var qr = roomNode("img", "deck-room-qr");
    qr.alt = ROOM.words.qr;
    join.appendChild(qr);
    join.appendChild(roomNode("p", "deck-room-join-title", ROOM.words.join_title));
    join.appendChild(roomNode("p", "deck-room-url"));
    join.appendChild(roomNode("p", "deck-room-code"));
    var warning = roomNode("p", "deck-room-warning");
    var parts = ROOM.words.local_only.split("{option}");  // the option as code, on one line
    warning.appendChild(document.createTextNode(parts[0]));
    warning.appendChild(roomNode("code", null, "--lan"));
    warning.appendChild(document.createTextNode(parts.slice(1).join("")));
    warning.hidden = true;
    join.appendChild(warning);
    body.appendChild(join);

    var chart = roomNode("div", "deck-room-chart");
    var caption = roomNode("p", "deck-room-caption", ROOM.words.placed);
    caption.hidden = quiz.kind !== "order";
    chart.appendChild(caption);
    var bars = roomNode("ol", "deck-room-bars");
    quiz.choices.forEach(function (choice) {
      var row = roomNode("li", "deck-room-row");
      row.setAttribute("data-choice", String(choice.index));
      var label = roomNode("span", "deck-room-label");
      label.appendChild(roomNode("span", "deck-room-letter", choice.letter + "."));
      label.appendChild(roomNode("span", "deck-room-text", choice.text));
      label.appendChild(roomNode("strong", "deck-room-mark"));
      row.appendChild(label);
      var bar = roomNode("span", "deck-room-bar");
      bar.appendChild(roomNode("span", "deck-room-fill"));
      row.appendChild(bar);
      row.appendChild(roomNode("span", "deck-room-count", "0"));
      bars.appendChild(row);
    });
    chart.appendChild(bars);
    chart.appendChild(roomNode("p", "deck-room-total"));
    chart.appendChild(roomNode("p", "deck-room-answer"));
    body.appendChild(chart);
    element.appendChild(body);

    var actions = roomNode("div", "deck-room-actions");
    var vote = roomNode("button", "deck-room-vote");
    var reveal = roomNode("button", "deck-room-reveal", ROOM.words.reveal);
    var reset = roomNode("button", "deck-room-reset", ROOM.words.reset);
    [vote, reveal, reset].forEach(function (button) {
      button.type = "button";
      actions.appendChild(button);
    });
    element.appendChild(actions);
    var offline = roomNode("p", "deck-room-offline");
    offline.setAttribute("role", "status");
    offline.hidden = true;
    element.appendChild(offline);
    slide.appendChild(element);

    var panel = { quiz: quiz, fallback: fallback, toggle: toggle, element: element, confirming: null };
    ROOM.panels.push(panel);
    toggle.addEventListener("click", function () { toggleRoomPanel(panel, element.hidden); });
    hide.addEventListener("click", function () { toggleRoomPanel(panel, false); });
    vote.addEventListener("click", function () {
      var current = voteOf(panel);
      roomAct(panel, current && current.open ? "close" : "open");
    });
    reveal.addEventListener("click", function () { roomAct(panel, "reveal"); });
    reset.addEventListener("click", function () {
      if (panel.confirming) {
        window.clearTimeout(panel.confirming);
        panel.confirming = null;
        roomAct(panel, "reset");
      } else {  // a second click within 4 s: the answers are gone for good
        panel.confirming = window.setTimeout(function () {
          panel.confirming = null;
          drawRoomPanel(panel);
        }, 4000);
      }
      drawRoomPanel(panel);
    });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.stopPropagation();
        toggleRoomPanel(panel, false);
      }
    });
    drawRoomJoin(panel);
    drawRoomPanel(panel);
  }

  function voteOf(panel) {
    return ROOM.state && ROOM.state.votes[panel.quiz.id] || null;
  }

  function toggleRoomPanel(panel, open) {
    panel.element.hidden = !open;
    panel.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    ROOM.open = open ? panel : null;
    if (open) {
      panel.element.style.height = window.Reveal.getConfig().height - FOOTER_SPACE + "px";  // above the footer band
      if (!voteOf(panel)) roomAct(panel, "open");  // the first time: the vote opens with the panel
      panel.element.querySelector(".deck-room-vote").focus();
    } else {
      panel.toggle.focus();
    }
  }

  function roomAct(panel, action) {
    return roomRequest("/trainer/vote", { question: panel.quiz.id, action: action }).then(function (state) {
      ROOM.state = state;
      ROOM.panels.forEach(drawRoomPanel);
    }, function (problem) {
      panel.element.querySelector(".deck-room-offline").hidden = false;
      panel.element.querySelector(".deck-room-offline").textContent = problem.message;
    });
  }

  function drawRoomJoin(panel) {
    var info = ROOM.info;
    if (!info) return;
    var element = panel.element;
    element.querySelector(".deck-room-qr").src = ROOM.api + "/trainer/qr.svg?lang=" + encodeURIComponent(ROOM.lang);
    element.querySelector(".deck-room-url").textContent = info.join;
    element.querySelector(".deck-room-code").textContent = roomWords("code", { code: info.code });
    element.querySelector(".deck-room-warning").hidden = info.lan;
  }

  function drawRoomPanel(panel) {
    var vote = voteOf(panel);
    var element = panel.element;
    var words = ROOM.words;
    var counts = vote ? vote.counts : [];
    var answers = vote ? vote.answers : 0;
    var state = !vote ? "new" : vote.revealed ? "revealed" : vote.open ? "open" : "closed";
    element.setAttribute("data-state", state);
    element.querySelector(".deck-room-state").textContent = words["state_" + state];
    panel.toggle.querySelector(".deck-room-badge").textContent = vote ? " · " + answers : "";
    Array.prototype.forEach.call(element.querySelectorAll(".deck-room-row"), function (row) {
      var index = parseInt(row.getAttribute("data-choice"), 10);
      var count = counts[index] || 0;
      var revealed = Boolean(vote && vote.revealed);
      var right = revealed && panel.quiz.kind === "single" && vote.right === index;
      row.classList.toggle("deck-room-right", right);
      row.querySelector(".deck-room-count").textContent = String(count);
      row.querySelector(".deck-room-fill").style.width = (answers ? Math.round(100 * count / answers) : 0) + "%";
      // revealed: the right choice marked; for an order question, each step's right place
      row.querySelector(".deck-room-mark").textContent = right ? " ✔ " + words.right_mark
        : revealed && panel.quiz.kind === "order" ? " → " + roomWords("right_place", { number: index + 1 }) : "";
    });
    var total = element.querySelector(".deck-room-total");
    total.textContent = roomWords("answers", { count: answers }) + " · " + roomWords("connected", { count: ROOM.state ? ROOM.state.connected : 0 });
    total.setAttribute("data-count", String(answers));
    var answer = element.querySelector(".deck-room-answer");
    answer.textContent = "";
    if (vote && vote.revealed) {
      if (panel.quiz.kind === "single") {
        answer.textContent = roomWords("right_answers", { count: vote.right_answers, total: answers });
      } else {
        var letters = vote.right.map(function (index) {
          return panel.quiz.choices.filter(function (c) { return c.index === index; })[0].letter;
        });
        answer.textContent = roomWords("right_order", { order: letters.join(", ") }) + " · "
          + roomWords("right_orders", { count: vote.right_answers, total: answers });
      }
    }
    var voteButton = element.querySelector(".deck-room-vote");
    voteButton.textContent = vote && vote.open ? words.close : vote ? words.reopen : words.open;
    element.querySelector(".deck-room-reveal").disabled = !vote || vote.revealed;
    var reset = element.querySelector(".deck-room-reset");
    reset.disabled = !vote;
    reset.textContent = panel.confirming ? words.reset_confirm : words.reset;
    reset.classList.toggle("deck-room-confirming", Boolean(panel.confirming));
    var offline = element.querySelector(".deck-room-offline");
    offline.textContent = ROOM.offline ? words[ROOM.offline] : "";
    offline.hidden = !ROOM.offline;
  }

  // The Sources slide: the session's votes in a line, and each question's figures.
  function roomSummary(slide) {
    var sources = slide && slide.querySelector(".deck-sources");
    if (!sources) return;
    roomRequest("/trainer/summary?lang=" + encodeURIComponent(ROOM.lang)).then(function (summary) {
      var box = sources.querySelector(".deck-room-summary");
      if (!box) {
        box = roomNode("div", "deck-room-summary");
        sources.insertBefore(box, sources.querySelector(".deck-sources-note"));
      }
      box.textContent = "";
      box.hidden = summary.questions.length === 0;
      var line = roomNode("p", "deck-room-summary-line");
      line.appendChild(roomNode("strong", null, summary.title + ROOM.words.colon));
      line.appendChild(document.createTextNode(summary.line));
      box.appendChild(line);
      var list = roomNode("ul", "deck-room-summary-list");
      summary.questions.forEach(function (question) {
        var item = roomNode("li");
        item.setAttribute("data-question", question.id);
        item.appendChild(roomNode("span", "deck-room-summary-prompt", question.prompt));
        item.appendChild(roomNode("span", "deck-room-summary-figures", question.figures));
        list.appendChild(item);
      });
      box.appendChild(list);
      // The questions come worst answered first (the server's order): when they do not all fit
      // above the footer, the last ones give way to a line that counts them (the export has all).
      // Never smaller: the room reads this slide as every other one (20 px and up).
      var config = window.Reveal.getConfig();
      var scale = window.Reveal.getScale() || 1;
      var cell = sources.closest(".jp-Cell") || sources;  // its own margins end lower than the list
      function fits() {
        var bottom = (cell.getBoundingClientRect().bottom - slide.getBoundingClientRect().top) / scale;
        return bottom <= config.height - FOOTER_SPACE + 0.5;
      }
      var left = 0;
      var more = null;
      while (!fits() && list.querySelector("li[data-question]")) {
        var rows = list.querySelectorAll("li[data-question]");
        list.removeChild(rows[rows.length - 1]);
        left += 1;
        if (!more) {
          more = roomNode("li", "deck-room-summary-more");
          list.appendChild(more);
        }
        list.appendChild(more);  // kept last
        more.textContent = roomWords("more", { count: left });
      }
      if (!fits() && more) {  // not one question fits (the full deck's list of sources): the count joins the line
        box.removeChild(list);
        line.appendChild(roomNode("span", "deck-room-summary-more", " · " + more.textContent));
      }
    });
  }

  function start(config, messages) {
    var Reveal = window.Reveal;
    MESSAGES = messages || MESSAGES;
    SLIDE_SIZE = { width: config.width, height: config.height };
    translateSpeakerWindow();
    Reveal.on("showhelp", translateHelp);
    config.plugins = [window.RevealNotes].filter(Boolean);
    config.keyboardCondition = keyIsForTheDeck;
    openAnswersForPrint();
    // `toggle` does not bubble: listened to in the capture phase, for every answer of the deck.
    document.addEventListener("toggle", function (event) {
      var details = event.target;
      if (isPrinting() || !details.matches || !details.matches("details.deck-reveal")) return;
      fitAnswers(details.closest("section"));
    }, true);
    // A table's next page replaces the one before at once, before the next frame is painted.
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden"].forEach(function (name) {
      Reveal.on(name, function () {
        showTablePages(Reveal.getCurrentSlide());
      });
    });
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden", "resize", "overviewhidden"].forEach(
      function (name) {
        Reveal.on(name, function () {
          // Let reveal finish its layout before plotly measures the slide.
          window.requestAnimationFrame(refresh);
        });
      }
    );
    // In the print view reveal lays the slides out on pages after `initialize` resolves (the
    // slides are out of the document meanwhile): the deck is ready once they are printed.
    var printed = new Promise(function (resolve) {
      Reveal.on("pdf-ready", function () {
        printReady().then(resolve);
      });
    });
    // reveal's speaker window shows the deck in two frames (`?receiver`), the upcoming one without
    // its arrows (`controls=false`) and some 430 px wide, where the slide number sat on the
    // footer's title and links: omc.css leaves the links to the other languages out of both frames
    // (the presenter does not follow them from a preview) and, with no arrows, puts the number at
    // the right edge.
    var query = window.location.search;
    if (/[?&]receiver(&|$)/.test(query)) document.documentElement.classList.add("deck-receiver");
    if (/[?&]controls=false(&|$)/.test(query)) document.documentElement.classList.add("deck-no-controls");
    var paged = /print-pdf/i.test(query) ? Promise.resolve() : paginateTables();
    return paged.then(function () {
      return Reveal.initialize(config);
    }).then(function () {
      if (!Reveal.isPrintView()) {
        buildMenu(Reveal);
        startRoom(Reveal);
      }
      labelControls();
      return Reveal.isPrintView() ? printed : refresh();
    }).then(function () {
      document.documentElement.setAttribute("data-deck-ready", "yes");
    });
  }

  // Print view (`?print-pdf`, what `make pdf` prints). Reveal puts every slide on its own
  // page, then fires `pdf-ready`; only then are the plots drawn, at their page's size (not
  // on `ready`, before the layout). Every page gets the deck's footer. The handout
  // (`?print-pdf&showNotes=true`) puts each slide's notes under the slide, on its page.
  // `data-print-ready` on <html> tells the printer that plots, fonts and notes are in place.
  var NOTES_FONT_SIZES = [22, 20, 18, 16];  // px; smaller only for notes taller than:
  var NOTES_MAX_HEIGHT = 600;
  var NOTES_FOOTER_SPACE = 40;

  function isPrinting() {
    return Boolean(window.Reveal && window.Reveal.isPrintView && window.Reveal.isPrintView());
  }

  function pdfPages() {
    return Array.prototype.slice.call(document.querySelectorAll(".reveal .slides > .pdf-page"));
  }

  function copyFooter(pages) {
    var footer = document.querySelector(".deck-footer");
    if (!footer) return;
    pages.forEach(function (page) {
      var copy = footer.cloneNode(true);
      copy.classList.add("deck-footer-pdf");
      page.appendChild(copy);
    });
  }

  // One page size per PDF: the slide's page plus the tallest notes. Long notes are set
  // smaller rather than make every page taller; past the smallest size the page grows:
  // notes are never cut.
  function layoutHandout(pages, slidePageHeight, pageWidth) {
    var tallest = 0;
    pages.forEach(function (page) {
      var notes = page.querySelector(".speaker-notes-pdf");
      var slide = page.querySelector("section");
      if (!notes || !slide) return;
      notes.style.top = slidePageHeight + "px";
      notes.style.bottom = "auto";
      notes.style.left = slide.offsetLeft + "px";
      notes.style.width = slide.offsetWidth + "px";
      for (var i = 0; i < NOTES_FONT_SIZES.length; i++) {
        notes.style.fontSize = NOTES_FONT_SIZES[i] + "px";
        if (notes.offsetHeight <= NOTES_MAX_HEIGHT) break;
      }
      tallest = Math.max(tallest, notes.offsetHeight);
    });
    var height = slidePageHeight + tallest + NOTES_FOOTER_SPACE;
    pages.forEach(function (page) {
      page.style.height = height + "px";
    });
    document.body.style.height = height + "px";
    var style = document.getElementById("deck-handout-page") || document.createElement("style");
    style.id = "deck-handout-page";
    style.textContent = "@page { size: " + pageWidth + "px " + height + "px; margin: 0; }";
    document.head.appendChild(style);
  }

  // Paper neither scrolls nor hides the footer: a box that scrolls on screen (a long table)
  // is unrolled, and a cell that would then run past the slide's foot (that table, an opened
  // quiz answer) is scaled down (CSS zoom) to end above the footer, as plots do. Cells with a
  // plot are left alone: plots fit themselves (fitHeight).
  var PRINT_MIN_ZOOM = 0.3;

  function fitSlide(slide, limit) {
    Array.prototype.forEach.call(slide.querySelectorAll("*"), function (el) {
      var overflow = window.getComputedStyle(el).overflowY;
      if ((overflow === "auto" || overflow === "scroll") && el.scrollHeight > el.clientHeight + 1) {
        el.style.maxHeight = "none";
        el.style.overflowY = "visible";
      }
    });
    Array.prototype.forEach.call(slide.children, function (cell) {
      if (cell.querySelector(".deck-plot")) return;
      fitZoom(cell, PRINT_MIN_ZOOM, 10, function () {
        var box = cell.getBoundingClientRect();
        return box.height === 0 || box.bottom - slide.getBoundingClientRect().top <= limit + 0.5;
      });
    });
  }

  function fontsLoaded() {
    return document.fonts ? document.fonts.ready : Promise.resolve();
  }

  function printReady() {
    var Reveal = window.Reveal;
    var pages = pdfPages();
    var handout = Reveal.getConfig().showNotes === true && pages.length > 0;
    var slidePageHeight = handout ? pages[0].offsetHeight : 0;
    var pageWidth = handout ? pages[0].offsetWidth : 0;
    var limit = Reveal.getConfig().height - FOOTER_SPACE;
    copyFooter(pages);
    return fontsLoaded()
      .then(function () {
        pages.forEach(function (page) {
          var slide = page.querySelector("section");
          if (slide) fitSlide(slide, limit);
        });
        if (handout) layoutHandout(pages, slidePageHeight, pageWidth);
        return drawAll();
      })
      .then(fontsLoaded)
      .then(function () {
        // Measured again once every font is in: a fallback font sets other lines.
        if (handout) layoutHandout(pages, slidePageHeight, pageWidth);
        return new Promise(function (resolve) {
          window.requestAnimationFrame(function () {
            window.requestAnimationFrame(resolve);
          });
        });
      })
      .then(function () {
        document.documentElement.setAttribute("data-print-ready", "yes");
      });
  }

  window.DeckLifecycle = { start: start, refresh: refresh, drawAll: drawAll };
})();
