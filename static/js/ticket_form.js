// Show a field only while another field has one of the given values:
// data-show-when="field=value" or "field=value,other".
// Without JavaScript every field stays visible, and the server validates the combination.
document.querySelectorAll("[data-show-when]").forEach((input) => {
  const [name, listed] = input.dataset.showWhen.split("=");
  const values = listed.split(",");
  const controller = input.form && input.form.elements[name];
  const group = input.closest(".field");
  if (!controller || !group) return;
  const update = () => {
    const shown = values.includes(controller.value);
    group.hidden = !shown;
    if (!shown) input.value = "";
  };
  controller.addEventListener("change", update);
  update();
});

// Nothing typed is lost. What the customer types is kept in this tab's sessionStorage, one draft
// per topic form, and put back when the form opens again in the tab: after "No, continue with my
// request" on a suggested article, the back button or a reload (the page is never cached, and the
// browser does not restore the subject). Kept in the browser, not on the server: nobody else can
// read it, it goes when the tab closes, and a half-written form is never stored as personal data.
// Hidden tokens and files are not kept; the files the server kept after an error (pending
// uploads, tied to the form's token) come back with that token, the others are named so they
// can be chosen again. Sending the form ends the draft. Without JavaScript nothing changes.
const draftForm = document.querySelector("form[data-draft]");
if (draftForm) {
  const key = `ticket-draft:${window.location.pathname}`;
  const token = draftForm.elements.idempotency_token;
  const kept = document.getElementById("kept-uploads");
  const fileInput = draftForm.querySelector("input[type=file]");
  const NOT_TYPED = ["file", "hidden", "submit", "button", "password"];
  const typed = () =>
    Array.from(draftForm.elements).filter(
      (element) => element.name && !NOT_TYPED.includes(element.type),
    );

  const save = () => {
    const values = {};
    typed().forEach((element) => {
      if (element.type !== "radio" && element.type !== "checkbox") {
        values[element.name] = element.value;
      } else if (element.checked) {
        values[element.name] = element.value;
      }
    });
    const uploads = Array.from(kept.querySelectorAll("li"), (item) => ({
      id: item.querySelector("input").value,
      name: item.querySelector(".kept-upload-name").textContent,
      size: item.querySelector(".kept-upload-size").textContent,
    }));
    const chosen = fileInput ? Array.from(fileInput.files, (file) => file.name) : [];
    try {
      sessionStorage.setItem(key, JSON.stringify({ values, uploads, chosen, token: token.value }));
    } catch {
      // Storage full or switched off: the form still works, it just is not kept.
    }
  };

  const showKept = (upload) => {
    const template = document.getElementById("kept-upload-template");
    const item = template.content.firstElementChild.cloneNode(true);
    item.querySelector("input").value = upload.id;
    item.querySelector("button").value = upload.id;
    item.querySelector(".kept-upload-name").textContent = upload.name;
    item.querySelector(".kept-upload-size").textContent = upload.size;
    item.querySelector(".visually-hidden").textContent = ` ${upload.name}`;
    kept.querySelector("ul").append(item);
    kept.hidden = false;
  };

  const restore = (draft) => {
    typed().forEach((element) => {
      if (!(element.name in draft.values)) return;
      const value = draft.values[element.name];
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = element.value === value;
      } else {
        element.value = value;
      }
    });
    // A select may show or hide another field (data-show-when above). Setting a value fires no
    // keyup, so the subject asks for no suggestions the customer has just been through.
    draftForm.querySelectorAll("select").forEach((select) => {
      select.dispatchEvent(new Event("change"));
    });
    if (draft.uploads.length) {
      // The kept files belong to the token they were kept with, which no ticket has used yet.
      token.value = draft.token;
      draft.uploads.forEach(showKept);
    } else if (draft.chosen.length && fileInput) {
      const notice = document.getElementById("choose-again");
      notice.querySelector(".choose-again-names").textContent = draft.chosen.join(", ");
      // The back button may give the files back (Chromium does, just before "pageshow"):
      // then there is nothing to say.
      const update = () => {
        notice.hidden = fileInput.files.length > 0;
      };
      update();
      window.addEventListener("pageshow", () => setTimeout(update));
      fileInput.addEventListener("change", update);
    }
  };

  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(key));
  } catch {
    draft = null;
  }
  if (draftForm.hasAttribute("data-posted")) {
    // The server's answer to a try holds the newest values. Make this history entry the form's
    // address, so the back button or a reload asks for the form instead of posting it again.
    window.history.replaceState(null, "", window.location.href);
  } else if (draft && draft.values) {
    restore(draft);
  }
  save();
  draftForm.addEventListener("input", save);
  draftForm.addEventListener("change", save);

  draftForm.addEventListener("submit", () => sessionStorage.removeItem(key));
}
