// What the page shows: the connection, node and Redis state labels, the send status, the joined channels, the messages
// and the notices. Everything from the network is shown through textContent, never as HTML.
import { short } from "./ids.js";

const MAX_ITEMS = 500;          // messages and notices kept on screen

const byId = (id) => document.getElementById(id);
export const ui = {
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

let node = null;
let loggedRedisState = null;

export function showNode(value) {
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
export function showRedisState(data) {
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

export function setConnection(state, text) {
  ui.connection.dataset.state = state;
  ui.connection.textContent = text;
}

export function setSendStatus(state, text) {
  ui.sendStatus.dataset.state = state;
  ui.sendStatus.textContent = text;
}

export function addMessage(frame) {
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

export function notice(kind, text, data = {}) {
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

// channels: the joined channels' states by name (protocol.js); onLeave(name) runs when a Leave button is pressed.
export function renderChannels(channels, onLeave) {
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
    leave.addEventListener("click", () => onLeave(name));
    item.append(label, " ", leave);
    ui.channels.append(item);
    ui.sendChannel.append(new Option(name, name, false, name === selected));
  }
}
