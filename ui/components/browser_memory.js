// What this browser remembers for the workbench between visits, in its localStorage
// (ui/browser.py mounts it; it draws nothing).
//
//   data.read   the names of the values the app asks for
//   data.known  what the app knows of them already
//   data.write  values to store (text)
//
// It stores what it is given, reads what it is asked for, and reports the values with
// setStateValue only when they differ from what the app knows: each report is a rerun.
// "browser" is a random id of this browser, made on its first visit. Values are kept
// and reported as text, never put into the page.

const PREFIX = "journey-workbench.";
const ID = /^[0-9a-f]{32}$/;

function storage() {
  try {
    const store = window.localStorage;
    store.getItem(PREFIX + "browser"); // throws where the browser blocks storage
    return store;
  } catch {
    return null;
  }
}

function put(store, name, value) {
  try {
    store?.setItem(PREFIX + name, value);
  } catch {
    // storage full or blocked: the value lasts as long as the session
  }
}

function newId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export default function ({ data, setStateValue }) {
  const store = storage();
  const known = data?.known ?? {};
  for (const [name, value] of Object.entries(data?.write ?? {})) {
    if (typeof value === "string") put(store, name, value);
  }
  const held = {};
  for (const name of data?.read ?? []) held[name] = store?.getItem(PREFIX + name) ?? null;
  if ("browser" in held && !ID.test(held.browser ?? "")) {
    held.browser = ID.test(known.browser ?? "") ? known.browser : newId();
    put(store, "browser", held.browser);
  }
  if (Object.keys(held).some((name) => held[name] !== (known[name] ?? null))) {
    setStateValue("held", held);
  }
}
