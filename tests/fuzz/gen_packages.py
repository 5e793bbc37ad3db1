#!/usr/bin/env python3
"""Writes hostile (and two valid) PMTiles and MBTiles packages into a folder: the
cases issue 19 found, for the package-reader tests (tests/tiles/test_hostile.c) and
the seed corpus of the fuzz target (tests/fuzz/fuzz_packages.c).

    gen_packages.py OUTDIR           every case
    gen_packages.py --small OUTDIR   without the megabyte gzip bomb (for the corpus)
    gen_packages.py --big OUTDIR N   one MBTiles of N random tiles (a slow merge)

Each file name says what it is; every hostile one must be refused, quickly and in
little memory, by partymap's readers.  Deterministic: the same files every time.
"""
import os
import sqlite3
import struct
import sys
import zlib

# A real 1 x 1 PNG, so that valid packages hold decodable tiles.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a52bd6a6"
    "0000000049454e44ae426082")


def varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def gz(raw):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(raw) + c.flush()


def directory(entries):
    """entries: (tile_id, run, offset, length); run 0 is a leaf directory."""
    out = bytearray(varint(len(entries)))
    last = 0
    for e in entries:
        out += varint(e[0] - last)
        last = e[0]
    for e in entries:
        out += varint(e[1])
    for e in entries:
        out += varint(e[3])
    for e in entries:
        out += varint(e[2] + 1)
    return gz(bytes(out))


META = {"name": "hostile", "format": "png", "type": "overlay",
        "bounds": "121.4,31.2,121.5,31.3", "center": "121.45,31.25,15",
        "minzoom": "0", "maxzoom": "30"}


def meta_json(minzoom, maxzoom):
    import json
    m = dict(META, minzoom=str(minzoom), maxzoom=str(maxzoom))
    return json.dumps(m, separators=(",", ":")).encode()


def pmtiles(root, meta, leaves=b"", data=PNG, minzoom=0, maxzoom=30, addressed=0,
            entries=0, contents=1, pad=0):
    """A PMTiles v3 file: header, root, metadata, leaves, data (sections in that order)."""
    root_off = 127
    meta_off = root_off + len(root)
    leaf_off = meta_off + len(meta)
    data_off = leaf_off + len(leaves)
    data = data + b"\0" * pad
    h = b"PMTiles" + bytes([3])
    h += struct.pack("<11Q", root_off, len(root), meta_off, len(meta), leaf_off, len(leaves),
                     data_off, len(data), addressed, entries, contents)
    h += bytes([1, 2, 1, 2, minzoom, maxzoom])
    e7 = lambda d: int(round(d * 1e7))
    h += struct.pack("<4i", e7(121.4), e7(31.2), e7(121.5), e7(31.3))
    h += bytes([15]) + struct.pack("<2i", e7(121.45), e7(31.25))
    assert len(h) == 127
    return h + root + meta + leaves + data


def gzip_bomb(mib):
    """A valid gzip stream of mib MiB of spaces in about mib kilobytes: one
    compressed megabyte repeated (each ends with a full flush, so the pieces join)."""
    z = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    c.compress(z)
    c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(z) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(z, crc)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03" + piece * mib + end +
            struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF))


def write(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def pmtiles_cases(outdir, small):
    meta = gz(meta_json(0, 30))
    # a valid archive: 3 tiles at z1, the last two a run of one content
    write(outdir, "valid.pmtiles", pmtiles(directory([(1, 1, 0, len(PNG)), (3, 2, 0, len(PNG))]),
                                           gz(meta_json(1, 1)), minzoom=1, maxzoom=1,
                                           addressed=3, entries=2))
    # 10 KB holding one run of 2^32 - 1 tiles (it grew to 12.9 GB), the header saying
    # so, or not
    run = directory([(0, 2**32 - 1, 0, len(PNG))])
    write(outdir, "run_4294967295_stated.pmtiles", pmtiles(run, meta, addressed=2**32 - 1, pad=9000))
    write(outdir, "run_4294967295.pmtiles", pmtiles(run, meta, pad=9000))
    # the same run in an archive of zooms 0-10 (1,398,101 tiles in all)
    write(outdir, "run_beyond_its_zooms.pmtiles", pmtiles(run, gz(meta_json(0, 10)), maxzoom=10, pad=9000))
    # 10 KB of leaf directories, each of 1000 entries pointing at the next, the last
    # one holding 1000 tiles: 1000^4 tiles to visit (it hung)
    tiles = directory([(i, 1, 0, len(PNG)) for i in range(1000)])
    leaf_c = tiles
    leaf_b = directory([(i, 0, 0, len(leaf_c)) for i in range(1000)])
    leaf_a = directory([(i, 0, len(leaf_c), len(leaf_b)) for i in range(1000)])
    leaves = leaf_c + leaf_b + leaf_a
    root = directory([(i, 0, len(leaf_c) + len(leaf_b), len(leaf_a)) for i in range(1000)])
    write(outdir, "leaf_tree_1000_pow_4.pmtiles", pmtiles(root, meta, leaves=leaves, pad=7700))
    # a directory of 64 MiB of zeros, gzipped into 64 KB
    write(outdir, "directory_bomb.pmtiles", pmtiles(gz(b"\0" * (64 << 20)), meta))
    # metadata: 1 MB of gzip expanding to 1000 MiB (it reached 3.2 GB)
    if not small:
        write(outdir, "metadata_bomb_1000MiB.pmtiles", pmtiles(directory([(0, 1, 0, len(PNG))]),
                                                               gzip_bomb(1000)))
    write(outdir, "metadata_bomb_64MiB.pmtiles", pmtiles(directory([(0, 1, 0, len(PNG))]), gzip_bomb(64)))


MB_META = [("name", "hostile"), ("format", "png"), ("bounds", "121.4,31.2,121.5,31.3"),
           ("center", "121.45,31.25,15"), ("minzoom", "0"), ("maxzoom", "1")]


def mbtiles(outdir, name, schema, rows=(), metadata_sql=None):
    path = os.path.join(outdir, name)
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    if metadata_sql:
        db.executescript(metadata_sql)
    else:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", MB_META)
    db.executescript(schema)
    for sql, args in rows:
        db.execute(sql, args)
    db.commit()
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()


def mbtiles_cases(outdir):
    tiles = "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);"
    mbtiles(outdir, "valid.mbtiles", tiles,
            [("INSERT INTO tiles VALUES (0, 0, 0, ?)", (PNG,)), ("INSERT INTO tiles VALUES (1, 1, 0, ?)", (PNG,))])
    # the normalised schema: tiles is a view over map and images (read from the tables)
    mbtiles(outdir, "valid_map_images.mbtiles",
            "CREATE TABLE map (zoom_level integer, tile_column integer, tile_row integer, tile_id text);"
            "CREATE TABLE images (tile_data blob, tile_id text);"
            "CREATE VIEW tiles AS SELECT map.zoom_level AS zoom_level, map.tile_column AS tile_column,"
            " map.tile_row AS tile_row, images.tile_data AS tile_data FROM map JOIN images"
            " ON images.tile_id = map.tile_id;",
            [("INSERT INTO map VALUES (1, 0, 1, 'a')", ()), ("INSERT INTO map VALUES (1, 1, 1, 'a')", ()),
             ("INSERT INTO images VALUES (?, 'a')", (PNG,))])
    # a recursive view without end (it ended "out of memory")
    mbtiles(outdir, "recursive_view.mbtiles",
            "CREATE VIEW tiles AS WITH RECURSIVE r(zoom_level, tile_column, tile_row, tile_data) AS"
            " (SELECT 0, 0, 0, x'89504e47' UNION ALL SELECT zoom_level, tile_column, tile_row,"
            " tile_data || tile_data FROM r) SELECT * FROM r;")
    mbtiles(outdir, "recursive_metadata_view.mbtiles", tiles,
            metadata_sql="CREATE VIEW metadata AS WITH RECURSIVE r(name, value) AS (SELECT 'name', 'x'"
                         " UNION ALL SELECT name, value || value FROM r) SELECT * FROM r;")
    # a plain view
    mbtiles(outdir, "tiles_view.mbtiles",
            "CREATE TABLE t (z integer, x integer, y integer, d blob);"
            "CREATE VIEW tiles AS SELECT z AS zoom_level, x AS tile_column, y AS tile_row, d AS tile_data FROM t;",
            [("INSERT INTO t VALUES (0, 0, 0, ?)", (PNG,))])
    # text-typed columns: a tile 0/0/0 holding "hello" (it was accepted)
    mbtiles(outdir, "text_columns.mbtiles",
            "CREATE TABLE tiles (zoom_level text, tile_column text, tile_row text, tile_data text);",
            [("INSERT INTO tiles VALUES ('0', '0', '0', 'hello')", ())])
    # the declared types right, the values text
    mbtiles(outdir, "text_values.mbtiles", tiles, [("INSERT INTO tiles VALUES (0, 0, 0, 'hello')", ())])
    mbtiles(outdir, "text_coordinates.mbtiles", tiles, [("INSERT INTO tiles VALUES ('zero', 0, 0, ?)", (PNG,))])
    # a generated column making a gigabyte for every row read
    mbtiles(outdir, "generated_column.mbtiles",
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,"
            " seed integer, tile_data blob GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL);",
            [("INSERT INTO tiles (zoom_level, tile_column, tile_row, seed) VALUES (0, 0, 0, 1)", ())])


def big_mbtiles(outdir, n):
    """n tiles of 64 random bytes at zoom 20 (a merge that takes seconds)."""
    mbtiles(outdir, "big.mbtiles",
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);"
            "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < %d)"
            " INSERT INTO tiles SELECT 20, i %% 1048576, i / 1048576, randomblob(64) FROM c;" % (n - 1))


def main(argv):
    if len(argv) >= 3 and argv[1] == "--big":
        os.makedirs(argv[2], exist_ok=True)
        big_mbtiles(argv[2], int(argv[3]) if len(argv) > 3 else 1000000)
        return 0
    small = len(argv) > 1 and argv[1] == "--small"
    outdir = argv[2] if small else argv[1] if len(argv) > 1 else None
    if not outdir:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(outdir, exist_ok=True)
    pmtiles_cases(outdir, small)
    mbtiles_cases(outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
