/**
 * Packs a folder the browser was given (dropped or picked) into a `.tar.gz` the manager builds from:
 * the folder's contents at the archive's root, as `tar -C folder -czf source.tar.gz .` makes it.
 * POSIX ustar headers; a path longer than ustar holds gets a PAX header, which the manager's tar
 * reader (commons-compress) understands. Gzip is the browser's own CompressionStream.
 */

export interface FolderFile {
  /** The path inside the folder, with `/` between segments, e.g. `app/main.py`. */
  path: string;
  file: Blob;
  /** Modification time in milliseconds since the epoch. */
  lastModified?: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mtime: number, type: '0' | 'x', prefix = ''): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (text: string, offset: number, length: number) => {
    block.set(encoder.encode(text).subarray(0, length), offset);
  };
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum: spaces while summing
  put(type, 156, 1);
  put('ustar\u000000', 257, 8);
  put(prefix, 345, 155);
  let sum = 0;
  for (const byte of block) {
    sum += byte;
  }
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

/** Splits a path into ustar's prefix and name fields, or null when it does not fit them. */
function ustarName(path: string): { name: string; prefix: string } | null {
  const bytes = encoder.encode(path).length;
  if (bytes <= 100) {
    return { name: path, prefix: '' };
  }
  for (let cut = path.indexOf('/'); cut !== -1; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) {
      return { name, prefix };
    }
  }
  return null;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  // a record starts with its own length in bytes, which counts its own digits
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) {
    length = String(length).length + bodyLength;
  }
  return `${length}${body}`;
}

function padding(size: number): Uint8Array {
  const rest = size % BLOCK;
  return new Uint8Array(rest === 0 ? 0 : BLOCK - rest);
}

/** The files as an uncompressed tar. */
export async function packTar(files: FolderFile[]): Promise<Blob> {
  const parts: BlobPart[] = [];
  for (const { path, file, lastModified = Date.now() } of files) {
    const clean = path.replace(/^\/+/, '');
    const fits = ustarName(clean);
    if (!fits) {
      const pax = encoder.encode(paxRecord('path', clean));
      parts.push(
        header('PaxHeader', pax.length, lastModified, 'x') as BlobPart,
        pax as BlobPart,
        padding(pax.length) as BlobPart,
      );
    }
    const fields = fits ?? { name: clean.slice(-100), prefix: '' };
    parts.push(
      header(fields.name, file.size, lastModified, '0', fields.prefix) as BlobPart,
      file,
      padding(file.size) as BlobPart,
    );
  }
  parts.push(new Uint8Array(BLOCK * 2) as BlobPart);
  return new Blob(parts, { type: 'application/x-tar' });
}

/** The files as a `.tar.gz`. */
export async function packTarGz(files: FolderFile[]): Promise<Blob> {
  const tar = new Uint8Array(await (await packTar(files)).arrayBuffer());
  const stream = new Response(tar).body!.pipeThrough(new CompressionStream('gzip'));
  return new Blob([await new Response(stream).arrayBuffer()], { type: 'application/gzip' });
}

/** The files of an `<input type="file" webkitdirectory>`, with the picked folder's own name cut off. */
export function filesOfPickedFolder(list: FileList): FolderFile[] {
  return Array.from(list).map((file) => ({
    path: (file.webkitRelativePath || file.name).split('/').slice(1).join('/') || file.name,
    file,
    lastModified: file.lastModified,
  }));
}

/** The files of a folder dropped on the page, read through the File and Directory Entries API. */
export async function filesOfDroppedFolder(entry: FileSystemDirectoryEntry): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  const walk = async (directory: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = directory.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) {
        return;
      }
      for (const child of batch) {
        if (child.isDirectory) {
          await walk(child as FileSystemDirectoryEntry, `${prefix}${child.name}/`);
        } else if (child.isFile) {
          const file = await new Promise<File>((resolve, reject) =>
            (child as FileSystemFileEntry).file(resolve, reject),
          );
          files.push({ path: `${prefix}${child.name}`, file, lastModified: file.lastModified });
        }
      }
    }
  };
  await walk(entry, '');
  return files;
}
