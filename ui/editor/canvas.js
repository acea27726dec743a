// The map editor: the journey map drawn as SVG, on which a workshop builds the journey.
//
// Python (ui/editor/canvas.py) sends `data`: the map model (journeys/charts/canvas.py), the touchpoint
// chosen elsewhere (`selected`, with a number `seeded` that is new for each such choice), for every
// browser tab the number of its last edit already applied (`acked`), and the number of open comment
// threads per touchpoint key (`comments`), drawn as a badge on the marker. Every edit made here is an
// operation (journeys/model/operations.py); it is shown at once and queued: the whole queue of edits
// not yet applied goes to Python as the state value `queue`, so an edit made while Python is still
// busy with the previous one is never lost. Python applies each edit once. The queue belongs to the
// journey, not to one drawing of its map: should Streamlit mount the map anew, the new map sends on
// what the old one had queued.
//
// Everything a person typed reaches the page as text (textContent, input.value), never as markup.

const SVG = "http://www.w3.org/2000/svg";
// Sizes in pixels; the unit of the x axis, a lane and a marker's radius come with the map (journeys/charts/canvas.py)
const HEADER = 46; // the strip with the stage names
const LEFT = 34; // room for the names of the front and back stage
const RIGHT = 24;
const LINE = 14; // the height of a line of a touchpoint's name
const CURVE = 180; // the band of a persona's emotion curve below the map
let RADIUS = 16;
// Per journey on this page: this tab's name for Python (`client`), its last edit's number and the edits not
// yet applied, shared by every map of the journey that Streamlit mounts.
const queues = new Map();

const instances = new WeakMap();

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

function lines(text, width, most = 3) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const out = [];
  let line = "";
  for (const word of words) {
    if (line && (line + " " + word).length > width) {
      out.push(line);
      line = word;
    } else line = line ? line + " " + word : word;
  }
  if (line) out.push(line);
  if (out.length > most) {
    out.length = most;
    out[most - 1] = out[most - 1].slice(0, width - 1) + "…";
  }
  return out.length ? out : [""];
}

function star(r) {
  const points = [];
  for (let i = 0; i < 10; i++) {
    const angle = (Math.PI / 5) * i - Math.PI / 2;
    const radius = i % 2 ? r * 0.5 : r * 1.15;
    points.push(`${(radius * Math.cos(angle)).toFixed(2)},${(radius * Math.sin(angle)).toFixed(2)}`);
  }
  return points.join(" ");
}

function journeyQueue(journey) {
  if (!queues.has(journey)) {
    const client = (crypto.randomUUID && crypto.randomUUID()) || String(Math.random()).slice(2);
    queues.set(journey, { client, seq: 0, queue: [] });
  }
  return queues.get(journey);
}

function percent(text) {
  const value = Number(String(text).replace("%", "").replace(",", ".").trim());
  if (String(text).trim() === "") return null;
  if (!Number.isFinite(value) || value < 0 || value > 100) return undefined;
  return Math.round(value * 100) / 10000;
}

class MapEditor {
  constructor(parent) {
    this.parent = parent;
    this.edits = null; // the journey's queue (see `queues`), taken in `receive`
    this.sent = 0; // the number of the last edit this map has sent to Python
    this.drawn = false;
    this.selection = new Set();
    this.picks = 0;
    this.data = null;
    this.box = document.createElement("div");
    this.box.className = "journey-canvas";
    this.help = document.createElement("p");
    this.help.className = "journey-canvas-help";
    this.scroller = document.createElement("div");
    this.scroller.className = "journey-canvas-scroll";
    this.svg = el("svg", { role: "group", tabindex: "-1" });
    this.scroller.appendChild(this.svg);
    this.box.append(this.help, this.scroller);
    parent.appendChild(this.box);
    this.input = null;
    this.drag = null;
    this.svg.addEventListener("pointerdown", (event) => this.down(event));
    this.svg.addEventListener("pointermove", (event) => this.move(event));
    this.svg.addEventListener("pointerup", (event) => this.up(event));
    this.box.addEventListener("keydown", (event) => this.key(event));
    this.resize = new ResizeObserver(() => this.data && !this.input && this.render());
    this.resize.observe(this.box);
  }

  // ---------------------------------------------------------------- from Python

  receive(data) {
    this.data = data;
    this.words = data.model.words;
    this.edits = journeyQueue(data.journey);
    const edits = this.edits;
    const acked = (data.acked || {})[edits.client] || 0;
    edits.queue = edits.queue.filter((entry) => entry.seq > acked);
    if (edits.queue.length && this.sent < edits.seq) this.post(); // queued by a map of it mounted before this one
    if (edits.queue.length && this.drawn) return; // a newer map is on its way: keep what is shown, and the edits
    const keys = new Set(data.model.touchpoints.map((n) => n.key));
    this.selection = new Set([...this.selection].filter((k) => keys.has(k)));
    if (data.seeded !== this.seeded) {
      // a touchpoint chosen elsewhere (the detail panel) since this map was drawn: shown chosen here too
      if (this.seeded !== undefined && keys.has(data.selected)) this.selection = new Set([data.selected]);
      this.seeded = data.seeded;
    }
    if (!this.selection.size && data.selected && keys.has(data.selected)) this.selection.add(data.selected);
    this.render();
  }

  // ---------------------------------------------------------------- to Python

  send(entry) {
    const edits = this.edits;
    edits.seq += 1;
    edits.queue.push({ client: edits.client, seq: edits.seq, ...entry });
    this.post();
  }

  post() {
    this.sent = this.edits.seq;
    this.setStateValue("queue", this.edits.queue.slice());
  }

  edit(...ops) {
    this.send({ ops });
  }

  pick() {
    this.picks += 1;
    this.setStateValue("selection", { keys: [...this.selection], pick: this.picks });
  }

  // ---------------------------------------------------------------- geometry

  measure() {
    const { stages } = this.data.model;
    this.left = stages.length ? Math.min(...stages.map((s) => s.x0)) : -0.5;
    this.right = stages.length ? Math.max(...stages.map((s) => s.x1)) : 0.5;
    const room = Math.max(this.box.clientWidth - LEFT - RIGHT, 200);
    this.unit = Math.max(this.data.model.unit_px, room / (this.right - this.left));
    this.lane = this.data.model.lane_px;
    RADIUS = this.data.model.radius_px;
    this.width = LEFT + RIGHT + (this.right - this.left) * this.unit;
    this.mapHeight = HEADER + (this.data.model.high - this.data.model.low) * this.lane + 12;
    this.height = this.mapHeight + (this.data.model.emotion ? CURVE : 0);
  }

  X(x) {
    return LEFT + (x - this.left) * this.unit;
  }

  Y(y) {
    return HEADER + (this.data.model.high - y) * this.lane;
  }

  unX(px) {
    return (px - LEFT) / this.unit + this.left;
  }

  unY(py) {
    return this.data.model.high - (py - HEADER) / this.lane;
  }

  point(event) {
    const box = this.svg.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  stageAt(px) {
    const x = this.unX(px);
    const stages = this.data.model.stages;
    let best = null;
    let distance = Infinity;
    for (const stage of stages) {
      const d = x < stage.x0 ? stage.x0 - x : x > stage.x1 ? x - stage.x1 : 0;
      if (d < distance) [best, distance] = [stage, d];
    }
    return best;
  }

  place(px, py, moving = new Set()) {
    // Where a touchpoint dropped or added at (px, py) goes: its stage, front or back stage, and before whom.
    const stage = this.stageAt(px);
    const backstage = this.unY(py) < this.data.model.visibility;
    const x = this.unX(px);
    const after = this.data.model.touchpoints
      .filter((n) => n.stage === stage.id && !moving.has(n.key) && n.x > x)
      .sort((a, b) => a.x - b.x || b.y - a.y);
    return { stage: stage.id, backstage, before: after.length ? after[0].key : null };
  }

  // ---------------------------------------------------------------- drawing

  render() {
    this.drawn = true;
    const { model } = this.data;
    const words = this.words;
    this.measure();
    const svg = this.svg;
    const focused = this.box.getRootNode().activeElement;
    const focusKey = focused && focused.dataset ? focused.dataset.key : null;
    svg.replaceChildren();
    svg.setAttribute("width", this.width);
    svg.setAttribute("height", this.height);
    svg.setAttribute("viewBox", `0 0 ${this.width} ${this.height}`);
    svg.setAttribute("aria-label", words.map);
    this.help.textContent = words.help;
    const defs = el("defs", {}, svg);
    for (const kind of ["main", "branch", "loop"]) {
      const marker = el("marker", { id: `head-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5,
        markerWidth: 11, markerHeight: 11, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
      el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: `head ${kind}` }, marker);
    }
    // stage columns and their names
    model.stages.forEach((stage, i) => {
      const x0 = this.X(stage.x0);
      const w = this.X(stage.x1) - x0;
      const column = el("rect", { x: x0, y: HEADER, width: w, height: this.mapHeight - HEADER,
        class: `column ${i % 2 ? "odd" : "even"}`, "data-stage": stage.id }, svg);
      const title = el("title", {}, column);
      title.textContent = words.add_here;
      el("rect", { x: x0, y: 2, width: w, height: HEADER - 6, class: "header" }, svg);
      const name = el("text", { x: x0 + w / 2, y: HEADER / 2 + 1, class: "stage-name" }, svg);
      const parts = lines(stage.name, Math.max(Math.floor(w / 8), 6), 2);
      parts.forEach((part, j) => {
        const span = el("tspan", { x: x0 + w / 2, dy: j === 0 ? (parts.length > 1 ? "-0.45em" : "0.35em") : "1.1em" }, name);
        span.textContent = part;
      });
    });
    // the line of visibility
    const line = this.Y(model.visibility);
    el("line", { x1: LEFT, x2: this.width - RIGHT, y1: line, y2: line, class: "visibility" }, svg);
    const lineName = el("text", { x: LEFT + 6, y: line - 5, class: "visibility-name" }, svg);
    lineName.textContent = words.line_of_visibility;
    for (const [text, y0, y1] of [[words.front_stage, HEADER, line], [words.back_stage, line, this.mapHeight]]) {
      const mid = (y0 + y1) / 2;
      const side = el("text", { x: 14, y: mid, class: "band-name", transform: `rotate(-90 14 ${mid})` }, svg);
      side.textContent = text;
    }
    if (model.emotion) this.drawEmotion(model.emotion);
    // transitions
    const at = Object.fromEntries(model.touchpoints.map((n) => [n.key, n]));
    this.edges = el("g", { class: "transitions" }, svg);
    for (const edge of model.transitions) this.drawTransition(edge, at);
    // touchpoints
    this.nodes = el("g", { class: "touchpoints" }, svg);
    const ordered = [...model.touchpoints].sort((a, b) => a.x - b.x || b.y - a.y);
    for (const node of ordered) this.drawTouchpoint(node);
    if (focusKey) {
      const again = this.nodes.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  drawEmotion(emotion) {
    // the chosen persona's emotion (−2 … +2) at every touchpoint they pass, under the map on the same x axis
    const top = this.mapHeight + 36;
    const bottom = this.height - 18;
    const Y = (v) => bottom - ((v + 2) / 4) * (bottom - top);
    const g = el("g", { class: "emotion" }, this.svg);
    el("rect", { x: LEFT, y: Y(0), width: this.width - LEFT - RIGHT, height: bottom - Y(0), class: "negative" }, g);
    el("line", { x1: LEFT, x2: this.width - RIGHT, y1: Y(0), y2: Y(0), class: "zero" }, g);
    const title = el("text", { x: LEFT + 4, y: this.mapHeight + 16, class: "emotion-title" }, g);
    title.textContent = emotion.title;
    for (const v of [-2, 0, 2]) {
      const tick = el("text", { x: LEFT - 4, y: Y(v) + 4, class: "emotion-tick" }, g);
      tick.textContent = v > 0 ? `+${v}` : v < 0 ? `−${-v}` : "0";
    }
    const points = emotion.points.map(([x, v]) => [this.X(x), Y(v), v]);
    if (points.length > 1) el("polyline", { points: points.map(([x, y]) => `${x},${y}`).join(" "), class: "curve" }, g);
    for (const [x, y, v] of points) {
      el("circle", { cx: x, cy: y, r: 4.5, class: "dot" }, g);
      const label = el("text", { x, y: y - 9, class: "emotion-value" }, g);
      label.textContent = v > 0 ? `+${v}` : v < 0 ? `−${-v}` : "0";
    }
  }

  drawTransition(edge, at) {
    const words = this.words;
    const [p, ...rest] = edge.curve.map(([x, y]) => [this.X(x), this.Y(y)]);
    const g = el("g", { class: `transition ${edge.kind}`, "data-source": edge.source, "data-target": edge.target }, this.edges);
    let d;
    if (rest.length === 1) {
      // straight: from edge to edge of the two markers
      const q = rest[0];
      const len = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
      const [ux, uy] = [(q[0] - p[0]) / len, (q[1] - p[1]) / len];
      d = `M ${p[0] + ux * (RADIUS + 2)} ${p[1] + uy * (RADIUS + 2)} L ${q[0] - ux * (RADIUS + 4)} ${q[1] - uy * (RADIUS + 4)}`;
    } else {
      const end = rest[rest.length - 1];
      const before = rest[rest.length - 2];
      const len = Math.hypot(end[0] - before[0], end[1] - before[1]) || 1;
      const stop = [end[0] - ((end[0] - before[0]) / len) * (RADIUS + 4), end[1] - ((end[1] - before[1]) / len) * (RADIUS + 4)];
      const command = rest.length === 2 ? "Q" : "C";
      d = `M ${p[0]} ${p[1]} ${command} ${rest.slice(0, -1).map((c) => c.join(" ")).join(" ")} ${stop.join(" ")}`;
    }
    el("path", { d, class: "hit" }, g);
    el("path", { d, class: "arrow", "marker-end": `url(#head-${edge.kind})` }, g);
    const name = (key) => (at[key] ? at[key].name || key : key);
    const label = `${words.transition}: ${name(edge.source)} → ${name(edge.target)}${edge.text ? " · " + edge.text : ""}`;
    g.setAttribute("aria-label", label);
    const title = el("title", {}, g);
    title.textContent = label + (edge.label ? ` (${edge.label})` : "");
    if (this.selectedEdge && this.selectedEdge[0] === edge.source && this.selectedEdge[1] === edge.target) {
      g.classList.add("selected");
    }
    const [mx, my] = [this.X(edge.mid[0]), this.Y(edge.mid[1])];
    const share = el("g", { class: "share", tabindex: "0", role: "button", "data-source": edge.source,
      "data-target": edge.target, "aria-label": `${words.share_edit}: ${label}` }, g);
    const text = edge.text || "+ %";
    el("rect", { x: mx - 4 - text.length * 3.6, y: my - 9, width: 8 + text.length * 7.2, height: 18, rx: 4 }, share);
    const t = el("text", { x: mx, y: my + 4 }, share);
    t.textContent = text;
    if (!edge.text) share.classList.add("empty");
  }

  drawTouchpoint(node) {
    const words = this.words;
    const [x, y] = [this.X(node.x), this.Y(node.y)];
    const chosen = this.selection.has(node.key);
    const g = el("g", { class: "touchpoint" + (chosen ? " selected" : ""), transform: `translate(${x} ${y})`,
      tabindex: "0", role: "button", "data-key": node.key, "aria-pressed": chosen ? "true" : "false" }, this.nodes);
    const kinds = [node.moment_of_truth && words.moment_of_truth, node.exit && words.exit,
      node.drop_out && words.drop_out, node.backstage && words.backstage].filter(Boolean);
    const open = (this.data.comments || {})[node.key] || 0;
    if (open) kinds.push(`${words.comments}: ${open}`);
    g.setAttribute("aria-label", `${words.touchpoint}: ${node.name || node.key}${kinds.length ? " (" + kinds.join(", ") + ")" : ""}`);
    if (chosen) el("circle", { r: RADIUS + 9, class: "ring" }, g);
    let shape;
    if (node.moment_of_truth) shape = el("polygon", { points: star(RADIUS) }, g);
    else if (node.exit) shape = el("rect", { x: -RADIUS + 2, y: -RADIUS + 2, width: 2 * RADIUS - 4, height: 2 * RADIUS - 4 }, g);
    else shape = el("circle", { r: RADIUS - 2 }, g);
    shape.setAttribute("class", "marker");
    shape.setAttribute("fill", node.color);
    if (node.drop_out) {
      el("path", { d: `M ${-RADIUS + 5} ${-RADIUS + 5} L ${RADIUS - 5} ${RADIUS - 5} M ${RADIUS - 5} ${-RADIUS + 5} L ${-RADIUS + 5} ${RADIUS - 5}`, class: "cross" }, g);
    }
    // the name on the side the layout chose (journeys/charts/labels.py), where no arrow or other name is
    const parts = node.lines.length ? node.lines : [node.key];
    const high = (parts.length - 1) * LINE;
    const place = {
      below: [0, RADIUS + 13, "middle"],
      above: [0, -RADIUS - 6 - high, "middle"],
      right: [RADIUS + 16, 4 - high / 2, "start"],
      left: [-RADIUS - 6, 4 - high / 2, "end"],
    }[node.side] || [0, RADIUS + 13, "middle"];
    const label = el("text", { x: place[0], y: place[1], "text-anchor": place[2],
      class: "name" + (node.moment_of_truth ? " moment" : "") }, g);
    parts.forEach((part, i) => {
      const span = el("tspan", { x: place[0], dy: i ? LINE : 0 }, label);
      span.textContent = part;
    });
    if (open) {
      // the open comment threads: a count on the marker's upper right, as text
      const badge = el("g", { class: "comment-badge", transform: `translate(${RADIUS - 1} ${-RADIUS + 1})`,
        "data-comments": node.key }, g);
      el("circle", { r: 8 }, badge);
      const count = el("text", { y: 3.5, "text-anchor": "middle" }, badge);
      count.textContent = open > 99 ? "99+" : String(open);
      const tip = el("title", {}, badge);
      tip.textContent = `${words.comments}: ${open}`;
    }
    const handle = el("circle", { cx: RADIUS + 6, cy: 0, r: 5.5, class: "handle", "data-handle": node.key }, g);
    const hint = el("title", {}, handle);
    hint.textContent = words.connect;
    return g;
  }

  // ---------------------------------------------------------------- pointer

  target(event) {
    const handle = event.target.closest("[data-handle]");
    if (handle) return { handle: handle.dataset.handle };
    const share = event.target.closest("g.share");
    if (share) return { share: [share.dataset.source, share.dataset.target] };
    const node = event.target.closest("g.touchpoint");
    if (node) return { node: node.dataset.key };
    const edge = event.target.closest("g.transition");
    if (edge) return { edge: [edge.dataset.source, edge.dataset.target] };
    return {};
  }

  down(event) {
    if (event.button !== 0 || !this.data) return;
    if (this.input) this.finish(true);
    const hit = this.target(event);
    const [px, py] = this.point(event);
    this.drag = { hit, start: [px, py], moved: false, shift: event.shiftKey };
    if (hit.node || hit.handle) this.svg.setPointerCapture(event.pointerId);
    event.preventDefault();
    this.box.focus({ preventScroll: true });
  }

  move(event) {
    const drag = this.drag;
    if (!drag) return;
    const [px, py] = this.point(event);
    if (!drag.moved && Math.hypot(px - drag.start[0], py - drag.start[1]) < 5) return;
    drag.moved = true;
    if (drag.hit.handle) {
      const from = this.nodes.querySelector(`[data-key="${CSS.escape(drag.hit.handle)}"]`);
      const node = this.data.model.touchpoints.find((n) => n.key === drag.hit.handle);
      if (!drag.line) drag.line = el("line", { class: "connecting", x1: this.X(node.x), y1: this.Y(node.y) }, this.svg);
      drag.line.setAttribute("x2", px);
      drag.line.setAttribute("y2", py);
      if (from) from.classList.add("connecting-from");
    } else if (drag.hit.node) {
      if (!this.selection.has(drag.hit.node)) {
        if (!drag.shift) this.selection.clear();
        this.selection.add(drag.hit.node);
      }
      const [dx, dy] = [px - drag.start[0], py - drag.start[1]];
      for (const key of this.selection) {
        const g = this.nodes.querySelector(`[data-key="${CSS.escape(key)}"]`);
        const node = this.data.model.touchpoints.find((n) => n.key === key);
        if (g && node) {
          g.setAttribute("transform", `translate(${this.X(node.x) + dx} ${this.Y(node.y) + dy})`);
          g.classList.add("dragging");
        }
      }
    }
  }

  up(event) {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    const [px, py] = this.point(event);
    const hit = drag.hit;
    if (hit.handle) {
      if (drag.line) drag.line.remove();
      const root = this.box.getRootNode();
      const under = (root.elementFromPoint ? root : document).elementFromPoint(event.clientX, event.clientY);
      const onto = under && under.closest && under.closest("g.touchpoint");
      if (drag.moved && onto && onto.dataset.key !== hit.handle) this.connect(hit.handle, onto.dataset.key);
      else if (!drag.moved) this.choose(hit.handle, drag.shift);
      return;
    }
    if (hit.node) {
      if (!drag.moved) {
        // a second click on the same touchpoint soon after the first: rename it (the first one redrew the map,
        // so the browser's own dblclick cannot be relied on)
        const now = performance.now();
        const again = this.lastClick && this.lastClick.key === hit.node && now - this.lastClick.time < 450;
        this.lastClick = again ? null : { key: hit.node, time: now };
        if (again) return this.startRename(hit.node);
        return this.choose(hit.node, drag.shift);
      }
      const keys = [...this.selection];
      const spot = this.place(px, py, new Set(keys));
      const node = this.data.model.touchpoints.find((n) => n.key === hit.node);
      const dx = Math.abs(px - drag.start[0]);
      if (node && spot.stage === node.stage && spot.backstage === node.backstage && dx < this.unit / 3) {
        return this.render(); // let go where it was: nothing moves
      }
      return this.edit({ op: "move", keys, ...spot });
    }
    if (hit.share) return this.editShare(hit.share);
    if (hit.edge) {
      this.selectedEdge = hit.edge;
      this.selection.clear();
      return this.render();
    }
    if (drag.moved) return;
    this.selectedEdge = null;
    this.startAdd(px, py);
  }

  choose(key, shift) {
    this.selectedEdge = null;
    if (shift) {
      if (this.selection.has(key)) this.selection.delete(key);
      else this.selection.add(key);
    } else this.selection = new Set([key]);
    this.render();
    this.pick();
  }

  connect(source, target) {
    const exists = this.data.model.transitions.some((e) => e.source === source && e.target === target);
    if (exists) return;
    const from = this.data.model.touchpoints.find((n) => n.key === source);
    const to = this.data.model.touchpoints.find((n) => n.key === target);
    if (from && to) {
      el("line", { class: "arrow pending", x1: this.X(from.x), y1: this.Y(from.y), x2: this.X(to.x), y2: this.Y(to.y) }, this.edges);
    }
    this.edit({ op: "connect", source, target, share: null, label: "" });
  }

  // ---------------------------------------------------------------- typing in place

  field(px, py, value, label, done) {
    if (this.input) this.finish(true);
    const input = document.createElement("input");
    input.type = "text";
    input.className = "journey-canvas-input";
    input.value = value;
    input.setAttribute("aria-label", label);
    input.placeholder = label;
    input.style.left = `${Math.max(px - 80, 0)}px`;
    input.style.top = `${py - 16}px`;
    this.scroller.appendChild(input);
    this.input = { input, done };
    input.addEventListener("keydown", (event) => {
      event.stopPropagation(); // typing is typing: no shortcut of the map or the page
      if (event.key === "Enter") this.finish(true);
      else if (event.key === "Escape") this.finish(false);
    });
    input.addEventListener("blur", () => this.input && this.input.input === input && this.finish(true));
    input.focus();
    input.select();
  }

  finish(keep) {
    const current = this.input;
    if (!current) return;
    this.input = null;
    const value = current.input.value;
    current.input.remove();
    current.done(keep ? value : null);
    this.box.focus({ preventScroll: true });
  }

  startAdd(px, py) {
    const spot = this.place(px, py);
    const mark = el("circle", { cx: px, cy: py, r: RADIUS - 2, class: "marker pending" }, this.svg);
    this.field(px, py + RADIUS + 18, "", this.words.new_name, (value) => {
      const name = value == null ? "" : value.trim();
      if (!name) return mark.remove();
      const label = el("text", { x: px, y: py + RADIUS + 15, class: "name pending" }, this.svg);
      label.textContent = name;
      this.edit({ op: "add", key: null, name, ...spot });
    });
  }

  startRename(key) {
    const node = this.data.model.touchpoints.find((n) => n.key === key);
    if (!node) return;
    this.field(this.X(node.x), this.Y(node.y) + RADIUS + 18, node.name, this.words.rename, (value) => {
      if (value == null || value.trim() === "" || value.trim() === node.name) return;
      const g = this.nodes.querySelector(`[data-key="${CSS.escape(key)}"] text.name`);
      if (g) g.textContent = value.trim(); // shown at once, laid out anew when Python has it
      this.edit({ op: "set", key, field: "name", value: value.trim() });
    });
  }

  editShare([source, target]) {
    const edge = this.data.model.transitions.find((e) => e.source === source && e.target === target);
    if (!edge) return;
    const shown = edge.share == null ? "" : String(Math.round(edge.share * 1000) / 10);
    const [mx, my] = [this.X(edge.mid[0]), this.Y(edge.mid[1])];
    this.field(mx, my, shown, this.words.share_edit, (value) => {
      if (value == null) return;
      const share = percent(value);
      if (share === undefined) {
        this.help.textContent = `${this.words.share_edit}: 0–100`;
        this.help.classList.add("refused");
        return;
      }
      this.help.classList.remove("refused");
      if (share === edge.share) return;
      this.edit({ op: "set_transition", source, target, field: "share", value: share });
    });
  }

  // ---------------------------------------------------------------- keyboard

  key(event) {
    if (this.input || !this.edits) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && (key === "z" || key === "y")) {
      event.preventDefault();
      event.stopPropagation(); // the page's own Undo shortcut must not undo a second time
      this.send({ command: key === "y" || event.shiftKey ? "redo" : "undo" });
      return;
    }
    const focused = this.box.getRootNode().activeElement;
    const focusKey = focused && focused.dataset ? focused.dataset.key : null;
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      event.stopPropagation();
      if (this.selectedEdge) {
        const [source, target] = this.selectedEdge;
        this.selectedEdge = null;
        const g = this.edges.querySelector(`g.transition[data-source="${CSS.escape(source)}"][data-target="${CSS.escape(target)}"]`);
        if (g) g.remove();
        return this.edit({ op: "disconnect", source, target });
      }
      const keys = this.selection.size ? [...this.selection] : focusKey ? [focusKey] : [];
      if (!keys.length) return;
      for (const k of keys) {
        const g = this.nodes.querySelector(`[data-key="${CSS.escape(k)}"]`);
        if (g) g.classList.add("deleted");
        for (const edge of this.edges.querySelectorAll("g.transition")) {
          if (edge.dataset.source === k || edge.dataset.target === k) edge.classList.add("deleted");
        }
      }
      this.selection.clear();
      return this.edit({ op: "delete", keys });
    }
    if (focusKey && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      return this.choose(focusKey, event.shiftKey);
    }
    if (focusKey && event.key === "F2") {
      event.preventDefault();
      return this.startRename(focusKey);
    }
    if (event.key === "Escape") {
      this.selection.clear();
      this.selectedEdge = null;
      this.render();
    }
    const share = focused && focused.classList && focused.classList.contains("share");
    if (share && event.key === "Enter") {
      event.preventDefault();
      this.editShare([focused.dataset.source, focused.dataset.target]);
    }
  }
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let editor = instances.get(parentElement);
  if (!editor) {
    editor = new MapEditor(parentElement);
    instances.set(parentElement, editor);
  }
  editor.setStateValue = setStateValue;
  editor.box.tabIndex = -1;
  editor.receive(data);
  return () => {
    editor.resize.disconnect();
    editor.box.remove();
    instances.delete(parentElement);
  };
}
