// Copy buttons beside references, amounts and phone numbers: <button data-copy="value">.
// The clipboard API where the page may use it (a secure context), else a selected textarea
// and execCommand; a polite "Copied" in #copy-status either way.
(() => {
  const status = document.getElementById("copy-status");

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    area.remove();
    return done;
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (error) {
        // Refused (permissions, focus): try the old way.
      }
    }
    return fallbackCopy(text);
  }

  function announce(button, done) {
    const text = done ? status.dataset.copied : status.dataset.failed;
    // Emptied first, so that copying the same thing twice is announced twice.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
    button.classList.toggle("is-copied", done);
    button.dataset.copiedLabel = text;
    window.clearTimeout(button.copyTimer);
    button.copyTimer = window.setTimeout(() => {
      button.classList.remove("is-copied");
      delete button.dataset.copiedLabel;
    }, 2000);
  }

  // Where copying is refused, the text it names (data-copy-select="id") is selected instead,
  // ready for the phone's own "Copy".
  function selectText(id) {
    const element = id && document.getElementById(id);
    if (!element) return;
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button || !status) return;
    event.preventDefault();
    const done = await copy(button.dataset.copy);
    if (!done) selectText(button.dataset.copySelect);
    announce(button, done);
  });

  // A button that only works with this script is hidden in the page until now.
  if (status) {
    document.querySelectorAll("button[data-copy][hidden]").forEach((button) => {
      button.hidden = false;
    });
  }
})();
