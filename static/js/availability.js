// Going away: the question opens in a dialog over the page (htmx loads it into
// #away-dialog-body); without JavaScript the same form is a page of its own.
(() => {
  const dialog = document.getElementById("away-dialog");
  if (!dialog) return;
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "away-dialog-body") return;
    if (!dialog.open) dialog.showModal();
    const chosen = dialog.querySelector("input[name=tickets]:checked") || dialog.querySelector("#away-confirm");
    if (chosen) chosen.focus();
  });
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-dialog]")) {
      event.preventDefault();
      dialog.close();
    }
  });
  dialog.addEventListener("close", () => {
    const toggle = document.getElementById("availability-toggle");
    if (toggle) toggle.focus();
  });
})();
