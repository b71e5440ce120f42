/* The participants' page of `make classroom` (/join, templates/join.html.j2).

   A phone gives the room code once (POST /api/join: the server sets an anonymous device cookie),
   then follows the trainer's current question through server-sent events (/api/stream): the
   question and its choices as on the slide, an answer it may change while the vote is open, and
   after the reveal the right answer, the explanation and the room's counts. Its words come from
   the page (#join-data, the message catalogue in the page's language); everything it shows is
   set with textContent: nothing the server relays is ever read as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("join-data").textContent);
  var W = DATA.words;
  var Q = DATA.quiz;
  var LANG = DATA.lang;
  var view = null;  // the last state the server sent
  var mine = null;  // this device's answer to the current question, as sent
  var order = null;  // an order question: the steps (indices) as this phone shows them now
  var shownQuestion = null;
  var stream = null;
  var triedCode = false;

  function $(id) { return document.getElementById(id); }

  function fill(text, params) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : whole;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(text) { $("join-status").textContent = text || ""; }

  function show(section) {
    ["join-code", "join-wait", "join-question"].forEach(function (id) { $(id).hidden = id !== section; });
  }

  function request(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { status: response.status, ok: response.ok, json: json };
      });
    });
  }

  function refused(result) {
    if (result.status === 429) return W.too_many;
    if (result.status === 409) return W.closed;
    return fill(W.refused, { status: result.status });
  }

  // --- joining ---

  function start() {
    request("GET", "/api/state?lang=" + LANG).then(function (result) {
      if (result.ok && result.json.joined) {
        mine = result.json.mine;
        shownQuestion = null;
        apply(result.json);
        listen();
      } else {
        askCode();
      }
    }).catch(function () {
      say(W.offline);
      window.setTimeout(start, 2000);
    });
  }

  function askCode() {
    show("join-code");
    var code = new URLSearchParams(window.location.search).get("code");
    if (code && !triedCode) {  // the QR code carries it: join at once
      triedCode = true;
      $("join-code-input").value = code;
      join(code);
    }
  }

  function join(code) {
    request("POST", "/api/join", { code: code }).then(function (result) {
      if (result.ok) {
        say("");
        // the code has done its work: the address bar (and a shared screenshot) keeps the language only
        window.history.replaceState(null, "", window.location.pathname + "?lang=" + LANG);
        start();
      } else if (result.status === 403) {
        say(W.bad_code);
        $("join-code-input").focus();
      } else {
        say(refused(result));
      }
    }).catch(function () { say(W.offline); });
  }

  function listen() {
    if (stream) return;
    stream = new EventSource("/api/stream?lang=" + LANG);
    stream.onmessage = function (event) {
      if ($("join-status").textContent === W.offline) say("");
      apply(JSON.parse(event.data));
    };
    stream.onerror = function () {
      if (stream.readyState === EventSource.CLOSED) {  // refused (a new session): join again
        stream = null;
        start();
      } else {
        say(W.offline);  // the browser tries again by itself (retry: 1 s)
      }
    };
  }

  // --- the question ---

  function letterOf(index) {
    var found = view.question.choices.filter(function (c) { return c.index === index; })[0];
    return found ? found.letter : "?";
  }

  function textOf(index) {
    return view.question.choices.filter(function (c) { return c.index === index; })[0].text;
  }

  function lettersOf(indices) {
    return indices.map(letterOf).join(", ");
  }

  function apply(next) {
    if (!next.joined) {
      if (stream) stream.close();
      stream = null;
      askCode();
      return;
    }
    view = next;
    if (!view.question) {
      shownQuestion = null;
      show("join-wait");
      return;
    }
    show("join-question");
    if (shownQuestion !== view.question.id) {
      if (shownQuestion !== null) {
        // another question: this device's answer to it, if it gave one before (a vote reopened)
        mine = null;
        request("GET", "/api/state?lang=" + LANG).then(function (result) {
          if (result.ok && result.json.question && result.json.question.id === view.question.id) {
            mine = result.json.mine;
            drawQuestion();
            drawState();
          }
        });
      }
      shownQuestion = view.question.id;
      drawQuestion();
    }
    drawState();
  }

  function drawQuestion() {
    var q = view.question;
    $("join-number").textContent = q.number;
    $("join-prompt").textContent = q.prompt;
    var box = $("join-choices");
    box.textContent = "";
    $("join-move-hint").hidden = q.kind !== "order";
    $("join-move-hint").textContent = Q.move_hint;
    if (q.kind === "single") {
      q.choices.forEach(function (choice) {
        var label = el("label", "join-choice");
        var input = el("input");
        input.type = "radio";
        input.name = "choice";
        input.value = String(choice.index);
        input.checked = mine === choice.index;
        label.appendChild(input);
        label.appendChild(el("span", "join-letter", choice.letter + "."));
        label.appendChild(el("span", "join-text", choice.text));
        box.appendChild(label);
      });
    } else {
      order = Array.isArray(mine) ? mine.slice() : q.choices.map(function (c) { return c.index; });
      box.appendChild(el("ol", "join-steps"));
      drawSteps();
    }
  }

  function drawSteps() {
    var list = $("join-choices").querySelector(".join-steps");
    list.textContent = "";
    order.forEach(function (index, position) {
      var item = el("li", "join-step");
      item.appendChild(el("span", "join-letter", letterOf(index) + "."));
      item.appendChild(el("span", "join-text", textOf(index)));
      var up = el("button", "join-move", "↑");
      up.type = "button";
      up.setAttribute("aria-label", fill(Q.up_step, { number: position + 1 }));
      up.disabled = position === 0 || !view.open;
      up.addEventListener("click", function () { move(position, -1); });
      var down = el("button", "join-move", "↓");
      down.type = "button";
      down.setAttribute("aria-label", fill(Q.down_step, { number: position + 1 }));
      down.disabled = position === order.length - 1 || !view.open;
      down.addEventListener("click", function () { move(position, 1); });
      item.appendChild(up);
      item.appendChild(down);
      list.appendChild(item);
    });
  }

  function move(position, step) {
    var other = position + step;
    var moved = order[position];
    order[position] = order[other];
    order[other] = moved;
    drawSteps();
    var buttons = $("join-choices").querySelectorAll(".join-step")[other].querySelectorAll("button");
    var next = buttons[step < 0 ? 0 : 1];
    (next.disabled ? buttons[step < 0 ? 1 : 0] : next).focus();
  }

  function sentText() {
    if (mine === null || mine === undefined) return "";
    return Array.isArray(mine) ? fill(W.sent_order, { order: lettersOf(mine) }) : fill(W.sent, { letter: letterOf(mine) });
  }

  function drawState() {
    var q = view.question;
    var open = Boolean(view.open);
    Array.prototype.forEach.call($("join-choices").querySelectorAll("input"), function (input) { input.disabled = !open; });
    if (q.kind === "order") drawSteps();
    $("join-send").hidden = !open;
    $("join-send").disabled = !open;
    $("join-result").hidden = !view.revealed;
    if (view.revealed) {
      drawResult();
      say("");
    } else if (open) {
      say(sentText());
    } else {
      var yours = mine === null || mine === undefined ? W.none
        : Array.isArray(mine) ? fill(W.yours_order, { order: lettersOf(mine) }) : fill(W.yours, { letter: letterOf(mine) });
      say(W.closed + " " + yours);
    }
  }

  function drawResult() {
    var q = view.question;
    var result = view.result;
    var verdict = W.none;
    var yours = "";
    if (mine !== null && mine !== undefined && q.kind === "single") {
      verdict = mine === result.right ? Q.right : Q.wrong;
      yours = fill(W.yours, { letter: letterOf(mine) });
    } else if (mine !== null && mine !== undefined) {
      var placed = mine.filter(function (step, position) { return step === position; }).length;
      verdict = placed === mine.length ? Q.right : fill(W.placed, { count: placed, total: mine.length });
      yours = fill(W.yours_order, { order: lettersOf(mine) });
    }
    $("join-verdict").textContent = verdict;
    $("join-yours").textContent = yours;
    $("join-right").textContent = q.kind === "single"
      ? fill(Q.answer, { letter: letterOf(result.right) + ". ", choice: textOf(result.right) })
      : fill(Q.right_order, { order: lettersOf(result.right) });
    $("join-feedback").textContent = result.feedback;
    $("join-placed-caption").hidden = q.kind !== "order";
    var bars = $("join-bars");
    bars.textContent = "";
    q.choices.forEach(function (choice) {
      var count = result.counts[choice.index];
      var right = q.kind === "single" && choice.index === result.right;
      var item = el("li", "join-bar" + (right ? " join-bar-right" : ""));
      item.setAttribute("data-choice", String(choice.index));
      var label = el("span", "join-bar-label", choice.letter + ". " + choice.text);
      if (right) label.appendChild(el("strong", "join-bar-mark", " ✔ " + W.right_mark));
      item.appendChild(label);
      var line = el("span", "join-bar-line");
      var fill_ = el("span", "join-bar-fill");
      fill_.style.width = (result.answers ? Math.round(100 * count / result.answers) : 0) + "%";
      line.appendChild(fill_);
      item.appendChild(line);
      item.appendChild(el("span", "join-bar-count", String(count)));
      bars.appendChild(item);
    });
    $("join-total").textContent = fill(W.answers, { count: result.answers });
  }

  // --- sending ---

  $("join-code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    join($("join-code-input").value);
  });

  $("join-answer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = view.question;
    var choice;
    if (q.kind === "single") {
      var checked = $("join-choices").querySelector("input[name=choice]:checked");
      if (!checked) {
        say(W.choose_first);
        return;
      }
      choice = parseInt(checked.value, 10);
    } else {
      choice = order.slice();
    }
    $("join-send").disabled = true;
    request("POST", "/api/answer", { question: q.id, choice: choice }).then(function (result) {
      $("join-send").disabled = !view.open;
      if (result.ok) {
        mine = result.json.mine;
        say(sentText());
      } else if (result.status === 403) {
        start();
      } else {
        say(refused(result));
      }
    }).catch(function () {
      $("join-send").disabled = !view.open;
      say(W.offline);
    });
  });

  start();
})();
