// Who this page is to the Gateway: in Development the Gateway hands the page short-lived tokens for this name
// (GET /api/dev/token), and asks for a new one before the current one runs out (a "refresh" frame).
import { newId } from "./ids.js";

const subject = "page-" + newId().slice(0, 12);
let token = null;

// The token the page holds now, or null where the Gateway hands out none (authentication off, or not Development).
export function currentToken() {
  return token;
}

// A token for a new connection (its "connect" frame); it replaces the one held, even with null.
export async function fetchTokenForConnect() {
  token = await fetchToken();
  return token;
}

// A token for a "refresh" frame; when none could be fetched the one held stays, and null is returned.
export async function fetchTokenForRefresh() {
  const fresh = await fetchToken();
  if (fresh) {
    token = fresh;
  }
  return fresh;
}

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
