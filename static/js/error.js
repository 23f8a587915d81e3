// "Try again" on the error pages: reload, which for a form asks to send it again.
document.querySelectorAll("[data-reload]").forEach((button) => {
  button.addEventListener("click", () => window.location.reload());
});
