// The page's one WebSocket to the Gateway that served it (/ws, JSON text frames; the protocol of issue 4). It opens
// with the page's token, reconnects by itself with backoff, shows its state in the connection label, and hands what
// happens on it to the protocol (protocol.js).
import { currentToken, fetchTokenForConnect } from "./token.js";
import { setConnection } from "./view.js";

const MAX_RECONNECT_DELAY = 10000;

let socket = null;
let reconnects = 0;
let events = null;

// handlers: opened() once a socket is open, received(text) for each frame, closed() when the current socket closes.
// Resolves once the first socket is created (not yet open).
export function startConnection(handlers) {
  events = handlers;
  return connect();
}

// Sends a frame if the socket is open; false when it is not (the frame is dropped).
export function send(frame) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

async function connect() {
  setConnection("connecting", "connecting");
  await fetchTokenForConnect();
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  socket = ws;
  ws.onopen = () => {
    reconnects = 0;
    setConnection("open", "connected");
    // A browser cannot put the token in a header on a WebSocket: it goes in the first frame, before anything else.
    const token = currentToken();
    if (token) {
      send({ type: "connect", token });
    }
    events.opened();
  };
  ws.onmessage = (event) => events.received(event.data);
  ws.onclose = (event) => {
    if (socket !== ws) {
      return;
    }
    socket = null;
    events.closed();
    const delay = Math.min(MAX_RECONNECT_DELAY, 500 * 2 ** reconnects) * (0.5 + Math.random() / 2);
    reconnects++;
    const why = event.reason ? ` (${event.code} ${event.reason})` : ` (${event.code})`;
    setConnection("closed", `disconnected${why}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    setTimeout(() => connect(), delay);
  };
}
