// Show a field only while another field has a given value: data-show-when="field=value".
// Without JavaScript every field stays visible, and the server validates the combination.
document.querySelectorAll("[data-show-when]").forEach((input) => {
  const [name, value] = input.dataset.showWhen.split("=");
  const controller = input.form && input.form.elements[name];
  const group = input.closest(".field");
  if (!controller || !group) return;
  const update = () => {
    const shown = controller.value === value;
    group.hidden = !shown;
    if (!shown) input.value = "";
  };
  controller.addEventListener("change", update);
  update();
});
