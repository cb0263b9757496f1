// The VibeZ page: one WebSocket to the Gateway that served it (/ws, JSON text frames; the protocol of issue 4).
// Everything from the network is shown through textContent, never as HTML.
"use strict";

(() => {
  const SYSTEM = "$system";
  const CHANNEL_NAME = /^[A-Za-z0-9:_.\-]{1,128}$/;
  const MAX_ITEMS = 500;          // messages and notices kept on screen
  const MAX_RETRIES = 3;          // resends of a publish the Gateway answered with a retryable error
  const RESEND_MARGIN = 60000;    // stop resending this long before the Gateway forgets the id (its dedupe window)
  const MAX_RECONNECT_DELAY = 10000;

  const byId = (id) => document.getElementById(id);
  const ui = {
    connection: byId("connection"),
    node: byId("node"),
    redisState: byId("redis-state"),
    redisDetail: byId("redis-detail"),
    joinForm: byId("join-form"),
    channel: byId("channel"),
    channels: byId("channels"),
    sendForm: byId("send-form"),
    sendChannel: byId("send-channel"),
    message: byId("message"),
    sendStatus: byId("send-status"),
    messages: byId("messages"),
    notices: byId("notices"),
    messageTemplate: byId("message-template"),
  };

  // Joined channels: the last position seen in each ({offset, epoch}, null before the first frame), so that a reconnect
  // resumes with "since" and the Gateway replays what this page missed; and the highest offset shown per epoch.
  const channels = new Map();
  // Publishes not acked yet, by id. They are sent again with the same id after a reconnect or a retryable error:
  // the Gateway dedupes on the id, so a resend never makes a second message.
  const pending = new Map();
  // Subscribes in flight, by id, so an error frame can say which join failed.
  const subscribes = new Map();

  // Who this page is to the Gateway: in Development the Gateway hands the page short-lived tokens for this name
  // (GET /api/dev/token), and asks for a new one before the current one runs out (a "refresh" frame).
  const subject = "page-" + newId().slice(0, 12);
  let token = null;

  let socket = null;
  let reconnects = 0;
  // How long the Gateway remembers a message id (GET /api/node tells; 600 s by default): a publish is resent only
  // within it, so that a resend is always recognised and never becomes a second message.
  let resendWindow = 600000 - RESEND_MARGIN;
  let node = null;
  let loggedRedisState = null;

  // A token for this page, or null where the Gateway hands out none (authentication off, or not Development).
  async function fetchToken() {
    const query = new URLSearchParams({ sub: subject, subscribe: "*", publish: "*" });
    try {
      const answer = await fetch(`/api/dev/token?${query}`, { cache: "no-store" });
      return answer.ok ? (await answer.json()).token : null;
    } catch {
      return null;
    }
  }

  async function connect() {
    setConnection("connecting", "connecting");
    token = await fetchToken();
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    socket = ws;
    ws.onopen = () => {
      reconnects = 0;
      setConnection("open", "connected");
      // A browser cannot put the token in a header on a WebSocket: it goes in the first frame, before anything else.
      if (token) {
        send({ type: "connect", token });
      }
      send({ type: "subscribe", channel: SYSTEM });
      for (const name of channels.keys()) {
        subscribe(name);
      }
      for (const publish of pending.values()) {
        sendPublish(publish);
      }
    };
    ws.onmessage = (event) => receive(event.data);
    ws.onclose = (event) => {
      if (socket !== ws) {
        return;
      }
      socket = null;
      subscribes.clear();
      for (const state of channels.values()) {
        state.joined = false;
      }
      renderChannels();
      showRedisState({ state: "unknown", detail: "not connected to the Gateway" });
      const delay = Math.min(MAX_RECONNECT_DELAY, 500 * 2 ** reconnects) * (0.5 + Math.random() / 2);
      reconnects++;
      const why = event.reason ? ` (${event.code} ${event.reason})` : ` (${event.code})`;
      setConnection("closed", `disconnected${why}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      setTimeout(() => connect(), delay);
    };
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function subscribe(name) {
    const state = channels.get(name);
    const id = newId();
    subscribes.set(id, name);
    const frame = { type: "subscribe", channel: name, id };
    if (state.position) {
      frame.since = { offset: state.position.offset, epoch: state.position.epoch };
    }
    send(frame);
  }

  function sendPublish(publish) {
    if (Date.now() - publish.firstSent > resendWindow) {
      pending.delete(publish.id);
      setSendStatus("error", `Not sent to ${publish.channel}: no ack within ${Math.round(resendWindow / 60000)} min; send it again as a new message if it is still wanted.`);
      return false;
    }
    return send({ type: "publish", channel: publish.channel, data: publish.text, id: publish.id });
  }

  function receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      notice("error", "The Gateway sent a frame that is not JSON.");
      return;
    }
    switch (frame.type) {
      case "subscribed": onSubscribed(frame); break;
      case "message": onMessage(frame); break;
      case "ack": onAck(frame); break;
      case "error": onError(frame); break;
      case "unsubscribed": notice("info", `Left ${frame.channel}.`); break;
      case "refresh": refreshToken(); break;
      case "connected": case "refreshed": break;
      default: notice("error", `Unknown frame type from the Gateway: ${String(frame.type)}`);
    }
  }

  async function refreshToken() {
    const fresh = await fetchToken();
    if (fresh) {
      token = fresh;
      send({ type: "refresh", token });
    } else {
      notice("error", "The Gateway asked for a new token and none could be fetched; it will close the connection.");
    }
  }

  function onSubscribed(frame) {
    showNode(frame.node);
    const state = channels.get(frame.channel);
    if (frame.channel === SYSTEM || !state) {
      return;
    }
    if (frame.recovered === false) {
      const was = state.position ? `after offset ${state.position.offset} of epoch ${short(state.position.epoch)}` : "earlier";
      notice("gap", `${frame.channel}: messages ${was} may be missing; the Gateway continues from offset ${frame.offset} of epoch ${short(frame.epoch)}.`,
        { channel: frame.channel, offset: frame.offset, epoch: frame.epoch });
    }
    state.position = { offset: frame.offset, epoch: frame.epoch };
    state.joined = true;
    renderChannels();
  }

  function onMessage(frame) {
    if (frame.channel === SYSTEM) {
      showRedisState(frame.data || {});
      return;
    }
    const state = channels.get(frame.channel);
    if (!state) {
      return;
    }
    const last = state.position;
    if (last && last.epoch === frame.epoch && frame.offset <= last.offset) {
      return; // a replay overlapping what arrived live
    }
    state.position = { offset: frame.offset, epoch: frame.epoch };
    renderChannels();
    // An epoch and an offset name one message: after a recovered:false that went back to an epoch seen before, the
    // Gateway delivers its messages again, and they are shown once.
    if ((state.shown.get(frame.epoch) ?? 0) < frame.offset) {
      state.shown.set(frame.epoch, frame.offset);
      addMessage(frame);
    }
  }

  function onAck(frame) {
    pending.delete(frame.id);
    setSendStatus("acked", `Sent to ${frame.channel}: offset ${frame.offset}, epoch ${short(frame.epoch)}`);
  }

  function onError(frame) {
    const publish = frame.id && pending.get(frame.id);
    if (publish) {
      if (frame.retryable && publish.tries < MAX_RETRIES) {
        publish.tries++;
        setSendStatus("retrying", `${frame.code}: ${frame.message} (retry ${publish.tries} of ${MAX_RETRIES})`);
        setTimeout(() => pending.has(publish.id) && sendPublish(publish), 500 * 2 ** publish.tries);
      } else {
        pending.delete(publish.id);
        setSendStatus("error", `Not acked on ${publish.channel}: ${frame.code}: ${frame.message}`);
        notice("error", `Publish to ${publish.channel} not acked: ${frame.code}: ${frame.message}`);
      }
      return;
    }
    const joining = frame.id && subscribes.get(frame.id);
    if (joining) {
      subscribes.delete(frame.id);
      notice("error", `Joining ${joining} failed: ${frame.code}: ${frame.message}${frame.retryable ? "; trying again" : ""}`);
      if (frame.retryable) {
        setTimeout(() => channels.has(joining) && subscribe(joining), 2000);
      } else {
        channels.delete(joining);
        renderChannels();
      }
      return;
    }
    notice("error", `${frame.code}: ${frame.message}`);
  }

  function showNode(value) {
    if (!value || value === node) {
      return;
    }
    if (node) {
      notice("info", `Now served by Gateway node ${value} (was ${node}).`);
    }
    node = value;
    ui.node.textContent = value;
  }

  // data: the $system message's {state, endpoint, detail, at, node}.
  function showRedisState(data) {
    const state = String(data.state || "unknown");
    ui.redisState.textContent = state;
    ui.redisState.dataset.state = state;
    ui.redisDetail.textContent = data.detail ? String(data.detail) : "";
    if (state !== "unknown" && state !== loggedRedisState) {
      loggedRedisState = state;
      const at = data.at ? new Date(data.at).toLocaleTimeString() : "";
      notice("redis", `Redis ${state}${at ? ` at ${at}` : ""}: ${data.detail || ""}`, { state });
    }
  }

  function setConnection(state, text) {
    ui.connection.dataset.state = state;
    ui.connection.textContent = text;
  }

  function setSendStatus(state, text) {
    ui.sendStatus.dataset.state = state;
    ui.sendStatus.textContent = text;
  }

  function addMessage(frame) {
    const item = ui.messageTemplate.content.firstElementChild.cloneNode(true);
    item.dataset.channel = frame.channel;
    item.dataset.offset = String(frame.offset);
    item.dataset.epoch = frame.epoch;
    item.dataset.id = frame.id || "";
    const epoch = item.querySelector(".epoch");
    item.querySelector(".offset").textContent = `#${frame.offset}`;
    epoch.textContent = short(frame.epoch);
    epoch.title = `epoch ${frame.epoch}`;
    item.querySelector(".channel").textContent = frame.channel;
    item.querySelector(".text").textContent = typeof frame.data === "string" ? frame.data : JSON.stringify(frame.data);
    append(ui.messages, item);
  }

  function notice(kind, text, data = {}) {
    const item = document.createElement("li");
    item.dataset.testid = "notice";
    item.dataset.kind = kind;
    for (const [key, value] of Object.entries(data)) {
      item.dataset[key] = String(value);
    }
    item.textContent = text;
    append(ui.notices, item);
  }

  function append(list, item) {
    list.append(item);
    while (list.childElementCount > MAX_ITEMS) {
      list.firstElementChild.remove();
    }
  }

  function renderChannels() {
    const selected = ui.sendChannel.value;
    ui.channels.replaceChildren();
    ui.sendChannel.replaceChildren();
    for (const [name, state] of channels) {
      const item = document.createElement("li");
      item.dataset.testid = "joined-channel";
      item.dataset.channel = name;
      item.dataset.joined = String(state.joined);
      const label = document.createElement("span");
      label.textContent = state.position ? `${name} · offset ${state.position.offset}` : `${name} · joining…`;
      const leave = document.createElement("button");
      leave.type = "button";
      leave.textContent = "Leave";
      leave.setAttribute("aria-label", `Leave ${name}`);
      leave.addEventListener("click", () => {
        channels.delete(name);
        send({ type: "unsubscribe", channel: name });
        renderChannels();
      });
      item.append(label, " ", leave);
      ui.channels.append(item);
      ui.sendChannel.append(new Option(name, name, false, name === selected));
    }
  }

  function short(epoch) {
    return String(epoch).slice(0, 8);
  }

  function newId() {
    // getRandomValues works on plain http too, where crypto.randomUUID does not.
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  ui.channel.addEventListener("input", () => ui.channel.setCustomValidity(""));
  ui.joinForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = ui.channel.value.trim();
    if (!CHANNEL_NAME.test(name)) {
      ui.channel.setCustomValidity("1 to 128 letters, digits, ':', '_', '.' or '-'.");
      ui.channel.reportValidity();
      return;
    }
    if (!channels.has(name)) {
      channels.set(name, { position: null, joined: false, shown: new Map() });
      renderChannels();
      subscribe(name);
    }
    ui.sendChannel.value = name;
    ui.channel.value = "";
    ui.message.focus();
  });

  ui.sendForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const channel = ui.sendChannel.value;
    const text = ui.message.value;
    if (!channel) {
      setSendStatus("error", "Join a channel first.");
      return;
    }
    if (!text) {
      return;
    }
    const publish = { id: newId(), channel, text, tries: 0, firstSent: Date.now() };
    pending.set(publish.id, publish);
    const sent = sendPublish(publish);
    setSendStatus("sending", sent ? `Sending to ${channel}…` : `Waiting for the connection to send to ${channel}…`);
    ui.message.value = "";
  });

  connect().then(() => fetch("/api/node", { headers: token ? { Authorization: `Bearer ${token}` } : {} }))
    .then((answer) => answer.ok ? answer.json() : null).then((node) => {
      if (node && Number.isFinite(node.dedupeWindowSeconds)) {
        resendWindow = Math.max(0, node.dedupeWindowSeconds * 1000 - RESEND_MARGIN);
      }
    }).catch(() => { /* keep the default window; the socket reports connection problems */ });
})();
