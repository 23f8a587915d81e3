// "No, continue with my request" on an article opened from the ticket form's suggestions: go back
// to the form the customer was filling in instead of a fresh one; either way the form puts back
// what they typed (static/js/ticket_form.js keeps a draft in the tab). Without JavaScript, or
// when there is no page to go back to, the link opens the form.
document.querySelectorAll("a[data-faq-back]").forEach((link) => {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1 && document.referrer.startsWith(window.location.origin)) {
      event.preventDefault();
      window.history.back();
    }
  });
});
