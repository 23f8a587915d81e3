// "Remove" beside a file kept from an earlier try of a form (templates/portal/_kept_uploads.html):
// the file leaves the form at once, and the server deletes files nobody claims. Without
// JavaScript the button posts the form and the server removes it.
document.querySelectorAll("[data-kept-uploads]").forEach((kept) => {
  kept.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-upload]");
    if (!button) return;
    event.preventDefault();
    const fileInput = button.form && button.form.querySelector("input[type=file]");
    button.closest("li").remove();
    kept.hidden = !kept.querySelector("li");
    // ticket_form.js keeps its draft up to date on change.
    kept.dispatchEvent(new Event("change", { bubbles: true }));
    if (fileInput) fileInput.focus();
  });
});
