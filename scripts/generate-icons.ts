/**
 * Draws the Teams app icons into manifest/ (run once; the PNGs are committed):
 * color.png 192x192 (white linked rings on the brand blue) and outline.png 32x32 (white rings
 * on transparency, as Teams requires for the outline icon).   npx tsx scripts/generate-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const manifestDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../manifest');
const BLUE = [0x0f, 0x6c, 0xbd] as const;

/** Coverage (0..1) of a pixel by two interlocking rings, sampled 4x4 for smooth edges. */
function ringsCoverage(size: number, x: number, y: number): number {
  const r = size * 0.22;
  const width = size * 0.075;
  const centers = [
    [size * 0.38, size * 0.5],
    [size * 0.62, size * 0.5],
  ];
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      const inRing = centers.some(
        ([cx, cy]) => Math.abs(Math.hypot(px - cx, py - cy) - r) <= width / 2
      );
      if (inRing) hits++;
    }
  }
  return hits / 16;
}

function draw(size: number, background: readonly [number, number, number] | null): PNG {
  const png = new PNG({ width: size, height: size, colorType: 6 });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const c = ringsCoverage(size, x, y);
      if (background) {
        for (let k = 0; k < 3; k++) png.data[i + k] = Math.round(background[k] * (1 - c) + 255 * c);
        png.data[i + 3] = 255;
      } else {
        png.data[i] = png.data[i + 1] = png.data[i + 2] = 255;
        png.data[i + 3] = Math.round(255 * c);
      }
    }
  }
  return png;
}

fs.writeFileSync(path.join(manifestDir, 'color.png'), PNG.sync.write(draw(192, BLUE)));
fs.writeFileSync(path.join(manifestDir, 'outline.png'), PNG.sync.write(draw(32, null)));
