import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { TesseraError } from '../../core/index.js';

/**
 * The zip archives of MinIO's export-iam / import-iam (what Go's archive/zip writes and reads):
 * a small writer (deflate, UTF-8 names) and a bounded reader (stored or deflated entries, no
 * ZIP64, no encryption). A malformed archive is InvalidRequest, as MinIO answers one.
 */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/** Reading bounds: entries, each entry's inflated size, and the inflated total. */
export const ZIP_LIMITS = { entries: 64, entryBytes: 16 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 };

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const UTF8 = 0x0800;

/** DOS time and date of `d` (local fields as Go's archive/zip writes them, in UTC here). */
function dos(d: Date): { time: number; date: number } {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** A zip of `entries`, each deflated. */
export function writeZip(entries: readonly ZipEntry[], now = new Date()): Buffer {
  const { time, date } = dos(now);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const head = Buffer.alloc(46);
    head.writeUInt32LE(CENTRAL, 0);
    head.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
    head.writeUInt16LE(20, 6);
    head.writeUInt16LE(UTF8, 8);
    head.writeUInt16LE(8, 10);
    head.writeUInt16LE(time, 12);
    head.writeUInt16LE(date, 14);
    head.writeUInt32LE(crc, 16);
    head.writeUInt32LE(packed.length, 20);
    head.writeUInt32LE(e.data.length, 24);
    head.writeUInt16LE(name.length, 28);
    head.writeUInt32LE((0o100600 << 16) >>> 0, 38); // a regular file, mode 0600 (as MinIO's)
    head.writeUInt32LE(offset, 42);
    parts.push(local, name, packed);
    central.push(head, name);
    offset += local.length + name.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

function bad(reason: string): TesseraError {
  return new TesseraError('InvalidRequest', `The archive is not a valid zip: ${reason}.`);
}

/** The entries of a zip (directories skipped); InvalidRequest when malformed or over ZIP_LIMITS. */
export function readZip(zip: Buffer, limits = ZIP_LIMITS): ZipEntry[] {
  // The end record is in the last 22 + 65,535 bytes (its comment is at most that long).
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === END) {
      end = i;
      break;
    }
  if (end < 0) throw bad('no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  const dirSize = zip.readUInt32LE(end + 12);
  const dirStart = zip.readUInt32LE(end + 16);
  if (count === 0xffff || dirStart === 0xffffffff) throw bad('ZIP64 is not supported');
  if (count > limits.entries) throw bad(`more than ${limits.entries} entries`);
  if (dirStart + dirSize > end) throw bad('the central directory is out of bounds');
  const out: ZipEntry[] = [];
  let total = 0;
  let p = dirStart;
  for (let n = 0; n < count; n++) {
    if (p + 46 > end || zip.readUInt32LE(p) !== CENTRAL) throw bad('a central directory entry is damaged');
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const packedSize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localAt = zip.readUInt32LE(p + 42);
    if (p + 46 + nameLength > end) throw bad('a name is out of bounds');
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x0001) throw bad(`${name.slice(0, 100)} is encrypted`);
    if (name.endsWith('/')) continue;
    if (size > limits.entryBytes || (total += size) > limits.totalBytes) throw bad('it inflates too large');
    if (localAt + 30 > dirStart || zip.readUInt32LE(localAt) !== LOCAL)
      throw bad('a local header is damaged');
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    if (dataAt + packedSize > dirStart) throw bad('an entry is out of bounds');
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(packed);
    else if (method === 8) {
      try {
        data = inflateRawSync(packed, { maxOutputLength: Math.max(1, size) });
      } catch {
        throw bad(`${name.slice(0, 100)} does not inflate`);
      }
    } else throw bad(`compression method ${method} is not supported`);
    if (data.length !== size || crc32(data) !== crc) throw bad(`${name.slice(0, 100)} fails its checksum`);
    out.push({ name, data });
  }
  return out;
}
