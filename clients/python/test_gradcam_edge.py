"""Tests of gradcam_edge.py (standard library only).

The retry/error tests run against a scripted local HTTP server. The live tests run against a real service
when GRADCAM_EDGE_URL is set (test/clients/clients.test.ts starts wrangler dev and runs this file with it),
reading images from GRADCAM_EDGE_FIXTURES and writing the PNGs it gets to GRADCAM_EDGE_OUT for the
TypeScript side to compare.
"""
from __future__ import annotations

import http.server
import json
import os
import struct
import threading
import time
import unittest
import urllib.request
import zlib

import gradcam_edge as ge

LIVE_URL = os.environ.get("GRADCAM_EDGE_URL")
#: Ids of a detection and a segmentation model uploaded to the live service (test/clients/task-models.ts).
DETECTOR = os.environ.get("GRADCAM_EDGE_DETECTOR", "")
SEGMENTER = os.environ.get("GRADCAM_EDGE_SEGMENTER", "")
FIXTURES = os.environ.get("GRADCAM_EDGE_FIXTURES", "")
OUT = os.environ.get("GRADCAM_EDGE_OUT", "")


def png_size(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    return struct.unpack(">II", data[16:24])


def tiny_png() -> bytes:
    raw = b"".join(b"\x00" + bytes(v for x in range(6) for v in (x * 40, y * 40, 128)) for y in range(5))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 6, 5, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Scripted(http.server.BaseHTTPRequestHandler):
    steps: list = []
    seen: list = []

    def log_message(self, *args):
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        Scripted.seen.append((time.time(), self.command, self.path, self.headers.get("Content-Type"), body))
        status, headers, payload = Scripted.steps.pop(0) if Scripted.steps else (200, {"Content-Type": "application/json"}, b'{"models": []}')
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _handle


def problem(status: int, code: str, headers=None, **extra):
    body = json.dumps({"type": f"urn:gradcam-edge:problem:{code}", "title": "x", "status": status, "code": code, "detail": f"detail of {code}", **extra})
    return status, {"Content-Type": "application/problem+json", **(headers or {})}, body.encode()


class ScriptedServerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.client = ge.Client(f"http://127.0.0.1:{cls.server.server_address[1]}", backoff=0.01)

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        Scripted.steps, Scripted.seen = [], []

    def test_retries_503_and_429_honouring_retry_after(self):
        Scripted.steps = [problem(503, "model_unavailable", {"Retry-After": "0"}), problem(429, "rate_limited", {"Retry-After": "1"})]
        self.assertEqual(self.client.models(), [])
        self.assertEqual(len(Scripted.seen), 3)
        self.assertGreaterEqual(Scripted.seen[2][0] - Scripted.seen[1][0], 0.95)

    def test_problem_codes_become_exceptions_without_retry(self):
        Scripted.steps = [problem(400, "bad_option", option="alpha")]
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            self.client.explain(tiny_png(), alpha=3, class_="cat")
        err = caught.exception
        self.assertEqual((err.status, err.code, err.option, err.detail), (400, "bad_option", "alpha", "detail of bad_option"))
        _, method, path, ctype, body = Scripted.seen[0]
        self.assertEqual((method, ctype, body), ("POST", "image/png", tiny_png()))
        self.assertEqual(path, "/v1/explain?alpha=3&class=cat")
        self.assertEqual(len(Scripted.seen), 1)

    def test_gives_up_after_retries_and_on_a_long_retry_after(self):
        Scripted.steps = [problem(503, "model_unavailable")] * 4
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            ge.Client(self.client.url, retries=2, backoff=0.01).models()
        self.assertEqual((caught.exception.code, len(Scripted.seen)), ("model_unavailable", 3))
        Scripted.steps, Scripted.seen = [problem(429, "rate_limited", {"Retry-After": "120"})], []
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            self.client.models()
        self.assertEqual((caught.exception.retry_after, len(Scripted.seen)), (120.0, 1))

    def test_non_problem_errors_and_unreachable_service(self):
        Scripted.steps = [(502, {"Content-Type": "text/html"}, b"<h1>Bad gateway</h1>")]
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            self.client.models()
        self.assertEqual((caught.exception.status, caught.exception.code), (502, "unexpected_response"))
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            ge.Client("http://127.0.0.1:9", timeout=2).models()
        self.assertEqual((caught.exception.status, caught.exception.code), (0, "network_error"))

    def test_explain_refuses_json_output(self):
        with self.assertRaises(ValueError):
            self.client.explain(tiny_png(), output="json")
        self.assertEqual(Scripted.seen, [])

    def test_task_options_as_lists_and_numbers_and_a_classifier_answer(self):
        body = {"id": "x", "task": "detect", "target": {"task": "detect", "box": 1, "boxes": "one", "detections": []}}
        Scripted.steps = [(200, {"Content-Type": "application/json"}, json.dumps(body).encode())]
        self.assertEqual(self.client.explain_task_json(tiny_png(), model="det", box=1, conf=0.5, region=None), body)
        self.assertEqual(Scripted.seen[0][2], "/v1/explain?model=det&box=1&conf=0.5&output=json")
        Scripted.steps = [(200, {"Content-Type": "application/json"}, b'{"id": "x", "class": {"index": 1}}')]
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            self.client.explain_task_json(tiny_png(), vector=[0.5, -1, 2], region=(0, 0, 32, 64), unit_maps=True)
        self.assertEqual(caught.exception.code, "unexpected_response")
        self.assertEqual(Scripted.seen[1][2], "/v1/explain?vector=0.5%2C-1%2C2&region=0%2C0%2C32%2C64&unit_maps=true&output=json")

    def test_retry_after_dates_and_sniffing(self):
        self.assertEqual(ge.parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now=1767225600.0), 5.0)
        self.assertIsNone(ge.parse_retry_after("soon"))
        self.assertEqual(ge.sniff_image_type(b"\xff\xd8\xff\xe0"), "image/jpeg")
        self.assertEqual(ge.sniff_image_type(b"GIF89a"), "application/octet-stream")


@unittest.skipUnless(LIVE_URL, "GRADCAM_EDGE_URL not set (run from test/clients/clients.test.ts)")
class LiveServiceTests(unittest.TestCase):
    def setUp(self):
        self.client = ge.Client(LIVE_URL)

    def fixture(self, name: str) -> str:
        return os.path.join(FIXTURES, name)

    def test_explain_a_png_path_and_jpeg_bytes(self):
        cam = self.client.explain(self.fixture("gradient.png"), colormap="turbo")
        self.assertEqual(png_size(cam.png), (96, 64))
        self.assertRegex(cam.id, r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual((cam.method, cam.model), ("gradcam", "default"))
        self.assertTrue(0.0 <= cam.score <= 1.0)
        self.assertTrue(cam.url.endswith(f"/v1/explanations/{cam.id}.png"))
        self.assertIn("model", cam.timings)
        with urllib.request.urlopen(self.client.explanation_url(cam.id, "json")) as res:
            self.assertEqual(cam.snippets(), json.load(res)["embed"])
        with open(os.path.join(OUT, "python-gradient-turbo.png"), "wb") as f:
            f.write(cam.png)
        with open(self.fixture("photo.jpg"), "rb") as f:
            jpg = self.client.explain(f.read(), output="heatmap", width=32, **{"class": 1})
        self.assertEqual((png_size(jpg.png), jpg.class_index), ((32, 21), 1))

    def test_explain_json_matches_the_png_metadata_class(self):
        js = self.client.explain_json(self.fixture("gradient.png"))
        h, w = js["map"]["shape"]
        self.assertEqual(len(js["map"]["data"]), h * w)
        top1 = max(range(len(js["logits"])), key=lambda i: js["logits"][i])
        self.assertEqual(js["class"]["index"], top1)
        cam = self.client.explain(self.fixture("gradient.png"))
        self.assertEqual(cam.class_index, top1)

    def test_unit_maps_give_each_unit_its_map_at_the_layer_grid(self):
        js = self.client.explain_json(self.fixture("gradient.png"), units=3, unit_maps=True)
        self.assertEqual(len(js["units"]), 3)
        for unit in js["units"]:
            self.assertEqual(set(unit), set(ge.UnitEvidence.__annotations__))
            self.assertEqual(unit["map"]["shape"], js["map"]["shape"])
            self.assertEqual(len(unit["map"]["data"]), js["map"]["shape"][0] * js["map"]["shape"][1])
        plain = self.client.explain_json(self.fixture("gradient.png"), units=3)
        self.assertEqual([{k: v for k, v in u.items() if k != "map"} for u in js["units"]], plain["units"])
        self.assertNotEqual(js["id"], plain["id"])

    def test_detections_typed_and_box_explains_one_of_them(self):
        js = self.client.explain_task_json(self.fixture("gradient.png"), model=DETECTOR, method="layercam")
        self.assertEqual(set(js), set(ge.TaskExplanationJson.__annotations__))
        target = js["target"]
        self.assertEqual((js["task"], target["task"], target["box"]), ("detect", "detect", 0))
        self.assertEqual(set(target), set(ge.DetectTarget.__annotations__))
        self.assertGreater(len(target["detections"]), 1)
        for d in target["detections"]:
            self.assertEqual(set(d), set(ge.Detection.__annotations__))
            self.assertEqual(set(d["box"]), set(ge.Box.__annotations__))
            self.assertTrue(0 <= d["box"]["x0"] <= d["box"]["x1"] <= 96 and 0 <= d["box"]["y0"] <= d["box"]["y1"] <= 64, d)
        scores = [d["score"] for d in target["detections"]]
        self.assertEqual(scores, sorted(scores, reverse=True))
        second = self.client.explain_task_json(self.fixture("gradient.png"), model=DETECTOR, method="layercam", box=1)
        self.assertEqual(second["target"]["box"], 1)
        self.assertEqual(second["target"]["detections"], target["detections"])
        d1 = target["detections"][1]
        self.assertEqual(second["class"], {"index": d1["classIndex"], "label": d1["label"], "score": d1["score"]})
        self.assertNotEqual(second["id"], js["id"])

    def test_segment_classes_typed_and_class_explains_one_of_them(self):
        js = self.client.explain_task_json(self.fixture("gradient.png"), model=SEGMENTER)
        target = js["target"]
        self.assertEqual((js["task"], set(target)), ("segment", set(ge.SegmentTarget.__annotations__)))
        self.assertGreater(len(target["classes"]), 1)
        for c in target["classes"]:
            self.assertEqual(set(c), set(ge.SegmentClass.__annotations__))
        self.assertAlmostEqual(sum(c["share"] for c in target["classes"]), 1.0, places=9)
        other = target["classes"][-1]
        chosen = self.client.explain_task_json(self.fixture("gradient.png"), model=SEGMENTER, class_=other["classIndex"])
        self.assertEqual((chosen["target"]["classIndex"], chosen["target"]["pixels"]), (other["classIndex"], other["pixels"]))
        with self.assertRaises(ge.GradcamEdgeError) as caught:
            self.client.explain_task_json(self.fixture("gradient.png"))
        self.assertEqual(caught.exception.code, "unexpected_response")

    def test_models_and_errors(self):
        models = self.client.models()
        default = next(m for m in models if m["default"])
        self.assertGreaterEqual(default["classes"], 2)
        for call, code in [
            (lambda: self.client.explain(self.fixture("gradient.png"), colormap="rainbow"), "bad_option"),
            (lambda: self.client.explain(self.fixture("gradient.png"), model="nope"), "model_not_found"),
            (lambda: self.client.explain(self.fixture("gradient.png"), class_=100000), "class_out_of_range"),
            (lambda: self.client.explain(b"GIF89a......"), "unsupported_media_type"),
        ]:
            with self.assertRaises(ge.GradcamEdgeError) as caught:
                call()
            self.assertEqual(caught.exception.code, code)
        self.assertEqual(caught.exception.status, 415)


if __name__ == "__main__":
    unittest.main()
