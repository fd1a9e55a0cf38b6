// The Draw page's live view: draw with a pointer, and on every move prepare the drawing the way
// MNIST was made and run the network, here in the browser, within one animation frame.
//
// This file mirrors nnviz/model/preprocess.py (ink_to_input: crop, Pillow's LANCZOS resize to
// 20 px, centre of mass to (14, 14) by whole pixels) and nnviz/model/forward.py (dense layers,
// ReLU / sigmoid / tanh, softmax). numpy is the source of truth: the browser tests feed both the
// same canvas and compare. The server hears of a drawing only when a stroke ends.

const MODELS = (globalThis.__nnvizLiveModels ??= new Map()); // model id -> decoded model, kept per tab
const VIEWS = (globalThis.__nnvizLiveViews ??= new Map()); // component root -> its view
const REPORT_DELAY_MS = 200; // a new stroke starting within this time is part of the same report
const TIMINGS_KEPT = 2000;
const MODELS_KEPT = 4;
const MIN_STEP = 1; // canvas px: closer pointer positions add nothing to a 20 px stroke

// --- numbers from base64 -------------------------------------------------------------------------------------------

function float32s(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function decodeModel(payload) {
  return {
    id: payload.id,
    digits: payload.digits,
    layers: payload.layers.map((layer) => ({ ...layer, weights: float32s(layer.weights), bias: float32s(layer.bias) })),
  };
}

// --- MNIST's preparation (mirror of nnviz.model.preprocess.ink_to_input) ------------------------------------------

function roundHalfEven(x) {
  // Python's round() and numpy's np.round: a tie goes to the even neighbour.
  const low = Math.floor(x);
  const rest = x - low;
  if (rest > 0.5) return low + 1;
  if (rest < 0.5) return low;
  return low % 2 === 0 ? low : low + 1;
}

function lanczos(x) {
  // Pillow's LANCZOS: sinc(x)·sinc(x/3) on [-3, 3).
  const sinc = (v) => (v === 0 ? 1 : Math.sin(v * Math.PI) / (v * Math.PI));
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

function resampleCoefficients(inSize, outSize) {
  // Pillow's precompute_coeffs (Resample.c): support grows with the scale when shrinking.
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 3 * filterScale;
  const result = [];
  for (let out = 0; out < outSize; out++) {
    const centre = (out + 0.5) * scale;
    let first = Math.trunc(centre - support + 0.5);
    if (first < 0) first = 0;
    let last = Math.trunc(centre + support + 0.5);
    if (last > inSize) last = inSize;
    const weights = new Float64Array(last - first);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      weights[i] = lanczos((i + first - centre + 0.5) / filterScale);
      total += weights[i];
    }
    if (total !== 0) for (let i = 0; i < weights.length; i++) weights[i] /= total;
    result.push({ first, weights });
  }
  return result;
}

function resizeLanczos(pixels, width, height, outWidth, outHeight) {
  // Pillow resizes a float ("F") image horizontally, then vertically, summing in double and
  // storing float32; a pass whose size does not change is skipped.
  let current = pixels;
  let currentWidth = width;
  if (outWidth !== width) {
    const coefficients = resampleCoefficients(width, outWidth);
    const next = new Float32Array(outWidth * height);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < outWidth; x++) {
        const { first, weights } = coefficients[x];
        let sum = 0;
        for (let i = 0; i < weights.length; i++) sum += current[row + first + i] * weights[i];
        next[y * outWidth + x] = sum;
      }
    }
    current = next;
    currentWidth = outWidth;
  }
  if (outHeight !== height) {
    const coefficients = resampleCoefficients(height, outHeight);
    const next = new Float32Array(currentWidth * outHeight);
    for (let y = 0; y < outHeight; y++) {
      const { first, weights } = coefficients[y];
      for (let x = 0; x < currentWidth; x++) {
        let sum = 0;
        for (let i = 0; i < weights.length; i++) sum += current[(first + i) * currentWidth + x] * weights[i];
        next[y * currentWidth + x] = sum;
      }
    }
    current = next;
  }
  return current;
}

// ink: Float32Array (height × width) in [0, 1]. Returns the 784 inputs (Float32Array) or null.
function prepare(ink, width, height, p) {
  let top = -1, bottom = -1, left = width, right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > p.inkThreshold) {
        if (top < 0) top = y;
        bottom = y;
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
  }
  if (top < 0) return null;
  const cropHeight = bottom - top + 1;
  const cropWidth = right - left + 1;
  const extent = Math.max(cropHeight, cropWidth);
  if (extent < Math.max(p.minExtentPixels, p.minExtent * Math.max(width, height))) return null;
  const crop = new Float32Array(cropWidth * cropHeight);
  for (let y = 0; y < cropHeight; y++) {
    for (let x = 0; x < cropWidth; x++) crop[y * cropWidth + x] = ink[(top + y) * width + left + x];
  }
  const scale = p.digitBox / extent;
  const outWidth = Math.max(1, roundHalfEven(cropWidth * scale));
  const outHeight = Math.max(1, roundHalfEven(cropHeight * scale));
  const glyph = resizeLanczos(crop, cropWidth, cropHeight, outWidth, outHeight);
  let any = false;
  for (let i = 0; i < glyph.length; i++) {
    // LANCZOS rings below 0 and above 1; less than one grey level is ringing, not ink.
    let v = Math.min(Math.max(glyph[i], 0), 1);
    if (v < p.greyLevel) v = 0;
    glyph[i] = v;
    any ||= v > 0;
  }
  if (!any) return null;
  const side = p.side;
  const field = new Float32Array(side * side);
  const top0 = Math.floor((side - outHeight) / 2);
  const left0 = Math.floor((side - outWidth) / 2);
  let mass = 0, rowMoment = 0, colMoment = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const v = glyph[y * outWidth + x];
      field[(top0 + y) * side + left0 + x] = v;
      mass += v;
      rowMoment += v * (top0 + y);
      colMoment += v * (left0 + x);
    }
  }
  // A whole-pixel shift moves the centre of mass onto (14, 14) without blurring the strokes.
  const shiftRow = roundHalfEven(p.centre[0] - rowMoment / mass);
  const shiftCol = roundHalfEven(p.centre[1] - colMoment / mass);
  const inputs = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    const from = y - shiftRow;
    if (from < 0 || from >= side) continue;
    for (let x = 0; x < side; x++) {
      const fromX = x - shiftCol;
      if (fromX >= 0 && fromX < side) inputs[y * side + x] = field[from * side + fromX];
    }
  }
  return inputs;
}

// --- the forward pass (mirror of nnviz.model.forward.forward_pass) ------------------------------------------------

function activate(z, activation) {
  const out = new Float32Array(z.length);
  if (activation === "relu") {
    for (let i = 0; i < z.length; i++) out[i] = z[i] > 0 ? z[i] : 0;
  } else if (activation === "sigmoid") {
    for (let i = 0; i < z.length; i++) {
      const e = Math.exp(-Math.abs(z[i]));
      out[i] = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
  } else if (activation === "tanh") {
    for (let i = 0; i < z.length; i++) out[i] = Math.tanh(z[i]);
  } else {
    let top = -Infinity;
    for (let i = 0; i < z.length; i++) top = Math.max(top, z[i]);
    const exps = new Float32Array(z.length);
    let total = 0;
    for (let i = 0; i < z.length; i++) {
      exps[i] = Math.exp(z[i] - top);
      total += exps[i];
    }
    for (let i = 0; i < z.length; i++) out[i] = exps[i] / Math.fround(total);
  }
  return out;
}

// Returns every layer's activations: [inputs, hidden 1, ..., probabilities] (Float32Arrays).
function forward(model, inputs) {
  const activations = [inputs];
  let x = inputs;
  for (const layer of model.layers) {
    const n = layer.outputs;
    const sums = new Float64Array(n);
    for (let i = 0; i < layer.inputs; i++) {
      const xi = x[i];
      if (xi === 0) continue; // most of a drawing's inputs are 0
      const row = i * n;
      for (let j = 0; j < n; j++) sums[j] += xi * layer.weights[row + j];
    }
    const z = new Float32Array(n);
    for (let j = 0; j < n; j++) z[j] = Math.fround(sums[j]) + layer.bias[j];
    x = activate(z, layer.activation);
    activations.push(x);
  }
  return activations;
}

function allFinite(activations) {
  return activations.every((values) => values.every(Number.isFinite));
}

function fixedHalfEven(value, places) {
  // Python's format: correctly rounded, an exact tie to the even digit (toFixed would round 0.125 up to 0.13).
  const scale = 10 ** places;
  const scaled = value * scale;
  const below = Math.floor(scaled);
  if (scaled - below === 0.5 && (below + 0.5) / scale === value) return ((below % 2 === 0 ? below : below + 1) / scale).toFixed(places);
  return value.toFixed(places);
}

function percentText(share) {
  // Mirror of nnviz.lesson.wording.percent: decimals (up to two) are added until the text is true, so
  // 99.97 % is never "100%" and 0.004 % never "0%"; past two decimals it says "> 99.99%" or "< 0.01%".
  if (!Number.isFinite(share)) return "–";
  const value = share * 100;
  for (let places = 0; places <= 2; places++) {
    const text = fixedHalfEven(value, places);
    const shown = Number(text);
    if (!(shown >= 100 && share < 1) && !(shown === 0 && share > 0)) return `${text}%`;
  }
  return share > 0.5 ? "> 99.99%" : "< 0.01%";
}

function probabilityText(share) {
  // Mirror of nnviz.lesson.wording.probability: a softmax is never exactly 0 or 1, though float32 rounds it there.
  return percentText(Number.isFinite(share) ? Math.min(Math.max(share, 1e-12), 1 - 1e-12) : share);
}

// --- colours ---------------------------------------------------------------------------------------------------------

function colourTable(scale) {
  const stops = scale.map(([at, hex]) => [at, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))]);
  const table = [];
  for (let k = 0; k < 256; k++) {
    const t = k / 255;
    let s = 0;
    while (s < stops.length - 2 && stops[s + 1][0] < t) s++;
    const [a, ca] = stops[s];
    const [b, cb] = stops[s + 1];
    const f = b > a ? Math.min(Math.max((t - a) / (b - a), 0), 1) : 0;
    table.push(ca.map((c, i) => Math.round(c + f * (cb[i] - c))));
  }
  return table;
}

// --- the view ----------------------------------------------------------------------------------------------------------

function createView(root) {
  const $ = (selector) => root.querySelector(selector);
  const pad = $(".pad");
  const pen = pad.getContext("2d", { willReadFrequently: true });
  const view = {
    root,
    pad,
    pen,
    data: null,
    model: null,
    strokes: [],
    drawing: false,
    shown: null, // the inputs and activations on screen
    generation: null, // the server's canvas generation the drawing belongs to
    frame: 0,
    reportTimer: 0,
    reportDelay: REPORT_DELAY_MS, // a test may lengthen it, to see that leaving the pad reports at once
    reported: 0,
    heldReported: null,
    timings: [],
    colours: null,
    emptied: null, // {generation, n}: Undo took the last stroke and asked the server to clear (report n)
  };

  function point(event) {
    const box = pad.getBoundingClientRect();
    const side = view.data.params.canvasSide;
    const x = ((event.clientX - box.left) * side) / box.width;
    const y = ((event.clientY - box.top) * side) / box.height;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  pad.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 && event.pointerType === "mouse") return;
    event.preventDefault();
    pad.focus({ preventScroll: true }); // so Ctrl+Z reaches the view
    pad.setPointerCapture(event.pointerId);
    clearTimeout(view.reportTimer);
    view.drawing = true;
    view.root.dataset.synced = "false"; // until a rerun says the server has heard this drawing
    const [x, y] = point(event);
    view.strokes.push([x, y]);
    segment(view, x, y, x, y);
    schedule(view);
  });
  pad.addEventListener("pointermove", (event) => {
    const stroke = view.strokes[view.strokes.length - 1];
    if (!view.drawing || !stroke) return;
    const moves = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const move of moves.length ? moves : [event]) {
      const [x, y] = point(move);
      const n = stroke.length;
      if (Math.hypot(x - stroke[n - 2], y - stroke[n - 1]) < MIN_STEP) continue;
      segment(view, stroke[n - 2], stroke[n - 1], x, y);
      stroke.push(x, y);
    }
    schedule(view);
  });
  const end = () => {
    if (!view.drawing) return;
    view.drawing = false;
    schedule(view);
    clearTimeout(view.reportTimer);
    view.reportTimer = setTimeout(() => report(view), view.reportDelay);
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  // A mouse or pen leaving the pad with no button down is on its way elsewhere (a sidebar link, a
  // button): a stroke still waiting for its report is reported now, so it is not lost with the page.
  // (A finger leaves the pad when it lifts: it keeps the delay that joins one digit's strokes.)
  const leave = (event) => {
    if (event.pointerType !== "touch" && !event.buttons && !view.drawing && view.reportTimer) {
      clearTimeout(view.reportTimer);
      report(view);
    }
  };
  pad.addEventListener("pointerleave", leave);
  pad.addEventListener("pointerout", leave);
  $(".undo").addEventListener("click", () => undo(view));
  root.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z") {
      event.preventDefault();
      undo(view);
    }
  });
  return view;
}

// Take back the last stroke: redraw the pad, answer for what is left at once, and report it as a
// finished stroke is reported. Taking the last one leaves an empty drawing, which the server
// treats as Clear (the input is emptied); the view then keeps its pad when Clear's new generation comes.
function undo(view) {
  if (view.drawing || !view.strokes.length) return;
  clearTimeout(view.reportTimer);
  replay(view, view.strokes.slice(0, -1));
  think(view);
  report(view);
  view.emptied = view.strokes.length ? null : { generation: view.generation, n: view.reported };
}

function segment(view, x0, y0, x1, y1) {
  const { pen } = view;
  pen.strokeStyle = "#ffffff";
  pen.lineWidth = view.data.params.penWidth;
  pen.lineCap = "round";
  pen.lineJoin = "round";
  pen.beginPath();
  pen.moveTo(x0, y0);
  pen.lineTo(x1, y1);
  pen.stroke();
}

function blank(view) {
  view.pen.fillStyle = "#000000";
  view.pen.fillRect(0, 0, view.pad.width, view.pad.height);
}

function replay(view, strokes) {
  blank(view);
  view.strokes = strokes.map((stroke) => stroke.slice());
  for (const stroke of view.strokes) {
    for (let i = 0; i + 1 < stroke.length; i += 2) {
      const j = Math.max(0, i - 2);
      segment(view, stroke[j], stroke[j + 1], stroke[i], stroke[i + 1]);
    }
  }
}

function schedule(view) {
  if (!view.frame) view.frame = requestAnimationFrame(() => think(view));
}

function inkOf(view) {
  const side = view.pad.width;
  const rgba = view.pen.getImageData(0, 0, side, side).data;
  const ink = new Float32Array(side * side);
  // The canvas is opaque white ink on black: its luminance is the red channel.
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255;
  return ink;
}

// The current inputs: the pen's drawing when there is one, else what the server holds (a test digit, a photo).
function currentInputs(view) {
  if (view.strokes.length) {
    const side = view.pad.width;
    return prepare(inkOf(view), side, side, view.data.params);
  }
  return view.data.pixels ? float32s(view.data.pixels) : null;
}

function think(view) {
  view.frame = 0;
  const started = performance.now();
  const inputs = currentInputs(view);
  const activations = inputs && view.model ? forward(view.model, inputs) : null;
  view.shown = { inputs, activations };
  render(view);
  view.timings.push(performance.now() - started);
  if (view.timings.length > TIMINGS_KEPT) view.timings.shift();
}

// At most `points` points of a stroke (x, y pairs), evenly picked, its last point kept: the server
// refuses longer reports (the picture, not the points, makes the input).
function thinned(stroke, points) {
  const n = stroke.length / 2;
  if (n <= points) return stroke;
  const kept = [];
  for (let k = 0; k < points; k++) {
    const i = Math.round((k * (n - 1)) / (points - 1));
    kept.push(stroke[2 * i], stroke[2 * i + 1]);
  }
  return kept;
}

function report(view) {
  view.reportTimer = 0;
  view.reported += 1;
  view.root.dataset.synced = "false"; // until a rerun says the server has heard this report
  const { strokes: most, points } = view.data.limits;
  view.setStateValue("drawing", {
    strokes: view.strokes.slice(-most).map((stroke) => thinned(stroke, points)),
    image: view.pad.toDataURL("image/png"),
    n: view.reported,
  });
}

// --- drawing the answer, the pixels and the hidden layers ----------------------------------------------------------

function render(view) {
  const { root, data, model } = view;
  const { inputs, activations } = view.shown;
  const $ = (selector) => root.querySelector(selector);
  drawPixels($(".input"), inputs);
  $(".undo").disabled = !view.strokes.length;
  $(".pixels .note").textContent = view.strokes.length ? data.words.drawing : data.words.current;
  const finite = activations ? allFinite(activations) : true;
  const status = !inputs ? "empty" : !model ? "loading" : !finite ? "overflow" : !data.reveal ? "covered" : "shown";
  root.dataset.status = status;
  const message = {
    empty: data.words.prompt,
    loading: data.words.loading,
    overflow: data.words.overflow,
    covered: data.words.covered,
  }[status];
  $(".answer .message").textContent = message || "";
  if (status !== "shown") {
    $(".spoken").textContent = "";
    return;
  }
  const probabilities = activations[activations.length - 1];
  let winner = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[winner]) winner = i;
  const digit = model.digits[winner];
  const sure = `${probabilityText(probabilities[winner])} sure`;
  $(".answer .digit").textContent = String(digit);
  $(".answer .sure").textContent = `${sure}. ${data.words.bars}`;
  drawBars(view, probabilities, winner);
  const spoken = `Prediction ${digit}, ${sure}`;
  // Said when the pen lifts, and only when it changed: a screen reader is not flooded while drawing.
  if (!view.drawing && $(".spoken").textContent !== spoken) $(".spoken").textContent = spoken;
  drawLayers(view, activations);
}

function drawPixels(canvas, inputs) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = inputs ? Math.round(inputs[i] * 255) : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

function drawBars(view, probabilities, winner) {
  const bars = view.root.querySelector(".bars");
  if (bars.dataset.model !== view.model.id) {
    bars.dataset.model = view.model.id;
    bars.replaceChildren(
      ...view.model.digits.map((digit) => {
        const column = document.createElement("div");
        column.className = "bar";
        column.innerHTML = '<div class="track"><div class="fill"></div></div><div class="label"></div>';
        column.querySelector(".label").textContent = String(digit);
        return column;
      }),
    );
  }
  bars.querySelectorAll(".bar").forEach((column, i) => {
    column.querySelector(".fill").style.height = `${(100 * probabilities[i]).toFixed(1)}%`;
    column.classList.toggle("winner", i === winner);
    column.title = `${view.model.digits[i]}: ${probabilityText(probabilities[i])}`;
  });
}

function drawLayers(view, activations) {
  const { model, root } = view;
  const holder = root.querySelector(".layers");
  const hidden = model.layers.slice(0, -1);
  root.querySelector(".inside .none").hidden = hidden.length > 0;
  if (holder.dataset.model !== model.id) {
    holder.dataset.model = model.id;
    holder.replaceChildren(
      ...hidden.map((layer) => {
        const block = document.createElement("figure");
        block.innerHTML = "<figcaption></figcaption><canvas></canvas>";
        block.querySelector("figcaption").textContent = `${layer.title} · ${layer.label}`;
        const [rows, cols] = layer.grid;
        const cell = Math.max(2, Math.min(24, Math.floor(Math.max(200, holder.clientWidth / Math.max(hidden.length, 2) - 16) / cols)));
        const canvas = block.querySelector("canvas");
        canvas.width = cols * cell;
        canvas.height = rows * cell;
        canvas.dataset.cell = String(cell);
        return block;
      }),
    );
  }
  const table = view.colours;
  holder.querySelectorAll("canvas").forEach((canvas, k) => {
    const layer = hidden[k];
    const values = activations[k + 1];
    const [low, high] = layer.range || [0, Math.max(1e-6, ...values)];
    const cell = Number(canvas.dataset.cell);
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    const cols = layer.grid[1];
    const gap = cell > 4 ? 1 : 0;
    for (let i = 0; i < values.length; i++) {
      const t = Math.min(Math.max((values[i] - low) / (high - low), 0), 1);
      const [r, g, b] = table[Math.round(t * 255)];
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap);
    }
  });
}

// --- Streamlit's entry point: called on mount and on every rerun with new data --------------------------------------

function update(view, component) {
  const { data } = component;
  view.setStateValue = component.setStateValue;
  const first = view.data === null;
  view.data = data;
  view.colours ??= colourTable(data.colours);
  view.root.classList.toggle("presenter", Boolean(data.presenter));
  view.root.querySelector(".pixels").title = data.words.pixelsHelp;
  view.root.querySelector(".inside h3").title = data.words.hiddenHelp;
  if (data.model) {
    MODELS.set(data.model.id, decodeModel(data.model));
    // Keep a few models (a class trains several); the oldest go first.
    for (const id of MODELS.keys()) if (MODELS.size > MODELS_KEPT && id !== data.model.id) MODELS.delete(id);
  }
  view.model = MODELS.get(data.modelId) || null;
  // Say which model this tab holds: the server then sends only its id on later reruns.
  const held = view.model ? view.model.id : "";
  if (view.heldReported !== held) {
    view.heldReported = held;
    view.setStateValue("model", held);
  }
  // A new generation (Clear, a test digit, a photo) replaces the drawing with the server's, except
  // the one the server gives for the view's own emptied drawing (Undo of the last stroke): the pad
  // already shows it, and a stroke started since is kept.
  const emptied = view.emptied;
  if (emptied && (data.heard || 0) >= emptied.n) view.emptied = null;
  if (first || data.generation !== view.generation) {
    const ours =
      emptied &&
      (data.heard || 0) >= emptied.n &&
      data.generation === emptied.generation + 1 &&
      !data.pixels &&
      !(data.strokes || []).length;
    view.generation = data.generation;
    if (!ours) replay(view, data.strokes || []);
  }
  // Synced: no stroke under way or waiting to be reported, and the server has read the last report.
  view.root.dataset.synced = String(!view.drawing && !view.reportTimer && (data.heard || 0) >= view.reported);
  view.root.querySelector(".known").textContent = data.words.known || "";
  think(view);
}

function base64Bytes(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
}

// The tests' and the bench's entry points (nothing on the page calls them).
globalThis.nnvizLive = {
  views: VIEWS,
  load: (payload) => MODELS.set(payload.id, decodeModel(payload)) && payload.id,
  // Run the view with another model until the next rerun (the bench times big networks this way).
  use: (payload) => {
    const view = [...VIEWS.values()].at(-1);
    view.model = decodeModel(payload);
    return view.model.id;
  },
  prepare: (ink, width, height, params) => {
    const inputs = prepare(Float32Array.from(ink), width, height, params);
    return inputs && Array.from(inputs);
  },
  forward: (modelId, inputs) => forward(MODELS.get(modelId), Float32Array.from(inputs)).map((a) => Array.from(a)),
  percentText,
  probabilityText,
  view: () => [...VIEWS.values()].at(-1),
  // Draw `strokes` on the live canvas as the pen would and answer for them: the oracle tests' entry.
  replay: (strokes) => {
    const view = [...VIEWS.values()].at(-1);
    replay(view, strokes);
    think(view);
    const side = view.pad.width;
    return {
      ink: base64Bytes(view.pen.getImageData(0, 0, view.pad.width, view.pad.height).data.filter((_, i) => i % 4 === 0)),
      side,
      inputs: view.shown.inputs && Array.from(view.shown.inputs),
      activations: view.shown.activations && view.shown.activations.map((a) => Array.from(a)),
      params: view.data.params,
      modelId: view.model && view.model.id,
    };
  },
  // Tell the server about the drawing now, as when a stroke ends.
  report: () => report([...VIEWS.values()].at(-1)),
  timings: () => {
    const view = [...VIEWS.values()].at(-1);
    return view ? view.timings.slice() : [];
  },
};

export default function (component) {
  const root = component.parentElement.querySelector(".live") || component.parentElement;
  let view = VIEWS.get(root);
  if (!view || !root.isConnected) {
    for (const [old, kept] of VIEWS) if (!old.isConnected) VIEWS.delete(old) && clearTimeout(kept.reportTimer);
    view = createView(root);
    VIEWS.set(root, view);
  }
  update(view, component);
}
