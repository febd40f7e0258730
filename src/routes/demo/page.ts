/**
 * @module
 * The demo page's HTML: a form (image, model, method, colormap, image weight), what there is to explain (a
 * classifier's top-5 classes, a detector's detections, a segmenter's classes), the original (with a canvas
 * for a unit's activation map over it) and the overlay side by side, the sentence and the units behind it,
 * the URL and badge snippets. No inline script or style: app.js and app.css are
 * separate routes, so the page runs under a strict Content-Security-Policy (script-src 'self').
 */

/** The page (served at `/`). */
export const DEMO_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gradcam-edge demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo/app.css">
<script type="module" src="/demo/app.js"></script>
</head>
<body>
<header><h1>gradcam-edge</h1><p>Grad-CAM explanations of image classifiers, detectors and segmenters, computed at the edge. Pick an image to see where the model looked.</p></header>
<main>
<section id="controls" aria-label="Options">
  <label id="drop" class="drop" for="file">
    <input id="file" type="file" accept="image/png,image/jpeg">
    <span>Drop a PNG or JPEG here, or <u>choose one</u></span>
  </label>
  <div class="row">
    <label>Model <select id="model"></select></label>
    <label>Method <select id="method"></select></label>
    <label>Colormap <select id="colormap">
      <option>jet</option><option>turbo</option><option>viridis</option><option>inferno</option><option>gray</option>
    </select></label>
    <label>Image weight <input id="alpha" type="range" min="0" max="1" step="0.05" value="0.5"><output id="alpha-value">0.5</output></label>
  </div>
  <fieldset id="classes" disabled><legend id="classes-legend">Class (top 5)</legend><ol id="top"></ol></fieldset>
  <p id="status" role="status">Loading models…</p>
</section>
<section id="pictures" aria-label="Result">
  <figure><div class="stack"><img id="original" alt="The original image"><canvas id="unit-map" hidden></canvas></div><figcaption id="original-caption">Original</figcaption></figure>
  <figure><img id="overlay" alt="The explanation overlay"><figcaption id="overlay-caption">Explanation</figcaption></figure>
  <p id="sentence" aria-live="polite"></p>
  <div id="units-panel" hidden><h2>Units behind it</h2><p class="hint">Point at a unit to see its own activation over the original.</p><ol id="units"></ol></div>
</section>
<section id="share" aria-label="Share" hidden>
  <div class="copy"><label for="image-url">Image URL</label><input id="image-url" readonly><button type="button" data-copy="image-url">Copy</button></div>
  <div class="copy"><label for="badge-md">Badge (Markdown)</label><input id="badge-md" readonly><button type="button" data-copy="badge-md">Copy</button></div>
  <div class="copy"><label for="badge-html">Badge (HTML)</label><input id="badge-html" readonly><button type="button" data-copy="badge-html">Copy</button></div>
  <p><img id="badge" alt="Badge preview"></p>
</section>
</main>
<footer><a href="/openapi.json">API (OpenAPI)</a></footer>
</body>
</html>
`;
