/**
 * Draws the Teams app icons (appPackage/color.png 192×192, appPackage/outline.png 32×32) from a
 * few shapes, so they can be regenerated without an image editor: `npx tsx scripts/make-icons.ts`.
 * No image library is installed, hence the small PNG encoder below.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export type Rgba = readonly [number, number, number, number];

export interface Canvas {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major. */
  data: Buffer;
}

/** The brand colour, also the manifest's accentColor. */
export const BRAND_COLOR = '#0F6CBD';
const BRAND: Rgba = [0x0f, 0x6c, 0xbd, 255];
const WHITE: Rgba = [255, 255, 255, 255];

export function createCanvas(width: number, height: number, fill: Rgba): Canvas {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(fill, i * 4);
  return { width, height, data };
}

/** A shape in unit coordinates (0..1 across the canvas): true where a point is inside. */
type Shape = (x: number, y: number) => boolean;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function minus(a: Shape, b: Shape): Shape {
  return (x, y) => a(x, y) && !b(x, y);
}

/**
 * Paints a shape with 4×4 supersampling so edges stay smooth at 32 px. Colour is blended
 * "over" the canvas; with a transparent white canvas and white paint only alpha changes, which
 * keeps the outline icon pure white + alpha as Teams requires.
 */
function paint(canvas: Canvas, shape: Shape, color: Rgba): void {
  const n = 4;
  for (let py = 0; py < canvas.height; py++) {
    for (let px = 0; px < canvas.width; px++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          if (shape((px + (sx + 0.5) / n) / canvas.width, (py + (sy + 0.5) / n) / canvas.height)) hits++;
        }
      }
      if (hits === 0) continue;
      const a = (color[3] / 255) * (hits / (n * n));
      const i = (py * canvas.width + px) * 4;
      const da = canvas.data[i + 3] / 255;
      const outA = a + da * (1 - a);
      for (let c = 0; c < 3; c++) {
        const v = outA === 0 ? 0 : (color[c] * a + canvas.data[i + c] * da * (1 - a)) / outA;
        canvas.data[i + c] = Math.round(v);
      }
      canvas.data[i + 3] = Math.round(outA * 255);
    }
  }
}

/** A monitor on a desk: frame, stand and desk top. `stroke` is the frame width in unit coords. */
function deskGlyph(stroke: number, inset: number): Shape[] {
  const s = (v: number) => inset + v * (1 - 2 * inset);
  const frameOuter = roundedRect(s(0.1), s(0.08), s(0.9), s(0.66), s(0.9) * 0.06);
  const frameInner = roundedRect(s(0.1) + stroke, s(0.08) + stroke, s(0.9) - stroke, s(0.66) - stroke, 0.02);
  const stand = roundedRect(s(0.43), s(0.64), s(0.57), s(0.82), 0.005);
  const desk = roundedRect(s(0.0), s(0.82), s(1.0), s(0.92), (s(0.92) - s(0.82)) / 2);
  return [minus(frameOuter, frameInner), stand, desk];
}

export function drawColorIcon(): Canvas {
  const canvas = createCanvas(192, 192, BRAND);
  for (const shape of deskGlyph(0.055, 0.2)) paint(canvas, shape, WHITE);
  // A small status dot on the screen: "this device is managed".
  paint(canvas, roundedRect(0.57, 0.33, 0.65, 0.41, 0.04), [0x6c, 0xe0, 0x9a, 255]);
  return canvas;
}

export function drawOutlineIcon(): Canvas {
  const canvas = createCanvas(32, 32, [255, 255, 255, 0]);
  for (const shape of deskGlyph(0.075, 0.06)) paint(canvas, shape, WHITE);
  return canvas;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typeAndBody = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndBody));
  return Buffer.concat([len, typeAndBody, crc]);
}

/** RGBA 8-bit PNG, no filtering (filter byte 0 on every row): small enough for icons. */
export function encodePng(canvas: Canvas): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(canvas.width, 0);
  ihdr.writeUInt32BE(canvas.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const stride = canvas.width * 4;
  const raw = Buffer.alloc((stride + 1) * canvas.height);
  for (let y = 0; y < canvas.height; y++) canvas.data.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function writeIcons(dir: string): void {
  writeFileSync(join(dir, 'color.png'), encodePng(drawColorIcon()));
  writeFileSync(join(dir, 'outline.png'), encodePng(drawOutlineIcon()));
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'appPackage');
  writeIcons(dir);
  console.log(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}`);
}
