#!/usr/bin/env python3
"""Records the reference values in tests/data/crs/*.csv from independent implementations.

- epsg.csv: pyproj 3.7.2 (its wheel bundles PROJ 9.5.1), `Transformer.from_crs("EPSG:4326",
  "EPSG:<code>", always_xy=True)`, so x/y are easting/northing (lon/lat for EPSG:4490) whatever
  the registry's axis order. Each row is a WGS-84 point and its coordinates in the CRS; the
  inverse transform was checked to give the point back to 1e-9 m / 1e-12 deg.
- gcj02_bd09.csv: prcoords 1.0.2 (CC0, Artoria2e5), `wgs_gcj(..., check_china=False)` and
  `gcj_bd`; `mainland` says whether the point is inside the mainland mask, and for points
  outside it GCJ-02 is the WGS-84 point itself (prcoords would shift them: it tests the crude
  rectangle) while BD-09 is `gcj_bd` of it.

Run:
    python3 -m venv /tmp/fx-venv
    /tmp/fx-venv/bin/pip install pyproj==3.7.2 prcoords==1.0.2
    /tmp/fx-venv/bin/python tests/data/crs/make_fixtures.py tests/data/crs
"""

import csv
import os
import sys

import prcoords
import pyproj
from pyproj import Transformer

# (name, lon, lat): around Shenzhen, Guangzhou and Wuhan (all in the 3-degree zone CM 114E,
# 112.5-115.5 E), plus a few farther away for the CRSs that cover all of China.
EPSG_POINTS = [
    ("Shenzhen Futian", 114.0579, 22.5431),
    ("Shenzhen Bao'an", 113.8836, 22.5553),
    ("Shenzhen Longgang", 114.2466, 22.7209),
    ("Guangzhou Tianhe", 113.3612, 23.1247),
    ("Guangzhou Yuexiu", 113.2644, 23.1291),
    ("Dongguan", 113.7518, 23.0207),
    ("Huizhou", 114.4126, 23.0794),
    ("Wuhan Hankou", 114.2986, 30.5844),
    ("Wuhan Wuchang", 114.3162, 30.5540),
    ("Wuhan Optics Valley", 114.4100, 30.4900),
    ("Changsha (zone edge)", 112.9388, 28.2282),
    ("Hong Kong Central", 114.1588, 22.2820),
]
EPSG_FAR = [
    ("Beijing", 116.3912, 39.9067),
    ("Urumqi", 87.6168, 43.8256),
]
CODES = {3857: EPSG_POINTS + EPSG_FAR, 4490: EPSG_POINTS + EPSG_FAR, 4547: EPSG_POINTS}

# (name, lon, lat, mainland)
GCJ_POINTS = [
    ("Beijing Tian'anmen", 116.3912, 39.9067, True),
    ("Shanghai People's Square", 121.4737, 31.2304, True),
    ("Chengdu Tianfu Square", 104.0665, 30.5723, True),
    ("Shenzhen Futian", 114.0579, 22.5431, True),
    ("Shenzhen Luohu", 114.1170, 22.5420, True),
    ("Zhuhai Gongbei", 113.5466, 22.2217, True),
    ("Guangzhou Tianhe", 113.3612, 23.1247, True),
    ("Wuhan Hankou", 114.2986, 30.5844, True),
    ("Urumqi", 87.6168, 43.8256, True),
    ("Harbin", 126.5350, 45.8038, True),
    ("Sanya", 109.5120, 18.2528, True),
    ("Lhasa", 91.1322, 29.6604, True),
    ("Kashgar", 75.9897, 39.4704, True),
    ("Xi'an", 108.9402, 34.3416, True),
    ("Hong Kong Central", 114.1588, 22.2820, False),
    ("Kowloon", 114.1722, 22.3110, False),
    ("Macau peninsula", 113.5393, 22.1935, False),
    ("Taipei", 121.5654, 25.0330, False),
    ("Seoul", 126.9780, 37.5665, False),
    ("Monaco", 7.4200, 43.7300, False),
]


def epsg(out):
    with open(os.path.join(out, "epsg.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "lon", "lat", "x", "y"])
        for code, points in CODES.items():
            fwd = Transformer.from_crs("EPSG:4326", f"EPSG:{code}", always_xy=True)
            inv = Transformer.from_crs(f"EPSG:{code}", "EPSG:4326", always_xy=True)
            for name, lon, lat in points:
                x, y = fwd.transform(lon, lat)
                blon, blat = inv.transform(x, y)
                assert abs(blon - lon) < 1e-12 and abs(blat - lat) < 1e-12, (code, name)
                w.writerow([code, name, repr(lon), repr(lat), repr(x), repr(y)])


def gcj(out):
    with open(os.path.join(out, "gcj02_bd09.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "mainland", "wgs_lon", "wgs_lat", "gcj_lon", "gcj_lat", "bd_lon", "bd_lat"])
        for name, lon, lat, mainland in GCJ_POINTS:
            if mainland:
                g = prcoords.wgs_gcj((lat, lon), False)
            else:
                g = prcoords.Coords(lat, lon)
            b = prcoords.gcj_bd(g)
            w.writerow([name, int(mainland), repr(lon), repr(lat),
                        repr(g.lon), repr(g.lat), repr(b.lon), repr(b.lat)])


if __name__ == "__main__":
    print("pyproj", pyproj.__version__, "PROJ", pyproj.proj_version_str, file=sys.stderr)
    epsg(sys.argv[1])
    gcj(sys.argv[1])
