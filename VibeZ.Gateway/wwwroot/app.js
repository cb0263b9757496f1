// The VibeZ page's wiring: the join and send forms, and start-up. The page keeps one WebSocket to the Gateway that
// served it (connection.js), speaks the channel protocol on it (protocol.js), holds its token (token.js) and shows
// what happens (view.js).
import { startConnection } from "./connection.js";
import { join, publishText, setDedupeWindow, socketEvents } from "./protocol.js";
import { currentToken } from "./token.js";
import { setSendStatus, ui } from "./view.js";

const CHANNEL_NAME = /^[A-Za-z0-9:_.\-]{1,128}$/;

ui.channel.addEventListener("input", () => ui.channel.setCustomValidity(""));
ui.joinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = ui.channel.value.trim();
  if (!CHANNEL_NAME.test(name)) {
    ui.channel.setCustomValidity("1 to 128 letters, digits, ':', '_', '.' or '-'.");
    ui.channel.reportValidity();
    return;
  }
  join(name);
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
  const sent = publishText(channel, text);
  setSendStatus("sending", sent ? `Sending to ${channel}…` : `Waiting for the connection to send to ${channel}…`);
  ui.message.value = "";
});

startConnection(socketEvents).then(() => {
  const token = currentToken();
  return fetch("/api/node", { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}).then((answer) => answer.ok ? answer.json() : null).then((node) => {
  if (node && Number.isFinite(node.dedupeWindowSeconds)) {
    setDedupeWindow(node.dedupeWindowSeconds);
  }
}).catch(() => { /* keep the default window; the socket reports connection problems */ });
