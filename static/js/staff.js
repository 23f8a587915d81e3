// The staff workspace: keyboard shortcuts, queue row navigation, canned responses, typing presence.
// Everything here is an extra: every action also works as a plain form.
document.body.classList.add("js");

// Language switcher submits on change.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

const shortcuts = document.getElementById("shortcuts");
document.querySelectorAll("[data-open-shortcuts]").forEach((button) => {
  button.addEventListener("click", () => shortcuts.showModal());
});

function typingInField(event) {
  const target = event.target;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

// Queue rows: j / k move, o / Enter open, x selects.
let current = -1;
function rows() {
  return Array.from(document.querySelectorAll(".queue-row"));
}
function focusRow(index) {
  const all = rows();
  if (!all.length) return;
  current = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((row, i) => row.classList.toggle("is-current", i === current));
  all[current].scrollIntoView({ block: "nearest" });
}

function setKind(kind) {
  const radio = document.querySelector(`#reply-form input[name=kind][value=${kind}]`);
  if (radio) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const body = document.querySelector("#reply-form textarea[name=body]");
  if (body) body.focus();
}

let pendingG = false;
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.closest("#reply-form")) {
    event.preventDefault();
    event.target.closest("form").requestSubmit();
    return;
  }
  if (typingInField(event) || event.altKey || event.ctrlKey || event.metaKey) return;
  if (pendingG) {
    pendingG = false;
    const link = document.querySelector(`[data-shortcut="g ${event.key}"]`);
    if (link) {
      event.preventDefault();
      link.click();
    }
    return;
  }
  const key = event.key;
  if (key === "?") {
    event.preventDefault();
    shortcuts.showModal();
  } else if (key === "/") {
    event.preventDefault();
    document.getElementById("global-search").focus();
  } else if (key === "g") {
    pendingG = true;
  } else if (key === "j") {
    focusRow(current + 1);
  } else if (key === "k") {
    focusRow(current - 1);
  } else if ((key === "o" || key === "Enter") && current >= 0) {
    window.location.href = rows()[current].dataset.href;
  } else if (key === "x" && current >= 0) {
    const box = rows()[current].querySelector("input[type=checkbox]");
    box.checked = !box.checked;
  } else if (key === "c") {
    const claim = document.getElementById("claim");
    if (claim) claim.click();
  } else if (key === "r") {
    event.preventDefault();
    setKind("public");
  } else if (key === "n") {
    event.preventDefault();
    setKind("internal");
  }
});

// Clicking a queue row (outside its links and checkbox) opens the ticket.
document.addEventListener("click", (event) => {
  const row = event.target.closest(".queue-row");
  if (row && !event.target.closest("a, input, label")) window.location.href = row.dataset.href;
});

// Canned responses and macros: static/js/picker.js.

// Presence: "typing" while the agent typed in the last few seconds.
let typingTimer = null;
function markTyping() {
  const state = document.getElementById("presence-state");
  if (!state) return;
  state.value = "typing";
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    state.value = "viewing";
  }, 8000);
}
document.addEventListener("input", (event) => {
  if (event.target.closest("#reply-form")) markTyping();
});

// After htmx swaps the reply box or sidebar, keep focus where the agent works.
document.body.addEventListener("htmx:oobAfterSwap", (event) => {
  if (event.detail.target && event.detail.target.id === "reply-box") {
    const warning = document.getElementById("stale-warning");
    if (warning) warning.focus();
  }
});

// The queue refreshes every 30 s, but not while its tab is in the background (no filter in
// hx-trigger: that would need eval, which the Content-Security-Policy forbids).
document.body.addEventListener("htmx:confirm", (event) => {
  if (event.target.id === "queue-rows" && document.visibilityState !== "visible") {
    event.preventDefault();
  }
});
