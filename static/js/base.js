// Small behaviours every page shares. The pages work without them.

// The language switcher submits as soon as a language is picked.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});

// A form with errors: move focus to the summary so screen readers announce it.
const summary = document.querySelector("[data-focus-on-load]");
if (summary) summary.focus();

// One click, one request: disable the submit button while a form is being sent.
// (The server also ignores a repeated ticket form: it carries an idempotency token.)
document.querySelectorAll("form[data-once]").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = true;
    });
  });
});
