// "No, continue with my request" on an article opened from the ticket form's suggestions: go back
// to the form the customer was filling in (the browser keeps what they typed) instead of a fresh
// one. Without JavaScript, or when there is no page to go back to, the link opens the form.
document.querySelectorAll("a[data-faq-back]").forEach((link) => {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1 && document.referrer.startsWith(window.location.origin)) {
      event.preventDefault();
      window.history.back();
    }
  });
});
