"""Records H3 reference results from h3-py (the H3 C library) for tests/coverage.rs.

Run from the repository root, in a throwaway virtual environment:

    python3 -m venv /tmp/h3venv && /tmp/h3venv/bin/pip install h3==4.5.0
    /tmp/h3venv/bin/python tests/data/coverage/make_fixtures.py

It rewrites tests/data/coverage/h3py_polygons.json (the polygons), h3py_cells.csv (their cells
per containment mode) and h3py_points.csv (latlng_to_cell, cell_to_latlng, cell_to_boundary). Coordinates are written
as the exact decimal strings given below, so both sides parse the same f64.
"""

import csv
import json
import pathlib
import re

import h3

HERE = pathlib.Path(__file__).resolve().parent

# Rings are (lon, lat) like GeoJSON; the exterior counter-clockwise, holes clockwise.
POLYGONS = [
    {
        "name": "shenzhen_futian_with_hole",
        "res": 9,
        "polygons": [
            [
                [(114.0312, 22.5283), (114.0807, 22.5259), (114.0925, 22.5461),
                 (114.0741, 22.5606), (114.0523, 22.5547), (114.0389, 22.5652),
                 (114.0207, 22.5480)],
                [(114.0501, 22.5402), (114.0498, 22.5489), (114.0633, 22.5471),
                 (114.0611, 22.5398)],
            ]
        ],
    },
    {
        "name": "shenzhen_futian_with_hole_r10",
        "res": 10,
        "polygons": [
            [
                [(114.0312, 22.5283), (114.0807, 22.5259), (114.0925, 22.5461),
                 (114.0741, 22.5606), (114.0523, 22.5547), (114.0389, 22.5652),
                 (114.0207, 22.5480)],
                [(114.0501, 22.5402), (114.0498, 22.5489), (114.0633, 22.5471),
                 (114.0611, 22.5398)],
            ]
        ],
    },
    {
        "name": "beijing_concave_r8",
        "res": 8,
        "polygons": [
            [
                [(116.3301, 39.8702), (116.4703, 39.8655), (116.4802, 39.9611),
                 (116.4255, 39.9302), (116.3904, 39.9755), (116.3350, 39.9520)],
            ]
        ],
    },
    {
        "name": "sao_paulo_small_r11",
        "res": 11,
        "polygons": [
            [
                [(-46.6352, -23.5489), (-46.6301, -23.5492), (-46.6298, -23.5451),
                 (-46.6337, -23.5444)],
            ]
        ],
    },
    {
        "name": "shanghai_two_parts_r9",
        "res": 9,
        "polygons": [
            [[(121.4701, 31.2255), (121.4902, 31.2249), (121.4911, 31.2402),
              (121.4722, 31.2398)]],
            [[(121.5105, 31.2300), (121.5254, 31.2311), (121.5180, 31.2455)]],
        ],
    },
]

POINTS = [
    (114.0579, 22.5431), (116.3975, 39.9087), (121.4737, 31.2304), (-46.6333, -23.5505),
    (10.7522, 59.9139), (103.8198, 1.3521), (-122.4194, 37.7749), (179.9990, -16.5),
]
POINT_RES = [7, 9, 10, 11]


def h3poly(rings):
    latlng = [[(lat, lon) for lon, lat in ring] for ring in rings]
    return h3.LatLngPoly(latlng[0], *latlng[1:])


def main():
    out = []
    rows = []
    for case in POLYGONS:
        polys = [h3poly(rings) for rings in case["polygons"]]
        shape = polys[0] if len(polys) == 1 else h3.LatLngMultiPoly(*polys)
        res = case["res"]
        cells = {}
        for mode in ("center", "full", "overlap"):
            cells[mode] = sorted(h3.h3shape_to_cells_experimental(shape, res, mode))
            rows.extend((case["name"], mode, c) for c in cells[mode])
        assert cells["center"] == sorted(h3.h3shape_to_cells(shape, res))
        out.append({
            "name": case["name"],
            "res": res,
            "polygons": [[[list(c) for c in ring] for ring in rings] for rings in case["polygons"]],
        })
    meta = {"source": f"h3-py {h3.__version__} (H3 C {h3.versions()['c']})",
            "cells": "h3py_cells.csv: h3shape_to_cells_experimental(shape, res, contain) for "
                     "contain in center/full/overlap; center equals polygon_to_cells",
            "cases": out}
    text = json.dumps(meta, indent=1)
    # One coordinate pair per line is enough.
    text = re.sub(r"\[\s+(-?[0-9.]+),\s+(-?[0-9.]+)\s+\]", r"[\1, \2]", text)
    (HERE / "h3py_polygons.json").write_text(text + "\n")
    with open(HERE / "h3py_cells.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case", "mode", "cell"])
        w.writerows(rows)

    with open(HERE / "h3py_points.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["lon", "lat", "res", "cell", "center_lat", "center_lng", "boundary"])
        for lon, lat in POINTS:
            for res in POINT_RES:
                cell = h3.latlng_to_cell(lat, lon, res)
                clat, clng = h3.cell_to_latlng(cell)
                bnd = " ".join(f"{blat!r}:{blng!r}" for blat, blng in h3.cell_to_boundary(cell))
                w.writerow([repr(lon), repr(lat), res, cell, repr(clat), repr(clng), bnd])
        # A pentagon at every resolution used, with its distortion vertices (Class III).
        for res in POINT_RES:
            cell = sorted(h3.get_pentagons(res))[0]
            clat, clng = h3.cell_to_latlng(cell)
            bnd = " ".join(f"{blat!r}:{blng!r}" for blat, blng in h3.cell_to_boundary(cell))
            w.writerow([repr(clng), repr(clat), res, cell, repr(clat), repr(clng), bnd])


if __name__ == "__main__":
    main()
