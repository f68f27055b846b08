import osmium
from osmium.osm.mutable import Node, Way, Relation
w = osmium.SimpleWriter('landuse_town.osm.pbf')
nid = [0]
def node(lon, lat, tags={}):
    nid[0] += 1
    w.add_node(Node(id=nid[0], location=(lon, lat), tags=tags, version=1))
    return nid[0]
def square(x0, y0, x1, y1):
    a = node(x0, y0); b = node(x1, y0); c = node(x1, y1); d = node(x0, y1)
    return [a, b, c, d, a]
# Coordinates in Shanghai (the default time zone's city); no real features: a made-up town.
res = square(121.470, 31.230, 121.476, 31.235)
com = square(121.477, 31.230, 121.480, 31.233)
# Building as a multipolygon relation of two open ways (ring assembly).
a = node(121.4720, 31.2320); b = node(121.4723, 31.2320); c = node(121.4723, 31.2323); d = node(121.4720, 31.2323)
node(121.478, 31.231, {'shop': 'supermarket', 'name': 'Mart'})
node(121.479, 31.232, {'shop': 'clothes'})
node(121.4785, 31.2315, {'office': 'company'})
w.add_way(Way(id=1, nodes=res, tags={'landuse': 'residential'}, version=1))
w.add_way(Way(id=2, nodes=com, tags={'landuse': 'commercial'}, version=1))
w.add_way(Way(id=3, nodes=[a, b, c], tags={}, version=1))
w.add_way(Way(id=4, nodes=[a, d, c], tags={}, version=1))
w.add_relation(Relation(id=1, members=[('w', 3, 'outer'), ('w', 4, 'outer')], tags={'type': 'multipolygon', 'building': 'apartments'}, version=1))
w.close()
