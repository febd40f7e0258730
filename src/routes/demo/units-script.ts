/**
 * @module
 * The demo page's units list (served at `/demo/units.js`, an ES module imported by app.js): the top units of
 * a classifier's explanation (JSON `units` with `unit_maps=true`) with their Network Dissection names, and,
 * while the pointer (or keyboard focus) is on one, that unit's own activation map drawn over the original
 * image: a canvas at the layer's grid, stretched over the image (the browser interpolates), red with an
 * opacity of 200 * A / max(A) (negative activations transparent). Models that crop their input see the map
 * over the whole image, not the crop.
 */

/** The module. */
export const DEMO_UNITS_JS = String.raw`'use strict';
const $ = (id) => document.getElementById(id);

/** Opacity of a unit map's strongest cell (0..255). */
export const UNIT_MAP_ALPHA = 200;

function unitText(u) {
  const name = u.name === null ? 'unnamed' : u.name + (u.iou === null ? '' : ' (IoU ' + u.iou.toFixed(2) + ')');
  return 'unit ' + u.index + ': ' + name + ', ' + Math.round(u.share * 100) + '% of the map';
}

/** Draw one unit's map on the canvas over the original image. */
export function drawUnit(u) {
  const canvas = $('unit-map');
  const [h, w] = u.map.shape;
  canvas.width = w;
  canvas.height = h;
  const max = Math.max(...u.map.data);
  const image = canvas.getContext('2d').createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const v = max > 0 ? Math.max(0, u.map.data[i]) / max : 0;
    image.data.set([255, 0, 0, Math.round(UNIT_MAP_ALPHA * v)], i * 4);
  }
  canvas.getContext('2d').putImageData(image, 0, 0);
  canvas.dataset.unit = String(u.index);
  canvas.hidden = false;
  $('original-caption').textContent = 'Original, with the activation of ' + unitText(u);
}

/** Hide the unit map. */
export function hideUnit() {
  const canvas = $('unit-map');
  canvas.hidden = true;
  delete canvas.dataset.unit;
  $('original-caption').textContent = 'Original';
}

/** List the units (null or empty: hide the list); hovering or focusing one draws its map. */
export function showUnits(units) {
  hideUnit();
  const list = $('units');
  const items = (units || []).filter((u) => u.map).map((u) => {
    const li = document.createElement('li');
    li.tabIndex = 0;
    li.dataset.unit = String(u.index);
    li.textContent = unitText(u);
    li.addEventListener('mouseenter', () => drawUnit(u));
    li.addEventListener('focus', () => drawUnit(u));
    li.addEventListener('mouseleave', hideUnit);
    li.addEventListener('blur', hideUnit);
    return li;
  });
  list.replaceChildren(...items);
  $('units-panel').hidden = items.length === 0;
}
`;
