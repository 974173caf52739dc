import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOfPickedFolder, packTar, packTarGz } from './pack-folder';

const longPath = `${'deeply/'.repeat(20)}nested/model.py`;

async function bytes(blob: Blob): Promise<Buffer> {
  return Buffer.from(await blob.arrayBuffer());
}

/** What GNU tar, which reads archives as the manager's tar reader does, lists and extracts. */
function tarList(archive: Buffer, gzip: boolean): { names: string[]; file: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'pack-folder-'));
  const path = join(dir, gzip ? 'source.tar.gz' : 'source.tar');
  writeFileSync(path, archive);
  const names = execFileSync('tar', [gzip ? '-tzf' : '-tf', path])
    .toString()
    .trim()
    .split('\n');
  execFileSync('tar', [gzip ? '-xzf' : '-xf', path, '-C', dir]);
  return { names, file: (name) => readFileSync(join(dir, name), 'utf8') };
}

describe('packTar', () => {
  it('packs a folder’s files at the archive’s root, long paths included', async () => {
    const tar = await packTar([
      { path: 'app.py', file: new Blob(['print("hello")\n']), lastModified: 1_700_000_000_000 },
      { path: 'requirements.txt', file: new Blob(['numpy\n']) },
      { path: longPath, file: new Blob(['x = 1\n']) },
      { path: 'ä/ünïcode.txt', file: new Blob(['ok\n']) },
    ]);

    const listed = tarList(await bytes(tar), false);
    expect(listed.names).toEqual(['app.py', 'requirements.txt', longPath, 'ä/ünïcode.txt']);
    expect(listed.file('app.py')).toBe('print("hello")\n');
    expect(listed.file(longPath)).toBe('x = 1\n');
  });

  it('gzips with the browser’s own compression', async () => {
    const archive = await bytes(await packTarGz([{ path: 'main.py', file: new Blob(['pass\n']) }]));

    expect(archive[0]).toBe(0x1f);
    expect(archive[1]).toBe(0x8b);
    expect(tarList(archive, true).file('main.py')).toBe('pass\n');
  });
});

describe('filesOfPickedFolder', () => {
  it('cuts the picked folder’s own name off each path', () => {
    const file = new File(['x'], 'model.py');
    Object.defineProperty(file, 'webkitRelativePath', { value: 'my-service/src/model.py' });

    expect(filesOfPickedFolder([file] as unknown as FileList)[0].path).toBe('src/model.py');
  });
});
