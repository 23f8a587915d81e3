// `@` in an internal note suggests the colleagues who can see the ticket (the reply form's
// data-mention-url: /staff/tickets/<reference>/agents/), a listbox under the text box:
// arrows move, Enter or Tab inserts "@handle ", Escape closes. Public replies get no
// suggestions: "@" there is written to the customer.
(function () {
  "use strict";

  var MAX_SHOWN = 8;
  // The reply box is redrawn after a send (htmx): everything is looked up when used, and the
  // listeners sit on the document.
  var BOX = "#reply-form textarea[name=body]";
  var agents = null;
  var loading = null;
  var loadedFrom = null;
  var menu = document.createElement("ul");
  menu.id = "mention-menu";
  menu.className = "mention-menu";
  menu.setAttribute("role", "listbox");
  menu.hidden = true;
  var shown = [];
  var active = 0;
  var start = -1;
  var form = null;
  var box = null;

  // The current form and text box; false when the page has none (or no mention list).
  function attach() {
    form = document.getElementById("reply-form");
    box = form && form.querySelector("textarea[name=body]");
    if (!box || !form.dataset.mentionUrl) return false;
    if (menu.previousElementSibling !== box) box.insertAdjacentElement("afterend", menu);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", menu.id);
    return true;
  }

  function isNote() {
    var kind = form.querySelector("input[name=kind]:checked");
    return kind && kind.value === "internal";
  }

  function load() {
    if (loadedFrom !== form.dataset.mentionUrl) {
      agents = null;
      loading = null;
      loadedFrom = form.dataset.mentionUrl;
    }
    if (agents) return Promise.resolve(agents);
    if (!loading) {
      loading = fetch(form.dataset.mentionUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { agents: [] };
        })
        .then(function (data) {
          agents = data.agents || [];
          return agents;
        })
        .catch(function () {
          loading = null;
          return [];
        });
    }
    return loading;
  }

  // The handle being typed: "@" at the start or after whitespace or an opening bracket,
  // up to the caret, with no space in between.
  function typed() {
    var caret = box.selectionStart;
    var before = box.value.slice(0, caret);
    var match = /(^|[\s(\[{"'“‘（「])@([^\s@]{0,40})$/u.exec(before);
    if (!match) return null;
    return { query: match[2].toLocaleLowerCase(), at: caret - match[2].length - 1 };
  }

  function close() {
    menu.hidden = true;
    menu.replaceChildren();
    shown = [];
    start = -1;
    if (box) {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(menu.children, function (item, i) {
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (menu.children[index]) box.setAttribute("aria-activedescendant", menu.children[index].id);
  }

  function render(list) {
    menu.replaceChildren();
    list.forEach(function (agent, i) {
      var item = document.createElement("li");
      item.id = "mention-option-" + i;
      item.setAttribute("role", "option");
      item.textContent = agent.name;
      var handle = document.createElement("span");
      handle.className = "muted";
      handle.textContent = "@" + agent.handle;
      item.appendChild(handle);
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the text box
        choose(i);
      });
      menu.appendChild(item);
    });
    menu.hidden = list.length === 0;
    highlight(0);
  }

  function suggest() {
    var current = isNote() ? typed() : null;
    if (!current) return close();
    load().then(function (list) {
      var again = typed();
      if (!again || again.at !== current.at || !isNote()) return;
      start = again.at;
      shown = list
        .filter(function (agent) {
          var name = agent.name.toLocaleLowerCase();
          return (
            agent.handle.toLocaleLowerCase().indexOf(again.query) === 0 ||
            name.split(/\s+/).some(function (word) {
              return word.indexOf(again.query) === 0;
            })
          );
        })
        .slice(0, MAX_SHOWN);
      render(shown);
    });
  }

  function choose(index) {
    var agent = shown[index];
    if (!agent || start < 0) return;
    var caret = box.selectionStart;
    var text = "@" + agent.handle + " ";
    box.value = box.value.slice(0, start) + text + box.value.slice(caret);
    var position = start + text.length;
    box.setSelectionRange(position, position);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    box.focus();
  }

  function onBox(handler) {
    return function (event) {
      if (event.target.matches && event.target.matches(BOX) && attach()) handler(event);
    };
  }

  document.addEventListener("input", onBox(suggest));
  document.addEventListener("click", onBox(suggest));
  document.addEventListener(
    "blur",
    onBox(function () {
      // Later, and only if the focus did not come back (a click on an option keeps it).
      window.setTimeout(function () {
        if (document.activeElement !== box) close();
      }, 150);
    }),
    true
  );
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind" && attach() && !isNote()) close();
  });
  document.addEventListener(
    "keydown",
    onBox(function (event) {
      if (menu.hidden || !shown.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % shown.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + shown.length) % shown.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (event.ctrlKey || event.metaKey) return; // Ctrl+Enter sends
        event.preventDefault();
        event.stopPropagation();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    }),
    true
  );
})();
