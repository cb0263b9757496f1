// The ids the page makes up (message, subscribe and page ids), and the short form in which it shows an epoch.

export function newId() {
  // getRandomValues works on plain http too, where crypto.randomUUID does not.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function short(epoch) {
  return String(epoch).slice(0, 8);
}
