// The ticket page's picker of canned responses and macros: a combobox (ARIA 1.2 pattern) whose
// listbox filters by title and text as the agent types, the ticket's language first.
// `;` opens it outside text fields, Ctrl+/ from the reply box; arrows move, Enter picks,
// Escape closes. A canned response goes into the reply box; a macro opens its preview.
// No inline code or styles (Content-Security-Policy): the list is built with DOM calls.
(function () {
  const MAX_SHOWN = 50;
  let items = null; // loaded once per page, on first use
  let shown = [];
  let active = -1;

  function parts() {
    const root = document.querySelector(".picker[data-picker-url]");
    if (!root) return null;
    return {
      root,
      input: root.querySelector("#picker-input"),
      list: root.querySelector("#picker-list"),
      status: root.querySelector("#picker-status"),
    };
  }

  async function load(p) {
    if (items) return items;
    const response = await fetch(p.root.dataset.pickerUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return [];
    const data = await response.json();
    items = data.items.map((item) => ({
      ...item,
      kindLabel: data.labels[item.kind],
      haystack: `${item.title} ${item.text} ${item.language_label}`.toLowerCase(),
    }));
    return items;
  }

  function matches(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return items.filter((item) => words.every((word) => item.haystack.includes(word)));
  }

  function render(p) {
    p.list.replaceChildren();
    if (!shown.length) {
      const none = document.createElement("li");
      none.className = "picker-none";
      none.setAttribute("role", "option");
      none.setAttribute("aria-disabled", "true");
      none.setAttribute("aria-selected", "false");
      none.textContent = p.root.dataset.noneLabel;
      p.list.append(none);
    }
    shown.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `picker-option-${index}`;
      option.setAttribute("role", "option");
      option.className = `picker-option picker-${item.kind}`;
      option.setAttribute("aria-selected", index === active ? "true" : "false");
      option.dataset.index = String(index);
      const kind = document.createElement("span");
      kind.className = "picker-kind";
      kind.textContent = item.kindLabel;
      const title = document.createElement("span");
      title.className = "picker-title";
      title.textContent = item.title;
      const badge = document.createElement("span");
      badge.className = "badge picker-language";
      if (item.language === p.root.dataset.ticketLanguage) badge.classList.add("is-ticket-language");
      badge.textContent = item.language_label;
      option.append(kind, title, badge);
      p.list.append(option);
    });
    if (active >= 0) {
      p.input.setAttribute("aria-activedescendant", `picker-option-${active}`);
      p.list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }

  function announce(p) {
    p.status.textContent = shown.length
      ? p.root.dataset.foundLabel.replace("{count}", String(shown.length))
      : p.root.dataset.noneLabel;
  }

  async function open(p) {
    await load(p);
    shown = matches(p.input.value).slice(0, MAX_SHOWN);
    active = shown.length ? 0 : -1;
    render(p);
    p.list.hidden = false;
    p.input.setAttribute("aria-expanded", "true");
    announce(p);
  }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function replyBox() {
    return document.querySelector("#reply-form textarea[name=body]");
  }

  async function insertCanned(item) {
    const response = await fetch(item.url, { credentials: "same-origin" });
    if (!response.ok) return;
    const text = await response.text();
    const body = replyBox();
    if (!body) return;
    const start = body.selectionStart ?? body.value.length;
    body.value = body.value.slice(0, start) + text + body.value.slice(body.selectionEnd ?? start);
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true })); // typing presence
  }

  function openMacro(item) {
    window.htmx.ajax("GET", item.url, { target: "#macro-preview", swap: "outerHTML" }).then(() => {
      const apply = document.getElementById("apply-macro");
      if (apply) apply.focus();
    });
  }

  function pick(p, index) {
    const item = shown[index];
    if (!item) return;
    close(p);
    p.input.value = "";
    if (item.kind === "canned") insertCanned(item);
    else openMacro(item);
  }

  function focusPicker() {
    const p = parts();
    if (!p) return false;
    p.input.focus();
    open(p);
    return true;
  }

  document.addEventListener("input", (event) => {
    if (event.target.id !== "picker-input") return;
    open(parts());
  });

  document.addEventListener("focusout", (event) => {
    if (event.target.id !== "picker-input") return;
    const p = parts();
    // A click on an option keeps the list (mousedown below); anything else closes it.
    setTimeout(() => {
      if (document.activeElement !== p.input) close(p);
    }, 0);
  });

  document.addEventListener("mousedown", (event) => {
    if (event.target.closest("#picker-list")) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest("#picker-list [role=option]");
    if (option) {
      pick(parts(), Number(option.dataset.index));
      return;
    }
    if (event.target.id === "picker-input") open(parts());
    if (event.target.closest("[data-macro-cancel]")) {
      const slot = document.getElementById("macro-preview");
      slot.replaceChildren();
      focusPicker();
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.id === "picker-input") {
      const p = parts();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (p.list.hidden) {
          open(p);
          return;
        }
        if (!shown.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + shown.length) % shown.length;
        render(p);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (!p.list.hidden && active >= 0) pick(p, active);
      } else if (event.key === "Escape") {
        if (!p.list.hidden) {
          event.preventDefault();
          close(p);
        }
      } else if (event.key === "Home" || event.key === "End") {
        if (!p.list.hidden && shown.length) {
          event.preventDefault();
          active = event.key === "Home" ? 0 : shown.length - 1;
          render(p);
        }
      }
      return;
    }
    // Ctrl+/ from the reply box; `;` anywhere that is not a text field.
    if (event.key === "/" && (event.ctrlKey || event.metaKey) && target.closest("#reply-form")) {
      if (focusPicker()) event.preventDefault();
      return;
    }
    const typing =
      target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
    if (event.key === ";" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      if (focusPicker()) event.preventDefault();
    }
  });
})();
