// The topbar's bell (templates/staff/_bell.html): the unread count follows live messages
// (static/js/live.js turns each into a `live:notification` DOM event), with a short polite
// toast for a new notification; while no live connection is up (`live:down` seen, or
// `live:up` never seen) the count is polled every 20 s instead, so the bell works without it.
(function () {
  "use strict";

  var POLL_MS = 20000;
  var TOAST_MS = 8000;
  var bell = document.getElementById("bell");
  if (!bell) return;
  var badge = document.getElementById("bell-count");
  var toast = document.getElementById("bell-toast");
  var liveUp = false;
  var toastTimer = null;

  function show(count) {
    var n = Math.max(0, parseInt(count, 10) || 0);
    badge.textContent = String(n);
    badge.hidden = n === 0;
    bell.classList.toggle("bell-unread", n > 0);
    bell.setAttribute("aria-label", bell.dataset.label.replace("__N__", String(n)));
  }

  function sameOrigin(url) {
    try {
      return new URL(url, window.location.href).origin === window.location.origin;
    } catch (error) {
      return false;
    }
  }

  function hideToast() {
    toast.replaceChildren();
    toast.classList.remove("bell-toast-shown");
  }

  function announce(text, url) {
    if (!toast || !text) return;
    hideToast();
    var line = document.createElement("p");
    line.textContent = text + " ";
    if (url && sameOrigin(url)) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = toast.dataset.open;
      line.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link-button bell-toast-close";
    close.textContent = toast.dataset.close;
    close.addEventListener("click", hideToast);
    line.appendChild(close);
    toast.appendChild(line);
    toast.classList.add("bell-toast-shown");
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(hideToast, TOAST_MS);
  }

  document.addEventListener("live:notification", function (event) {
    var detail = event.detail || {};
    if (detail.unread !== undefined) show(detail.unread);
    announce(detail.text, detail.url);
  });
  document.addEventListener("live:up", function () {
    liveUp = true;
  });
  document.addEventListener("live:down", function () {
    liveUp = false;
  });

  function poll() {
    if (liveUp || document.hidden) return;
    fetch(bell.dataset.countUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.unread !== undefined) show(data.unread);
      })
      .catch(function () {
        // Offline for a moment: the next poll tries again.
      });
  }

  window.setInterval(poll, POLL_MS);
})();
