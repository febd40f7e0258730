"""gradcam-edge Python client: one module, standard library only (urllib).

Explains images with a gradcam-edge service (Grad-CAM heatmaps of ONNX classifiers, served from
Cloudflare Workers or ``npm start``)::

    from gradcam_edge import Client, GradcamEdgeError

    client = Client("http://127.0.0.1:8787")          # default: $GRADCAM_EDGE_URL or http://127.0.0.1:8787
                                                      # api_key= (default $GRADCAM_EDGE_API_KEY) if needed
    cam = client.explain("cat.jpg", colormap="turbo", class_="cat")
    open("cam.png", "wb").write(cam.png)
    print(cam.label, cam.score, cam.snippets()["badge"]["markdown"])

Options are the service's (``model``, ``class``, ``method``, ``layer``, ``colormap``, ``alpha``, ``width``,
``height``, ...; see ``GET /openapi.json``). ``class`` is a Python keyword: pass ``class_=`` or
``**{"class": 3}``. Lists and tuples are sent comma-separated (``vector=[0.1, -0.2]``,
``region=(0, 0, 32, 64)``), booleans as ``true``/``false`` (``unit_maps=True``).
Failures raise :class:`GradcamEdgeError` carrying the problem+json ``code``.
Requests answered 429 or 503 are retried with exponential backoff, honouring ``Retry-After``.
"""
from __future__ import annotations

import email.utils
import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, TypedDict, Union

__all__ = [
    "Client", "Explanation", "GradcamEdgeError", "explain", "explain_json", "explain_task_json", "models", "DEFAULT_URL",
    "ExplanationMap", "UnitEvidence", "Box", "Detection", "SegmentClass", "SegmentTarget", "DetectTarget", "EmbedTarget",
    "TaskExplanationJson",
]

DEFAULT_URL = "http://127.0.0.1:8787"

#: An image: a file path, or PNG/JPEG bytes.
ImageSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]

#: status, headers, body of a successful response.
_Response = Tuple[int, Any, bytes]


class GradcamEdgeError(Exception):
    """A failed call: ``status`` (0 when no response arrived), ``code`` (the problem+json code, or
    ``timeout``, ``network_error``, ``unexpected_response``), ``detail``, and ``option`` for ``bad_option``."""

    def __init__(self, status: int, code: str, detail: str, problem: Optional[Dict[str, Any]] = None,
                 retry_after: Optional[float] = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.problem = problem
        self.option: Optional[str] = (problem or {}).get("option")
        #: Seconds the service asked to wait (429/503 with Retry-After).
        self.retry_after = retry_after


@dataclass(frozen=True)
class Explanation:
    """A PNG explanation and its metadata (from the response headers)."""

    png: bytes
    id: str
    url: str
    class_index: int
    label: Optional[str]
    score: float
    method: str
    model: str
    layer: str
    cache: str
    timings: Dict[str, float] = field(default_factory=dict)
    #: The one-sentence explanation (X-Explanation-Text), when asked for with ``text=True``.
    text: Optional[str] = None

    @property
    def badge_url(self) -> str:
        """URL of the explanation's compact badge (SVG)."""
        return urllib.parse.urljoin(self.url, f"/v1/explanations/{self.id}/badge.svg")

    def snippets(self) -> Dict[str, Dict[str, str]]:
        """Markdown and HTML for the image and the badge, as the service's ``embed`` field:
        ``{"image": {"url", "markdown", "html"}, "badge": {...}}``."""
        alt = f"{self.method}: {self.label if self.label is not None else f'class {self.class_index}'} {self.score * 100:.1f}%"
        return {"image": _snippet(self.url, self.url, f"{alt} (explanation)"), "badge": _snippet(self.badge_url, self.url, alt)}


# --- JSON response types (TypedDicts: the dicts explain_json and explain_task_json return) ---

class ExplanationMap(TypedDict):
    """A map: ``shape`` is [height, width], ``data`` row-major."""

    shape: List[int]
    data: List[float]


class _UnitEvidence(TypedDict):
    index: int
    weight: float
    name: Optional[str]
    iou: Optional[float]
    share: float


class UnitEvidence(_UnitEvidence, total=False):
    """One unit of ``units``; ``map`` (its own activation at the layer's grid) with ``unit_maps=True``."""

    map: ExplanationMap


class Box(TypedDict):
    """A box by its corners (pixels)."""

    x0: float
    y0: float
    x1: float
    y1: float


class Detection(TypedDict):
    """One detection after NMS; ``box`` in the original image's pixels."""

    classIndex: int
    label: Optional[str]
    score: float
    box: Box
    anchor: int


class SegmentClass(TypedDict):
    """A class present in a segmentation with its share of the output grid."""

    classIndex: int
    pixels: int
    share: float
    label: Optional[str]


class SegmentTarget(TypedDict):
    """``target`` of a segmentation model: the explained class and every class present, most pixels first."""

    task: Literal["segment"]
    classIndex: int
    label: Optional[str]
    region: Optional[Box]
    pixels: int
    classes: List[SegmentClass]


class DetectTarget(TypedDict):
    """``target`` of a detection model: the explained detection (``box``, or None) and every detection."""

    task: Literal["detect"]
    box: Optional[int]
    boxes: Literal["one", "all"]
    detections: List[Detection]


class _EmbedTarget(TypedDict):
    task: Literal["embed"]
    target: Literal["vector", "index", "none"]


class EmbedTarget(_EmbedTarget, total=False):
    """``target`` of an embedding model; ``index`` with ``index=``."""

    index: int


#: The JSON explanation of a segmentation, detection or embedding model (``class`` is a keyword, hence this form).
TaskExplanationJson = TypedDict("TaskExplanationJson", {
    "id": str, "url": str, "model": str, "method": str, "layer": str,
    "task": Literal["segment", "detect", "embed"],
    "class": Dict[str, Any],
    "target": Union[SegmentTarget, DetectTarget, EmbedTarget],
    "map": ExplanationMap,
    "runs": int,
    "timings": Dict[str, float],
})


def _escape_html(text: str) -> str:
    return "".join(f"&#{ord(c)};" if c in "<>&\"'" else c for c in text)


def _snippet(url: str, link: str, alt: str) -> Dict[str, str]:
    md_alt = "".join(f"\\{c}" if c in "\\[]" else c for c in alt)
    return {
        "url": url,
        "markdown": f"[![{md_alt}]({url})]({link})",
        "html": f'<a href="{_escape_html(link)}"><img src="{_escape_html(url)}" alt="{_escape_html(alt)}"></a>',
    }


def sniff_image_type(data: bytes) -> str:
    """``image/png`` or ``image/jpeg`` from the signature, else ``application/octet-stream`` (answered 415)."""
    if data[:4] == b"\x89PNG":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return "application/octet-stream"


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After in seconds (RFC 9110: delay-seconds or an HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def _server_timing(value: Optional[str]) -> Dict[str, float]:
    timings: Dict[str, float] = {}
    for entry in (value or "").split(","):
        name, *params = [p.strip() for p in entry.split(";")]
        dur = next((p[4:] for p in params if p.startswith("dur=")), None)
        if name and dur is not None:
            timings[name] = float(dur)
    return timings


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return ",".join(_option_text(v) for v in value)
    return str(value)


def _query(options: Mapping[str, Any]) -> str:
    fields = {(k[:-1] if k.endswith("_") else k): v for k, v in options.items() if v is not None}
    return urllib.parse.urlencode({k: _option_text(v) for k, v in fields.items()})


def _error_from(status: int, body: bytes, retry_after: Optional[float]) -> GradcamEdgeError:
    try:
        problem = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        problem = None
    if isinstance(problem, dict) and isinstance(problem.get("code"), str):
        return GradcamEdgeError(status, problem["code"], str(problem.get("detail", "")), problem, retry_after)
    text = body[:200].decode("utf-8", "replace").strip()
    return GradcamEdgeError(status, "unexpected_response", f"HTTP {status}" + (f": {text}" if text else ""), None, retry_after)


class Client:
    """A client of one gradcam-edge service.

    ``timeout`` is in seconds per network operation; ``retries`` retries 429 and 503 answers, waiting
    ``Retry-After`` when given (up to ``max_delay``) or ``backoff * 2**attempt`` with jitter. ``api_key``
    (default ``$GRADCAM_EDGE_API_KEY``) is sent as ``Authorization: Bearer <key>``.
    """

    def __init__(self, url: Optional[str] = None, timeout: float = 30.0, retries: int = 3, backoff: float = 0.25,
                 max_delay: float = 30.0, headers: Optional[Mapping[str, str]] = None,
                 api_key: Optional[str] = None) -> None:
        self.url = (url or os.environ.get("GRADCAM_EDGE_URL") or DEFAULT_URL).rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_delay = max_delay
        self.headers = dict(headers or {})
        api_key = api_key or os.environ.get("GRADCAM_EDGE_API_KEY")
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"

    def explain(self, image: ImageSource, **options: Any) -> Explanation:
        """Explain an image; returns the PNG (overlay, or ``output="heatmap"``) and its metadata."""
        if options.get("output") == "json":
            raise ValueError("explain() returns a PNG; use explain_json() for output=json")
        status, headers, body = self._post("/v1/explain", image, options)
        if not headers.get("X-Explanation-Id"):
            raise GradcamEdgeError(status, "unexpected_response", "The response carries no X-Explanation-Id header.")
        label = headers.get("X-Explanation-Label")
        return Explanation(
            png=body, id=headers["X-Explanation-Id"], url=headers.get("X-Explanation-Url", ""),
            class_index=int(headers.get("X-Explanation-Class", "-1")),
            label=urllib.parse.unquote(label) if label is not None else None,
            score=float(headers.get("X-Explanation-Score", "nan")), method=headers.get("X-Explanation-Method", ""),
            model=headers.get("X-Explanation-Model", ""), layer=urllib.parse.unquote(headers.get("X-Explanation-Layer", "")),
            cache=headers.get("X-Cache", "miss"), timings=_server_timing(headers.get("Server-Timing")),
            text=urllib.parse.unquote(headers["X-Explanation-Text"]) if headers.get("X-Explanation-Text") else None,
        )

    def explain_json(self, image: ImageSource, **options: Any) -> Dict[str, Any]:
        """Explain an image as JSON: logits, top-5, the raw low-resolution map and its shape, class, id, url,
        ``units`` (the top units by channel weight with their Network Dissection names; ``units=k``; with
        ``unit_maps=True`` each with its own activation ``map``, see :class:`UnitEvidence`) and ``text`` (one
        sentence). Segmentation, detection and embedding models: :meth:`explain_task_json`."""
        return self._json(self._post("/v1/explain", image, {**options, "output": "json"}))

    def explain_task_json(self, image: ImageSource, **options: Any) -> TaskExplanationJson:
        """Explain an image with a segmentation, detection or embedding model as JSON: the map, the explained
        ``target`` and what the output says (``target["classes"]`` with pixel shares, ``target["detections"]``
        after NMS). ``box=i`` explains ``detections[i]``; ``class_=c`` a segment class; ``vector=[...]`` or
        ``index=k`` an embedding direction. A classifier's answer raises ``unexpected_response``."""
        body = self._json(self._post("/v1/explain", image, {**options, "output": "json"}))
        if not isinstance(body, dict) or "task" not in body or not isinstance(body.get("target"), dict):
            raise GradcamEdgeError(200, "unexpected_response", "The model is a classifier: use explain_json().")
        return body

    def classify(self, image: ImageSource, **options: Any) -> Dict[str, Any]:
        """Classify an image (forward pass only): ``{model, top, logits, timings}``."""
        return self._json(self._post("/v1/classify", image, options))

    def models(self) -> List[Dict[str, Any]]:
        """The available models (input size, labels, layers, methods)."""
        return self._json(self._send("GET", "/v1/models", None, {}))["models"]

    def explanation_url(self, id: str, ext: str = "png") -> str:
        """URL of a stored explanation (``png`` or ``json``)."""
        return f"{self.url}/v1/explanations/{urllib.parse.quote(id)}.{ext}"

    def badge_url(self, id: str) -> str:
        """URL of an explanation's badge (SVG)."""
        return f"{self.url}/v1/explanations/{urllib.parse.quote(id)}/badge.svg"

    def _post(self, path: str, image: ImageSource, options: Mapping[str, Any]) -> _Response:
        if isinstance(image, (bytes, bytearray, memoryview)):
            data = bytes(image)
        else:
            with open(os.fspath(image), "rb") as f:
                data = f.read()
        query = _query(options)
        return self._send("POST", path + (f"?{query}" if query else ""), data, {"Content-Type": sniff_image_type(data)})

    def _json(self, response: _Response) -> Any:
        status, _headers, body = response
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GradcamEdgeError(status, "unexpected_response", "The response is not JSON.") from None

    def _delay(self, attempt: int, retry_after: Optional[float]) -> Optional[float]:
        if attempt >= self.retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay else None
        ceiling = min(self.max_delay, self.backoff * 2 ** attempt)
        return ceiling / 2 + random.random() * ceiling / 2

    def _send(self, method: str, path: str, data: Optional[bytes], headers: Mapping[str, str]) -> _Response:
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={**self.headers, **headers})
        attempt = 0
        while True:
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as res:
                    return res.status, res.headers, res.read()
            except urllib.error.HTTPError as err:
                retry_after = parse_retry_after(err.headers.get("Retry-After"))
                body = err.read()
                delay = self._delay(attempt, retry_after) if err.code in (429, 503) else None
                if delay is None:
                    raise _error_from(err.code, body, retry_after) from None
                time.sleep(delay)
                attempt += 1
            except (socket.timeout, TimeoutError) as err:
                raise GradcamEdgeError(0, "timeout", f"No answer within {self.timeout} s.") from err
            except urllib.error.URLError as err:
                if isinstance(err.reason, (socket.timeout, TimeoutError)):
                    raise GradcamEdgeError(0, "timeout", f"No answer within {self.timeout} s.") from err
                raise GradcamEdgeError(0, "network_error", f"The service could not be reached ({err.reason}).") from err


def explain(image: ImageSource, **options: Any) -> Explanation:
    """:meth:`Client.explain` with the default client (``$GRADCAM_EDGE_URL`` or :data:`DEFAULT_URL`)."""
    return Client().explain(image, **options)


def explain_json(image: ImageSource, **options: Any) -> Dict[str, Any]:
    """:meth:`Client.explain_json` with the default client."""
    return Client().explain_json(image, **options)


def explain_task_json(image: ImageSource, **options: Any) -> TaskExplanationJson:
    """:meth:`Client.explain_task_json` with the default client."""
    return Client().explain_task_json(image, **options)


def models() -> List[Dict[str, Any]]:
    """:meth:`Client.models` with the default client."""
    return Client().models()
