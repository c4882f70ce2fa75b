"""Build ``land-east-asia.json`` from the Natural Earth land polygons shipped in npm ``world-atlas``.

This is a one-off preprocessing script; its output is committed and shipped as package data, so it
is *not* run during a site build.  To regenerate::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python generator/data/build_coastline.py /tmp/package/land-50m.json

The script decodes the TopoJSON (quantised, delta-encoded arcs), assembles every polygon ring in
longitude/latitude, clips each ring to the East Asia window (lon 90–170 E, lat 0–60 N) with the
Sutherland–Hodgman algorithm, rounds coordinates to two decimals, drops consecutive duplicates and
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

BBOX: tuple[float, float, float, float] = (90.0, 0.0, 170.0, 60.0)
"""Clip window: west, south, east, north in degrees."""

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


def build(topology: dict, bbox: tuple[float, float, float, float] = BBOX) -> dict:
    """Return the compact East Asia land document for ``topology``."""
    arcs = decode_arcs(topology)
    west, south, east, north = bbox
    polygons: list[list[list[float]]] = []
    for polygon in iter_polygons(topology, arcs):
        rings_out: list[list[float]] = []
        for index, ring in enumerate(polygon):
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if not ring or max(xs) < west or min(xs) > east or max(ys) < south or min(ys) > north:
                if index == 0:
                    break
                continue
            clipped = tidy_ring(clip_ring(ring, bbox))
            if len(clipped) < 3 or ring_area(clipped) < MIN_RING_AREA:
                if index == 0:
                    break
                continue
            rings_out.append([c for p in clipped for c in p])
        if rings_out:
            polygons.append(rings_out)
    # Deterministic order: largest polygons first (draw order does not matter for a single fill).
    polygons.sort(key=lambda poly: (-len(poly[0]), poly[0][:2]))
    return {
        "source": "Natural Earth 1:50m land, via npm world-atlas 2.0.2 (land-50m.json)",
        "licence": "Natural Earth: public domain. world-atlas: ISC. See NATURAL_EARTH.md.",
        "bbox": list(bbox),
        "precision": DECIMALS,
        "polygons": polygons,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="path to world-atlas land-50m.json")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).with_name("land-east-asia.json"),
        help="output file (default: land-east-asia.json beside this script)",
    )
    args = parser.parse_args(argv)
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    document = build(topology)
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
