// What this browser remembers for the workbench between visits, in its localStorage
// (ui/browser.py mounts it; it draws nothing).
//
//   data.read   the names of the values the app asks for
//   data.known  what the page uses now
//   data.write  values to store (text)
//
// It stores what it is given, reads what it is asked for, and copies every value into a
// cookie, with which the server learns it at the first run of the next session (a reload,
// a new tab) without a rerun. A browser without an id takes the one the page uses. Only
// when the storage holds something the page does not know does it report, with
// setStateValue: each report is a rerun. Values are kept as text, never put into the page.

const PREFIX = "journey-workbench.";
const ID = /^[0-9a-f]{32}$/;
const YEAR = 365 * 24 * 60 * 60;
let reported = null; // the last report: never the same twice (a page that cannot take it must not loop)

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
    store.setItem(PREFIX + name, value);
  } catch {
    // storage full: the value lasts as long as the session
  }
}

function carry(name, value) {
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${PREFIX}${name}=${encodeURIComponent(value)}; Max-Age=${YEAR}; Path=/; SameSite=Lax${secure}`;
}

export default function ({ data, setStateValue }) {
  const store = storage();
  if (store === null) return; // nothing is remembered here: the page goes on with its own values
  const known = data?.known ?? {};
  for (const [name, value] of Object.entries(data?.write ?? {})) {
    if (typeof value === "string") put(store, name, value);
  }
  const held = {};
  for (const name of data?.read ?? []) held[name] = store.getItem(PREFIX + name);
  if ("browser" in held && !ID.test(held.browser ?? "") && ID.test(known.browser ?? "")) {
    held.browser = known.browser; // a browser's first visit: the id the page uses becomes the browser's
    put(store, "browser", held.browser);
  }
  for (const [name, value] of Object.entries(held)) {
    if (value !== null) carry(name, value);
  }
  const news = Object.keys(held).some((name) => (held[name] ?? "") !== (known[name] ?? ""));
  const report = JSON.stringify(held);
  if (news && report !== reported) {
    reported = report;
    setStateValue("held", held);
  }
}
