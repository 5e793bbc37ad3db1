// Reads a .pmtiles file with the reference `pmtiles` npm package, independently of partymap.
// Usage: node pmtiles_read.mjs FILE Z/X/Y...
// Prints "header MINZOOM MAXZOOM ADDRESSED ENTRIES CONTENTS CLUSTERED",
// "metadata JSON", then for each tile "Z/X/Y LENGTH HEX" (or "Z/X/Y none").
import { open } from "node:fs/promises";
import { PMTiles } from "pmtiles";

class NodeFileSource {
  constructor(handle, path) {
    this.handle = handle;
    this.path = path;
  }
  getKey() {
    return this.path;
  }
  async getBytes(offset, length) {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, offset);
    const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + bytesRead);
    return { data };
  }
}

const [file, ...tiles] = process.argv.slice(2);
const handle = await open(file, "r");
try {
  const p = new PMTiles(new NodeFileSource(handle, file));
  const h = await p.getHeader();
  console.log(
    `header ${h.minZoom} ${h.maxZoom} ${h.numAddressedTiles} ${h.numTileEntries} ` +
      `${h.numTileContents} ${h.clustered ? 1 : 0}`
  );
  console.log(`metadata ${JSON.stringify(await p.getMetadata())}`);
  for (const t of tiles) {
    const [z, x, y] = t.split("/").map(Number);
    const r = await p.getZxy(z, x, y);
    if (!r) {
      console.log(`${t} none`);
      continue;
    }
    const b = Buffer.from(r.data);
    console.log(`${t} ${b.length} ${b.toString("hex")}`);
  }
} finally {
  await handle.close();
}
