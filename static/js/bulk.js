// Bulk actions on the queue page: show only the value control of the chosen action. Without
// this script every control is shown and the chosen action decides which one counts.
(function () {
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const action = form.querySelector("#bulk-action");
  function show() {
    form.querySelectorAll("[data-bulk-for]").forEach((control) => {
      const mine = control.dataset.bulkFor.split(" ").includes(action.value);
      control.hidden = !mine;
      control.querySelectorAll("input, select").forEach((field) => {
        field.required = mine && field.tagName === "INPUT";
      });
    });
  }
  action.addEventListener("change", show);
  show();
})();
