"""The drawing the live view reports: checked before use, and stored as the other pages' canvas stores it."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from nnviz.live.strokes import MAX_STROKES, from_fabric, read_report, to_fabric
from nnviz.session.state.input import strokes


def png_url(side: int = 280) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((side, side, 4), np.uint8), mode="RGBA").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def test_a_well_formed_report_is_read() -> None:
    report = read_report({"strokes": [[10, 20, 30.5, 40]], "image": png_url(), "n": 3})
    assert report is not None and report.strokes == ((10.0, 20.0, 30.5, 40.0),)
    assert report.rgba().shape == (280, 280, 4)


def test_anything_else_is_no_report() -> None:
    good = {"strokes": [[10, 20, 30, 40]], "image": png_url()}
    for bad in (
        None,
        "a drawing",
        {**good, "strokes": "nonsense"},
        {**good, "strokes": [[10, 20, 30]]},  # an odd number of coordinates
        {**good, "strokes": [[10, "20"]]},
        {**good, "strokes": [[10, float("nan")]]},
        {**good, "strokes": [[10, True]]},
        {**good, "strokes": [[1, 2]] * (MAX_STROKES + 1)},
        {**good, "image": 3},
        {**good, "image": "data:image/jpeg;base64,AAAA"},
        {**good, "image": "data:image/png;base64,not base64!"},
        {**good, "image": "data:image/png;base64," + base64.b64encode(b"GIF89a").decode()},
    ):
        assert read_report(bad) is None, bad


def test_a_picture_of_another_size_counts_as_blank() -> None:
    report = read_report({"strokes": [[1, 2]], "image": png_url(side=5000)})
    assert report is not None and report.rgba() is None


def test_points_far_outside_the_canvas_are_held_near_it() -> None:
    report = read_report({"strokes": [[-1e9, 1e9]], "image": png_url()})
    assert report.strokes == ((-280.0, 560.0),)


def test_strokes_go_to_fabric_paths_and_back() -> None:
    drawn = ((10.0, 20.0, 30.0, 40.0, 50.0, 45.0), (100.0, 100.0))
    fabric = to_fabric(drawn)
    assert len(strokes(fabric)) == 2
    first = strokes(fabric)[0]
    assert first["path"][0] == ["M", 10.0, 20.0] and first["strokeWidth"] == 20
    assert (first["left"], first["top"], first["width"], first["height"]) == (0.0, 10.0, 40.0, 25.0)
    assert from_fabric(fabric) == [list(drawn[0]), [100.0, 100.0, 100.0, 100.0]]  # a tap is a zero-length line
    assert to_fabric(()) is None


def test_the_canvas_curves_become_points_in_order() -> None:
    drawing = {"objects": [{"type": "path", "path": [["M", 1, 2], ["Q", 3, 4, 5, 6], ["L", 7, 8], ["z"]]}]}
    assert from_fabric(drawing) == [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]
    for nothing in (None, {}, {"objects": "x"}, {"objects": [{"type": "rect"}]}, {"objects": [3]}):
        assert from_fabric(nothing) == []


def test_the_other_pages_canvas_recognises_the_live_views_drawing_by_its_paths() -> None:
    from dataclasses import replace

    from nnviz.session.state import input as inputs

    stored = to_fabric(((10.0, 20.0, 30.0, 40.0),))
    mounted = inputs.mount_canvas(replace(inputs.InputState(), drawing=stored))
    # The canvas hands the same paths back with its own defaults added to every object.
    echoed = {
        "objects": [{**item, "scaleX": 1, "angle": 0, "pathOffset": {"x": 20, "y": 30}} for item in stored["objects"]]
    }
    assert inputs.canvas_report(mounted, echoed).generation == mounted.generation + 1, "its trash empties it"
    moved = {"objects": [{**stored["objects"][0], "path": [["M", 1, 2], ["L", 3, 4]]}]}
    assert inputs.canvas_report(mounted, moved).stroked, "a different path is a new stroke"
