"""Build the world land files (``land-50m.json``, ``land-110m.json``) from the Natural Earth land polygons
shipped in npm ``world-atlas``.

This is a one-off preprocessing script; its output is committed and shipped as package data, so it
is *not* run during a site build.  To regenerate::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python generator/data/build_coastline.py /tmp/package/land-50m.json
    python generator/data/build_coastline.py /tmp/package/land-110m.json

The script decodes the TopoJSON (quantised, delta-encoded arcs), assembles every polygon ring in
longitude/latitude, cuts rings that cross the antimeridian (Chukotka, Fiji, Antarctica) into pieces on
either side of it, clips each ring to the window (the whole world unless ``--bbox`` says otherwise) with
the Sutherland–Hodgman algorithm, rounds coordinates to two decimals, drops consecutive duplicates and
slivers, and writes a compact JSON document::

    {"source": ..., "licence": ..., "bbox": [w, s, e, n], "polygons": [[[lon, lat, lon, lat, ...], ...]]}

Each polygon is a list of rings (flat ``lon, lat`` pairs); the first ring is the outer boundary and any
further rings are holes, so render with ``fill-rule: evenodd``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

BBOX: tuple[float, float, float, float] = (-180.0, -90.0, 180.0, 90.0)
"""Default clip window: west, south, east, north in degrees (the whole world)."""

DECIMALS = 2
MIN_RING_AREA = 0.0004
"""Rings smaller than this (in square degrees, about 2 km × 2 km) are dropped as invisible specks."""

Point = tuple[float, float]


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Return every TopoJSON arc as absolute lon/lat points (undoing quantisation and delta coding)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        points: list[Point] = []
        if transform:
            sx, sy = transform["scale"]
            tx, ty = transform["translate"]
            x = y = 0
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring_points(ring_arcs: Iterable[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    """Stitch arc indices (``~i`` means arc *i* reversed) into one closed ring."""
    points: list[Point] = []
    for index in ring_arcs:
        arc = list(arcs[~index])[::-1] if index < 0 else list(arcs[index])
        if points:
            arc = arc[1:]
        points.extend(arc)
    return points


def iter_polygons(topology: dict, arcs: Sequence[Sequence[Point]]) -> Iterable[list[list[Point]]]:
    """Yield polygons (lists of rings) from every Polygon/MultiPolygon geometry in the topology."""

    def walk(geometry: dict) -> Iterable[list[list[Point]]]:
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            for child in geometry.get("geometries", []):
                yield from walk(child)
        elif kind == "Polygon":
            yield [ring_points(r, arcs) for r in geometry["arcs"]]
        elif kind == "MultiPolygon":
            for polygon in geometry["arcs"]:
                yield [ring_points(r, arcs) for r in polygon]

    for obj in topology["objects"].values():
        yield from walk(obj)


def unwrap(ring: Sequence[Point]) -> list[Point]:
    """The ring with longitudes made continuous: a step of more than 180° is a crossing of the antimeridian,
    so the points after it are shifted by 360° (a ring around Chukotka then runs from 170° to 190°)."""
    out: list[Point] = []
    shift = 0.0
    for index, (x, y) in enumerate(ring):
        if index:
            step = x + shift - out[-1][0]
            if step > 180.0:
                shift -= 360.0
            elif step < -180.0:
                shift += 360.0
        out.append((x + shift, y))
    return out


def pieces(ring: Sequence[Point], bbox: tuple[float, float, float, float]) -> list[list[Point]]:
    """The parts of a ring inside ``bbox``, the ring unwrapped and taken at -360°, 0° and +360°."""
    unwrapped = unwrap(ring)
    out = []
    for offset in (-360.0, 0.0, 360.0):
        shifted = [(x + offset, y) for x, y in unwrapped]
        if max(p[0] for p in shifted) < bbox[0] or min(p[0] for p in shifted) > bbox[2]:
            continue
        clipped = clip_ring(shifted, bbox)
        if clipped:
            out.append(clipped)
    return out


def clip_ring(ring: Sequence[Point], bbox: tuple[float, float, float, float]) -> list[Point]:
    """Clip a closed ring to an axis-aligned rectangle (Sutherland–Hodgman)."""
    west, south, east, north = bbox
    pts = list(ring)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts = pts[:-1]

    def clip(points: list[Point], inside, intersect) -> list[Point]:
        out: list[Point] = []
        if not points:
            return out
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(intersect(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(intersect(prev, cur))
            prev = cur
        return out

    def at_x(x: float):
        def f(a: Point, b: Point) -> Point:
            t = (x - a[0]) / (b[0] - a[0])
            return (x, a[1] + t * (b[1] - a[1]))

        return f

    def at_y(y: float):
        def f(a: Point, b: Point) -> Point:
            t = (y - a[1]) / (b[1] - a[1])
            return (a[0] + t * (b[0] - a[0]), y)

        return f

    pts = clip(pts, lambda p: p[0] >= west, at_x(west))
    pts = clip(pts, lambda p: p[0] <= east, at_x(east))
    pts = clip(pts, lambda p: p[1] >= south, at_y(south))
    pts = clip(pts, lambda p: p[1] <= north, at_y(north))
    return pts


def ring_area(ring: Sequence[Point]) -> float:
    """Absolute planar (shoelace) area of a ring in square degrees."""
    total = 0.0
    for i, (x1, y1) in enumerate(ring):
        x2, y2 = ring[(i + 1) % len(ring)]
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0


def tidy_ring(ring: Sequence[Point]) -> list[Point]:
    """Round to ``DECIMALS`` and remove consecutive duplicates and collinear clip-edge points."""
    out: list[Point] = []
    for x, y in ring:
        p = (round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0)
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    # Drop middle points of straight runs along the same vertical/horizontal line (clip edges).
    changed = True
    while changed and len(out) > 3:
        changed = False
        kept: list[Point] = []
        n = len(out)
        for i, p in enumerate(out):
            a = out[i - 1]
            b = out[(i + 1) % n]
            if (a[0] == p[0] == b[0]) or (a[1] == p[1] == b[1]):
                changed = True
                continue
            kept.append(p)
        if len(kept) < 3:
            break
        out = kept
    return out


def build(
    topology: dict, bbox: tuple[float, float, float, float] = BBOX, source: str = "land-50m.json"
) -> dict:
    """Return the compact land document for ``topology`` inside ``bbox``.

    A polygon cut by the antimeridian becomes one polygon per side; its holes (lakes) go with the outer
    ring they fall on the same side as, which at these scales is all of them."""
    arcs = decode_arcs(topology)
    polygons: list[list[list[float]]] = []
    for polygon in iter_polygons(topology, arcs):
        if not polygon or not polygon[0]:
            continue
        outers = [tidy_ring(p) for p in pieces(polygon[0], bbox)]
        outers = [r for r in outers if len(r) >= 3 and ring_area(r) >= MIN_RING_AREA]
        for outer in outers:
            west, east = min(p[0] for p in outer), max(p[0] for p in outer)
            rings_out = [[c for p in outer for c in p]]
            for hole in polygon[1:]:
                for piece in pieces(hole, bbox):
                    cut = tidy_ring(piece)
                    if len(cut) < 3 or ring_area(cut) < MIN_RING_AREA:
                        continue
                    if west <= min(p[0] for p in cut) and max(p[0] for p in cut) <= east:
                        rings_out.append([c for p in cut for c in p])
            polygons.append(rings_out)
    # Deterministic order: largest polygons first (draw order does not matter for a single fill).
    polygons.sort(key=lambda poly: (-len(poly[0]), poly[0][:2]))
    return {
        "source": f"Natural Earth land, via npm world-atlas 2.0.2 ({source})",
        "licence": "Natural Earth: public domain. world-atlas: ISC. See NATURAL_EARTH.md.",
        "bbox": list(bbox),
        "precision": DECIMALS,
        "polygons": polygons,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="path to world-atlas land-50m.json or land-110m.json")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output file (default: the input's file name, beside this script)",
    )
    parser.add_argument(
        "--bbox",
        type=float,
        nargs=4,
        metavar=("WEST", "SOUTH", "EAST", "NORTH"),
        default=BBOX,
        help="clip window in degrees (default: the whole world)",
    )
    args = parser.parse_args(argv)
    output = args.output or Path(__file__).with_name(args.topojson.name)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    document = build(topology, tuple(args.bbox), args.topojson.name)
    args.output = output
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for poly in document["polygons"] for r in poly)
    print(
        f"wrote {args.output} ({len(text.encode())} bytes, "
        f"{len(document['polygons'])} polygons, {points} points)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
