// Live updates on the staff pages (staff/live.py, docs/architecture.md "Live updates").
//
// One WebSocket per page. Every message {event, payload} becomes a DOM event "live:<event>" on
// document, with the payload as its detail; "live:up" and "live:down" say when the connection
// opens and drops. It reconnects with a growing, jittered delay. While it is down, the pages keep
// (or go back to) polling, so nothing depends on it: it only makes things arrive sooner.
//
// Then what this file does with it: on the ticket page, presence and typing go out on the socket
// and the other agents' come back at once, and a change heard redraws the thread, sidebar and
// audit trail in place (never the reply box); on the queue page, a new ticket redraws the rows.
(() => {
  const script = document.currentScript;
  const path = script && script.dataset.url;
  if (!path || !("WebSocket" in window)) return;

  const ticketForm = document.querySelector("[data-live-ticket]");
  const queuesMarker = document.querySelector("[data-live-queues]");
  const params = new URLSearchParams();
  if (ticketForm) params.set("ticket", ticketForm.dataset.liveTicket);
  if (queuesMarker) params.set("queues", queuesMarker.dataset.liveQueues);
  const query = params.toString();
  const address = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}${query ? `?${query}` : ""}`;

  const root = document.documentElement;
  let socket = null;
  let up = false;
  let wasUp = false;
  let attempt = 0;
  let retry = null;

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  function connect() {
    retry = null;
    try {
      socket = new WebSocket(address);
    } catch {
      schedule();
      return;
    }
    socket.addEventListener("open", () => {
      heard = Date.now();
      attempt = 0;
      up = true;
      root.dataset.live = "up";
      emit("live:up", { reconnected: wasUp });
      wasUp = true;
    });
    socket.addEventListener("message", (message) => {
      heard = Date.now();
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        return;
      }
      if (data && typeof data.event === "string") emit(`live:${data.event}`, data.payload || {});
    });
    socket.addEventListener("close", () => {
      socket = null;
      root.dataset.live = "down";
      if (up) {
        up = false;
        emit("live:down", {});
      }
      schedule();
    });
  }

  // 1, 2, 4 ... 30 s, each between half and all of it, so a restarted server is not hit by
  // every page at the same instant. A background tab stops after a few tries and starts again
  // when it is looked at (or the computer is back online).
  let parked = false;
  function schedule() {
    if (retry) return;
    if (document.visibilityState === "hidden" && attempt >= 4) {
      parked = true;
      return;
    }
    attempt += 1;
    const ceiling = Math.min(30000, 1000 * 2 ** Math.min(attempt - 1, 5));
    retry = setTimeout(connect, ceiling * (0.5 + Math.random() / 2));
  }
  function retryNow() {
    if (socket || document.visibilityState === "hidden") return;
    if (!parked && !retry) return;
    clearTimeout(retry);
    parked = false;
    attempt = 0;
    connect();
  }
  document.addEventListener("visibilitychange", retryNow);
  window.addEventListener("online", retryNow);

  // A connection can die without closing (a laptop asleep, a proxy that dropped it): the page
  // asks every KEEPALIVE_MS and gives up on a socket that answered nothing for twice that.
  const KEEPALIVE_MS = 25000;
  let heard = 0;
  setInterval(() => {
    if (!up || !socket) return;
    if (Date.now() - heard > 2 * KEEPALIVE_MS + 5000) {
      socket.close();
      return;
    }
    socket.send(JSON.stringify({ type: "ping" }));
  }, KEEPALIVE_MS);

  window.helpdeskLive = {
    get up() {
      return up;
    },
    send(message) {
      if (!up || !socket) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
  };

  root.dataset.live = "connecting";
  connect();

  // Polling stays as the fallback: each polled request is skipped while the socket is up.
  const polled = new Set(["presence-form"]);
  document.body.addEventListener("htmx:confirm", (event) => {
    if (up && polled.has(event.target.id)) {
      event.preventDefault();
    }
  });

  if (ticketForm) ticketPage(ticketForm);
  if (queuesMarker) queuePage();

  function ticketPage(form) {
    const ticketId = Number(form.dataset.liveTicket);
    const pingMs = (Number(form.dataset.pingSeconds) || 10) * 1000;
    const seenInput = form.querySelector("input[name=seen]");
    let known = { latest: seenInput ? seenInput.value : "", version: form.dataset.version || "" };
    let state = "viewing";
    let typingTimer = null;
    let heartbeat = null;

    function sendState() {
      window.helpdeskLive.send({ type: "presence", ticket: ticketId, state });
    }
    function setState(next) {
      if (next === state) return;
      state = next;
      sendState();
    }
    // "Typing" while the agent typed in the last few seconds (staff.js keeps the polled form's).
    document.addEventListener("input", (event) => {
      if (!event.target.closest("#reply-form")) return;
      clearTimeout(typingTimer);
      if (event.target.matches("textarea") && !event.target.value.trim()) {
        setState("viewing");
        return;
      }
      setState("typing");
      typingTimer = setTimeout(() => setState("viewing"), 8000);
    });
    // Sent: no longer typing (the form is replaced before htmx's own events could say so).
    document.addEventListener("submit", (event) => {
      if (event.target.id !== "reply-form") return;
      clearTimeout(typingTimer);
      setState("viewing");
    });

    document.addEventListener("live:up", (event) => {
      sendState();
      clearInterval(heartbeat);
      heartbeat = setInterval(sendState, pingMs);
      // What changed while the socket was down was not heard: redraw once.
      if (event.detail.reconnected) scheduleRefresh();
    });
    document.addEventListener("live:down", () => clearInterval(heartbeat));

    const box = document.getElementById("presence");
    document.addEventListener("live:presence", (event) => {
      if (event.detail.ticket !== ticketId || !box) return;
      const chips = (event.detail.present || []).map((other) => {
        const typing = other.state === "typing";
        const chip = document.createElement("span");
        chip.className = `presence-chip presence-${typing ? "typing" : "viewing"}`;
        const template = typing ? form.dataset.typing : form.dataset.viewing;
        chip.textContent = template.replace("__NAME__", String(other.name ?? ""));
        return chip;
      });
      // Redrawn only when it says something new: the region is read out by screen readers.
      const text = chips.map((chip) => chip.className + chip.textContent).join("|");
      if (box.dataset.liveText === text) return;
      box.dataset.liveText = text;
      box.replaceChildren(...chips);
    });

    document.addEventListener("live:ticket_changed", (event) => {
      if (event.detail.ticket === ticketId) scheduleRefresh();
    });

    // The polling fallback: its answer says the newest message and the version; a change
    // redraws the same parts as a change heard on the socket.
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target !== box) return;
      delete box.dataset.liveText;
      const marker = document.getElementById("presence-marker");
      if (!marker) return;
      const now = { latest: marker.dataset.latest, version: marker.dataset.version };
      if (now.latest !== known.latest || now.version !== known.version) {
        known = now;
        scheduleRefresh();
      }
    });

    let refreshTimer = null;
    function scheduleRefresh() {
      // One redraw for the several events one change writes (a reply that sets a status).
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 150);
    }

    function refresh() {
      // Never redraw a field the agent is in the middle of (a tag being typed, a select open):
      // wait until they leave it. The reply box is not redrawn at all.
      const active = document.activeElement;
      if (
        active &&
        active.matches("input, select, textarea, [contenteditable]") &&
        active.closest("#ticket-sidebar, #thread, #audit-trail")
      ) {
        active.addEventListener("focusout", scheduleRefresh, { once: true });
        return;
      }
      // Its answer carries the parts out of band (staff/_live_parts.html): nothing else is swapped.
      window.htmx.ajax("GET", form.dataset.partsUrl, { target: "#thread", swap: "none" }).then(() => {
        // The thread now shows what is new: no "new messages, reload" hint on the next poll.
        if (seenInput && known.latest) seenInput.value = known.latest;
        box?.querySelector(".presence-new")?.remove();
      });
    }
  }

  function queuePage() {
    let missed = false;
    let refreshTimer = null;
    const seen = new Set();
    function rememberRows() {
      document.querySelectorAll("#queue-rows .queue-row input[name=tickets]").forEach((box) => {
        seen.add(box.value);
      });
    }
    rememberRows();
    function refreshRows() {
      const rows = document.getElementById("queue-rows");
      if (!rows) return;
      if (document.visibilityState === "hidden") {
        missed = true;
        return;
      }
      window.htmx.trigger(rows, "live-refresh");
    }
    document.addEventListener("live:queue_changed", () => {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refreshRows, 150);
    });
    document.addEventListener("live:up", (event) => {
      if (event.detail.reconnected) refreshRows();
    });
    document.addEventListener("visibilitychange", () => {
      if (missed && document.visibilityState === "visible") {
        missed = false;
        refreshRows();
      }
    });
    // Rows that were not there before are marked for a moment (static/css/staff.css).
    document.body.addEventListener("htmx:afterSettle", (event) => {
      if (event.detail.elt?.id !== "queue-rows" && event.detail.target?.id !== "queue-rows") return;
      document.querySelectorAll("#queue-rows .queue-row input[name=tickets]").forEach((box) => {
        if (!seen.has(box.value)) box.closest(".queue-row").classList.add("queue-row-new");
      });
      rememberRows();
    });
  }
})();
