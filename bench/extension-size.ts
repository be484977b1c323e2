/**
 * 5. The extension as the browser downloads it: gzip size of the built
 * labextension's chunks. Ours: remoteEntry, style and the chunks that hold our
 * `jp-Prism` class names (a production build numbers its chunks instead of
 * naming them after their sources). Vendor: the rest, libraries we ship that
 * JupyterLab does not share (socket.io-client, uPlot, yaml); the baseline is
 * their size, same build.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BenchResult } from './lib/report';
import { round } from './lib/stats';

const STATIC = path.resolve(__dirname, '..', 'jupyterlab_prism', 'labextension', 'static');

export async function extensionSize(): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const chunks = fs
    .readdirSync(STATIC)
    .filter(f => f.endsWith('.js'))
    .map(file => {
      const bytes = fs.readFileSync(path.join(STATIC, file));
      const text = bytes.toString('utf8');
      return {
        file,
        // Production chunks are numbered, not named: ours are the federation entry, the style
        // entry and every chunk holding our class names; the rest are the libraries we bundle.
        ours: /^(remoteEntry|style)/.test(file) || text.includes('jp-Prism'),
        bytes: bytes.length,
        gzipBytes: zlib.gzipSync(bytes, { level: 9 }).length,
        // A production build is minified: few, very long lines.
        minified: text.length / Math.max(1, text.split('\n').length) > 500
      };
    });
  const kb = (files: typeof chunks) => round(files.reduce((sum, c) => sum + c.gzipBytes, 0) / 1024, 1);
  const ours = chunks.filter(c => c.ours);
  const vendor = chunks.filter(c => !c.ours);
  const minified = ours.every(c => c.minified);
  return {
    name: 'extension',
    title: `The built extension (${minified ? 'production' : 'development, not minified'} build), gzip -9`,
    baseline: 'the vendor chunks shipped beside it (socket.io-client, uPlot, yaml), same build',
    figures: [
      { name: 'our code, gzip', value: kb(ours), unit: 'kB', baseline: kb(vendor) },
      { name: 'everything we ship, gzip', value: kb(chunks), unit: 'kB' }
    ],
    details: { minified, chunks }
  };
}
