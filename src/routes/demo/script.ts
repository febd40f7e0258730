/**
 * @module
 * The demo page's script (served at `/demo/app.js`, an ES module with its two helpers `/demo/targets.js` and
 * `/demo/units.js`): plain ES2020, no framework, same-origin fetches only.
 * Flow: pick an image -> POST /v1/explain output=json (what there is to explain: a classifier's top 5, a
 * detector's detections, a segmenter's classes) -> POST /v1/explain output=overlay with the chosen class or
 * box, method, colormap and image weight, and for classifiers output=json with the units and their maps (the
 * sentence, and a unit's map over the image on hover) -> show them -> poll the stored explanation's metadata
 * for its embed snippets (image URL, badge) and preview the badge.
 * Kept as a string (no backticks or template substitutions inside) so the Worker serves it without a build.
 */

/** The script. */
export const DEMO_JS = String.raw`'use strict';
import { choiceItem, choicesOf, targetOptions } from '/demo/targets.js';
import { showUnits } from '/demo/units.js';

const $ = (id) => document.getElementById(id);
const MAX_SIDE = 1024;
/** kind: the model's task as its first answer says; chosen: the class index or detection index explained. */
const state = { file: null, kind: null, chosen: null, seq: 0, originalUrl: '', overlayUrl: '' };

function setStatus(text, isError) {
  $('status').textContent = text;
  $('status').classList.toggle('error', Boolean(isError));
}

async function problemText(res) {
  try {
    const problem = await res.json();
    return problem.detail || problem.title || 'HTTP ' + res.status;
  } catch (err) {
    return 'HTTP ' + res.status;
  }
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(await problemText(res));
  return res.json();
}

async function loadModels() {
  const { models } = await getJson('/v1/models');
  const select = $('model');
  select.replaceChildren(...models.map((m) => new Option(m.default ? m.id + ' (default)' : m.id, m.id, m.default, m.default)));
  await loadMethods();
}

async function loadMethods() {
  const model = await getJson('/v1/models/' + encodeURIComponent($('model').value));
  const select = $('method');
  const wanted = select.value || 'gradcam';
  select.replaceChildren(...model.methods.map((name) => new Option(name, name, name === wanted, name === wanted)));
}

function outputSize() {
  const w = $('original').naturalWidth;
  const h = $('original').naturalHeight;
  if (Math.max(w, h) <= MAX_SIDE) return {};
  return w >= h ? { width: MAX_SIDE } : { height: MAX_SIDE };
}

async function explainRequest(options) {
  const body = new FormData();
  body.set('file', state.file);
  body.set('model', $('model').value);
  body.set('method', $('method').value);
  for (const [name, value] of Object.entries(options)) body.set(name, String(value));
  const res = await fetch('/v1/explain', { method: 'POST', body });
  if (!res.ok) throw new Error(await problemText(res));
  return res;
}

async function classify(seq) {
  setStatus('Classifying…');
  const json = await (await explainRequest({ output: 'json' })).json();
  if (seq !== state.seq) return false;
  const choices = choicesOf(json);
  state.kind = choices.kind;
  state.chosen = choices.chosen;
  $('classes-legend').textContent = choices.legend;
  $('top').replaceChildren(...choices.items.map((item) => choiceItem(item, state.chosen)));
  $('classes').disabled = false;
  return true;
}

/** A classifier's units with their maps, and its sentence (JSON); other tasks have none. */
async function explainUnits(target) {
  if (state.kind !== 'classify') return { units: null, text: '' };
  return (await explainRequest({ output: 'json', ...target, units: 5, unit_maps: 'true' })).json();
}

async function explain(seq) {
  setStatus('Explaining…');
  const started = performance.now();
  const target = targetOptions(state.kind, state.chosen);
  const text = state.kind === 'classify' ? { text: 'true' } : {};
  const [res, units] = await Promise.all([
    explainRequest({ output: 'overlay', ...target, colormap: $('colormap').value, alpha: $('alpha').value, ...text, ...outputSize() }),
    explainUnits(target),
  ]);
  const blob = await res.blob();
  if (seq !== state.seq) return;
  showUnits(units.units);
  const overlay = $('overlay');
  if (state.overlayUrl) URL.revokeObjectURL(state.overlayUrl);
  state.overlayUrl = URL.createObjectURL(blob);
  overlay.removeAttribute('data-ready');
  overlay.src = state.overlayUrl;
  await overlay.decode();
  const id = res.headers.get('x-explanation-id');
  const label = decodeURIComponent(res.headers.get('x-explanation-label') || 'class ' + res.headers.get('x-explanation-class'));
  const score = Number(res.headers.get('x-explanation-score'));
  // a segment's score is its mean class logit, not a probability
  const amount = state.kind === 'segment' ? '(mean logit ' + score.toFixed(2) + ')' : (score * 100).toFixed(1) + '%';
  $('overlay-caption').textContent = res.headers.get('x-explanation-method') + ': ' + label + ' ' + amount;
  $('sentence').textContent = units.text || '';
  overlay.dataset.id = id;
  overlay.dataset.ready = 'true';
  const ms = Math.round(performance.now() - started);
  setStatus('Explained in ' + ms + ' ms (cache ' + res.headers.get('x-cache') + ').');
  await share(id, seq);
}

async function share(id, seq) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const res = await fetch('/v1/explanations/' + id + '.json');
    if (seq !== state.seq) return;
    if (res.ok) {
      const { embed } = await res.json();
      $('image-url').value = embed.image.url;
      $('badge-md').value = embed.badge.markdown;
      $('badge-html').value = embed.badge.html;
      $('badge').src = embed.badge.url;
      $('badge').dataset.id = id;
      $('share').hidden = false;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function refresh(withClasses) {
  if (!state.file) return;
  const seq = ++state.seq;
  $('share').hidden = true;
  try {
    if (withClasses && !(await classify(seq))) return;
    await explain(seq);
  } catch (err) {
    if (seq === state.seq) setStatus(err.message, true);
  }
}

async function choose(file) {
  if (!file) return;
  state.file = file;
  if (state.originalUrl) URL.revokeObjectURL(state.originalUrl);
  state.originalUrl = URL.createObjectURL(file);
  $('original').src = state.originalUrl;
  try {
    await $('original').decode();
  } catch (err) {
    setStatus('This browser cannot show that image; the service will still try it.', true);
  }
  await refresh(true);
}

function copyFrom(input, button) {
  const done = () => {
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1200);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => undefined);
  } else {
    input.select();
    if (document.execCommand('copy')) done();
  }
}

function wire() {
  const drop = $('drop');
  $('file').addEventListener('change', () => choose($('file').files[0]));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    choose(e.dataTransfer.files[0]);
  });
  $('model').addEventListener('change', () => loadMethods().then(() => refresh(true), (err) => setStatus(err.message, true)));
  $('method').addEventListener('change', () => refresh(false));
  $('colormap').addEventListener('change', () => refresh(false));
  $('alpha').addEventListener('input', () => ($('alpha-value').textContent = $('alpha').value));
  $('alpha').addEventListener('change', () => refresh(false));
  $('top').addEventListener('change', (e) => {
    state.chosen = Number(e.target.value);
    refresh(false);
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copyFrom($(button.dataset.copy), button));
  }
}

wire();
loadModels().then(() => setStatus('Choose an image.'), (err) => setStatus('Could not load the models: ' + err.message, true));
`;
