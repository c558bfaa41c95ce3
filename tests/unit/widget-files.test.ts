import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWidget } from '../../server/routes/static.js';

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('readWidget', () => {
  it('reads the bundle with the chunks it imports, and refuses to start when one is missing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'widget-files-'));
    const bundle = path.join(dir, 'widget.js');
    await writeFile(bundle, 'import("./widget-chunks/panel-AB12.js");import("./widget-chunks/modal-CD34.js");');
    await mkdir(path.join(dir, 'widget-chunks'));
    await writeFile(path.join(dir, 'widget-chunks', 'panel-AB12.js'), 'export {}');
    await expect(readWidget(bundle)).rejects.toThrow(/modal-CD34\.js are missing .*npm run build/);
    await writeFile(path.join(dir, 'widget-chunks', 'modal-CD34.js'), 'export {}');
    const widget = await readWidget(bundle);
    expect([...widget.chunks.keys()].sort()).toEqual(['modal-CD34.js', 'panel-AB12.js']);
    await expect(readWidget(path.join(dir, 'nope.js'))).rejects.toThrow(/widget bundle .* is missing/);
  });
});
