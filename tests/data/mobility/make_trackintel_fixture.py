"""Records trackintel's sliding staypoints for the Rust differential test (see README.md).

Run:  python3 make_trackintel_fixture.py > trackintel_staypoints.json
Needs trackintel (tested with 1.4.2), geopandas, numpy, pandas.
"""

import json
import math
import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import trackintel as ti
from trackintel.preprocessing.positionfixes import generate_staypoints

DIST_M = 100.0
TIME_MIN = 10.0
GAP_MIN = 60.0
R = 6371000.0
T0 = 1_780_000_000  # 2026-05-28T20:26:40Z


def offset(lon, lat, east_m, north_m):
    """Moves a point by metres (small-offset approximation; exactness is irrelevant here)."""
    lat2 = lat + math.degrees(north_m / R)
    lon2 = lon + math.degrees(east_m / (R * math.cos(math.radians(lat))))
    lon2 = (lon2 + 180.0) % 360.0 - 180.0
    return lon2, lat2


def hand_tracks():
    lon, lat = 121.4737, 31.2304  # Shanghai
    t = {}
    # 15 min still (a ping a minute), then walking away at 1.5 m/s.
    pts = [(T0 + 60 * i, lon, lat) for i in range(16)]
    pts += [(T0 + 15 * 60 + 60 * i, *offset(lon, lat, 90.0 * i, 0.0)) for i in range(1, 6)]
    t["stay_15min_then_move"] = pts
    # Stay A 20 min, walk 800 m in 10 min, stay B 30 min, walk on.
    pts = [(T0 + 120 * i, *offset(lon, lat, 3.0 * (i % 3), 0.0)) for i in range(11)]
    for i in range(1, 11):
        pts.append((T0 + 1200 + 60 * i, *offset(lon, lat, 80.0 * i, 0.0)))
    bx = 800.0
    for i in range(1, 16):
        pts.append((T0 + 1800 + 120 * i, *offset(lon, lat, bx + 5.0 * (i % 2), 4.0)))
    for i in range(1, 4):
        pts.append((T0 + 3600 + 60 * i, *offset(lon, lat, bx + 150.0 * i, 0.0)))
    t["two_stays_with_walk"] = pts
    # Exactly 10:00 from the first ping to the first ping outside: a stay (>=).
    pts = [(T0 + 60 * i, lon, lat) for i in range(10)]
    pts.append((T0 + 600, *offset(lon, lat, 300.0, 0.0)))
    t["exactly_10_minutes"] = pts
    # 9:59: no stay.
    pts = [(T0 + 60 * i, lon, lat) for i in range(10)]
    pts.append((T0 + 599, *offset(lon, lat, 300.0, 0.0)))
    t["just_under_10_minutes"] = pts
    # Stationary 30 min, a 61-min gap, stationary 30 min, then away.
    pts = [(T0 + 300 * i, lon, lat) for i in range(7)]
    t1 = T0 + 1800 + 61 * 60
    pts += [(t1 + 300 * i, *offset(lon, lat, 2.0, 1.0)) for i in range(7)]
    pts.append((t1 + 1800 + 60, *offset(lon, lat, 500.0, 0.0)))
    t["gap_61_minutes"] = pts
    # Exactly 60 min between pings is not a gap (>).
    pts = [(T0, lon, lat), (T0 + 3600, lon, lat), (T0 + 3660, *offset(lon, lat, 400.0, 0.0))]
    t["gap_exactly_60_minutes"] = pts
    # 60 m jitter around a centre for 40 min, then away.
    rng = np.random.default_rng(7)
    pts = []
    for i in range(41):
        a = rng.uniform(0, 2 * math.pi)
        pts.append((T0 + 60 * i, *offset(lon, lat, 60.0 * math.cos(a), 60.0 * math.sin(a))))
    pts.append((T0 + 41 * 60, *offset(lon, lat, 1000.0, 0.0)))
    t["jitter_60m"] = pts
    # 30 min drive at 15 m/s, a ping every 30 s: no stay.
    t["fast_drive"] = [(T0 + 30 * i, *offset(lon, lat, 450.0 * i, 0.0)) for i in range(61)]
    t["single_ping"] = [(T0, lon, lat)]
    # Equal timestamps at different places (duplicates of a whole row would be dropped by trackintel).
    pts = []
    for i in range(12):
        pts.append((T0 + 120 * (i // 2), *offset(lon, lat, 1.0 * (i % 2), 0.0)))
    pts.append((T0 + 720, *offset(lon, lat, 200.0, 0.0)))
    pts.append((T0 + 720, *offset(lon, lat, 210.0, 0.0)))
    t["equal_timestamps"] = pts
    # Still until the end of the data: only include_last emits it.
    t["still_to_the_end"] = [(T0 + 120 * i, lon, lat) for i in range(20)]
    # Across the antimeridian, near 60 N.
    pts = [(T0 + 60 * i, *offset(179.9996, 60.0, 20.0 * (i % 4), 0.0)) for i in range(15)]
    pts.append((T0 + 900, *offset(179.9996, 60.0, -500.0, 0.0)))
    t["antimeridian"] = pts
    return t


def random_walk(seed, lon, lat, hours=36):
    """Pauses with jitter, walks and drives, and signal gaps; ping intervals 20 s to 9 min."""
    rng = np.random.default_rng(seed)
    t = T0 + int(rng.integers(0, 86400))
    end = t + hours * 3600
    pts = []
    x = y = 0.0
    while t < end:
        kind = rng.choice(["pause", "walk", "drive", "gap"], p=[0.45, 0.3, 0.15, 0.1])
        if kind == "gap":
            t += int(rng.integers(30 * 60, 150 * 60))
            continue
        dur = int(rng.integers(3 * 60, 70 * 60))
        speed = {"pause": 0.0, "walk": 1.4, "drive": 12.0}[kind]
        jitter = float(rng.uniform(5, 70))
        heading = rng.uniform(0, 2 * math.pi)
        stop = t + dur
        while t < stop:
            dt = int(rng.integers(20, 9 * 60))
            t += dt
            x += speed * dt * math.cos(heading)
            y += speed * dt * math.sin(heading)
            a = rng.uniform(0, 2 * math.pi)
            r = jitter * math.sqrt(rng.uniform())
            pts.append((t, *offset(lon, lat, x + r * math.cos(a), y + r * math.sin(a))))
    return pts


def run(pts_by_user, include_last):
    rows = []
    for user, pts in pts_by_user:
        for k, (ts, lo, la) in pts:
            rows.append((user, k, ts, lo, la))
    if not rows:
        return []
    df = pd.DataFrame(rows, columns=["user_id", "k", "ts", "lon", "lat"])
    df["tracked_at"] = pd.to_datetime(df["ts"], unit="s", utc=True)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")
    gdf = gdf.set_index("k")
    gdf.index.name = "id"
    pfs = ti.Positionfixes(gdf[["user_id", "tracked_at", "geometry"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pfs2, sp = generate_staypoints(
            pfs,
            method="sliding",
            distance_metric="haversine",
            dist_threshold=DIST_M,
            time_threshold=TIME_MIN,
            gap_threshold=GAP_MIN,
            include_last=include_last,
            exclude_duplicate_pfs=True,
        )
    out = []
    for sid, row in sp.iterrows():
        members = pfs2.index[pfs2["staypoint_id"] == sid].to_list()
        out.append(
            [
                int(row["started_at"].timestamp()),
                int(row["finished_at"].timestamp()),
                float(row.geometry.x),
                float(row.geometry.y),
                len(members),
                int(min(members)),
            ]
        )
    out.sort(key=lambda s: s[5])
    return out


def segments(pts):
    """Splits at gaps over GAP_MIN into runs of (global index, point)."""
    segs, cur = [], []
    for k, p in enumerate(pts):
        if cur and p[0] - cur[-1][1][0] > GAP_MIN * 60:
            segs.append(cur)
            cur = []
        cur.append((k, p))
    if cur:
        segs.append(cur)
    return segs


def expected(pts):
    whole = [(0, list(enumerate(pts)))]
    segs = segments(pts)
    first = [(i, s) for i, s in enumerate(segs[:-1])]
    last = [(len(segs) - 1, segs[-1])] if segs else []
    split_last = sorted(run(first + last, True), key=lambda s: s[5])
    split = sorted(run(first, True) + run(last, False), key=lambda s: s[5])
    return {
        "discard": run(whole, False),
        "discard_last": run(whole, True),
        "split": split,
        "split_last": split_last,
    }


def main():
    tracks = hand_tracks()
    for seed, (lon, lat) in enumerate(
        [(121.47, 31.23), (116.40, 39.90), (113.26, 23.13), (7.42, 43.73), (-74.0, 40.7), (18.07, 59.33)]
    ):
        tracks[f"random_walk_{seed}"] = random_walk(100 + seed, lon, lat)
    out = {
        "trackintel_version": ti.__version__,
        "params": {"dist_threshold_m": DIST_M, "time_threshold_min": TIME_MIN, "gap_threshold_min": GAP_MIN},
        "tracks": [],
    }
    for name, pts in tracks.items():
        pts = [(int(ts), round(lo, 9), round(la, 9)) for ts, lo, la in pts]
        out["tracks"].append({"name": name, "points": [list(p) for p in pts], "expected": expected(pts)})
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
