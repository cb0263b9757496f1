// What the page says and hears on its socket (connection.js): joins that resume with "since", publishes that are
// resent with the same id, and the frames the Gateway sends back, shown through view.js.
import { send } from "./connection.js";
import { newId, short } from "./ids.js";
import { fetchTokenForRefresh } from "./token.js";
import { addMessage, notice, renderChannels, setSendStatus, showNode, showRedisState } from "./view.js";

const SYSTEM = "$system";
const MAX_RETRIES = 3;          // resends of a publish the Gateway answered with a retryable error
const RESEND_MARGIN = 60000;    // stop resending this long before the Gateway forgets the id (its dedupe window)

// Joined channels: the last position seen in each ({offset, epoch}, null before the first frame), so that a reconnect
// resumes with "since" and the Gateway replays what this page missed; and the highest offset shown per epoch.
const channels = new Map();
// Publishes not acked yet, by id. They are sent again with the same id after a reconnect or a retryable error:
// the Gateway dedupes on the id, so a resend never makes a second message.
const pending = new Map();
// Subscribes in flight, by id, so an error frame can say which join failed.
const subscribes = new Map();

// How long the Gateway remembers a message id (GET /api/node tells; 600 s by default): a publish is resent only
// within it, so that a resend is always recognised and never becomes a second message.
let resendWindow = 600000 - RESEND_MARGIN;

// What the socket reports (connection.js's handlers).
export const socketEvents = {
  opened() {
    send({ type: "subscribe", channel: SYSTEM });
    for (const name of channels.keys()) {
      subscribe(name);
    }
    for (const publish of pending.values()) {
      sendPublish(publish);
    }
  },
  received: receive,
  closed() {
    subscribes.clear();
    for (const state of channels.values()) {
      state.joined = false;
    }
    render();
    showRedisState({ state: "unknown", detail: "not connected to the Gateway" });
  },
};

// seconds: the Gateway's dedupe window (GET /api/node's dedupeWindowSeconds).
export function setDedupeWindow(seconds) {
  resendWindow = Math.max(0, seconds * 1000 - RESEND_MARGIN);
}

// Joins a channel unless it is joined already.
export function join(name) {
  if (!channels.has(name)) {
    channels.set(name, { position: null, joined: false, shown: new Map() });
    render();
    subscribe(name);
  }
}

// Publishes text with a new id, kept until acked; true when it went out at once, false when it waits for the socket.
export function publishText(channel, text) {
  const publish = { id: newId(), channel, text, tries: 0, firstSent: Date.now() };
  pending.set(publish.id, publish);
  return sendPublish(publish);
}

function leave(name) {
  channels.delete(name);
  send({ type: "unsubscribe", channel: name });
  render();
}

function render() {
  renderChannels(channels, leave);
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
  const token = await fetchTokenForRefresh();
  if (token) {
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
  render();
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
  render();
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
      render();
    }
    return;
  }
  notice("error", `${frame.code}: ${frame.message}`);
}
