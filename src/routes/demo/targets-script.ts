/**
 * @module
 * The demo page's choice list (served at `/demo/targets.js`, an ES module imported by app.js): what the
 * first JSON answer offers to explain, by the model's task. A classifier lists its top 5 classes with their
 * probabilities; a detector its detections (label, score, box in image pixels), one click explaining that
 * box (`box=i`); a segmenter the classes present with their pixel shares, one click explaining that class.
 * Kept as a string with no backticks or template substitutions, like app.js.
 */

/** The module. */
export const DEMO_TARGETS_JS = String.raw`'use strict';

function percent(p) {
  return (p * 100).toFixed(1) + '%';
}

function nameOf(label, index) {
  return label === null ? 'class ' + index : label;
}

function boxText(b) {
  return [b.x0, b.y0, b.x1, b.y1].map((v) => Math.round(v)).join(', ');
}

/**
 * What the page can explain for this answer: kind (classify, segment, detect, embed), the legend, the items
 * ({ value, name, amount: score or share, note }) and the one chosen by default.
 */
export function choicesOf(json) {
  if (json.task === 'detect') {
    const items = json.target.detections.map((d, i) => ({ value: i, name: nameOf(d.label, d.classIndex), amount: d.score, note: 'box ' + boxText(d.box) }));
    const legend = items.length ? 'Detections (click one to explain it)' : 'Detections: none above the score threshold';
    return { kind: 'detect', legend, items, chosen: json.target.box };
  }
  if (json.task === 'segment') {
    const items = json.target.classes.map((c) => ({ value: c.classIndex, name: nameOf(c.label, c.classIndex), amount: c.share, note: c.pixels + ' px' }));
    return { kind: 'segment', legend: 'Segments (share of the pixels; click one to explain it)', items, chosen: json.target.classIndex };
  }
  if (json.task === 'embed') return { kind: 'embed', legend: 'Embedding', items: [], chosen: null };
  const items = json.top.map((c) => ({ value: c.index, name: nameOf(c.label, c.index), amount: c.probability, note: '' }));
  return { kind: 'classify', legend: 'Class (top 5)', items, chosen: json.class.index };
}

/** One list item: a radio (name "target"), the name, a meter of the score or share, the percent, a note. */
export function choiceItem(item, chosen) {
  const radio = document.createElement('input');
  radio.type = 'radio';
  radio.name = 'target';
  radio.value = String(item.value);
  radio.checked = item.value === chosen;
  const name = document.createElement('span');
  name.textContent = item.name;
  const meter = document.createElement('meter');
  meter.min = 0;
  meter.max = 1;
  meter.value = item.amount;
  const amount = document.createElement('span');
  amount.textContent = percent(item.amount);
  const note = document.createElement('small');
  note.textContent = item.note;
  const label = document.createElement('label');
  label.append(radio, name, meter, amount);
  if (item.note) label.append(note);
  const li = document.createElement('li');
  li.append(label);
  return li;
}

/** The request options that explain the chosen item. */
export function targetOptions(kind, chosen) {
  if (chosen === null) return {};
  return kind === 'detect' ? { box: chosen } : { class: chosen };
}
`;
