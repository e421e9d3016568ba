import { AppError, ValidationError, type LogoType } from '@wevion/shared';
import pLimit from 'p-limit';
import sharp from 'sharp';
import type { LogoRasterizer } from '../ports.ts';

/** Logos print small: this bounds the stored PNG whatever was uploaded. */
const MAX_WIDTH = 600;
const MAX_HEIGHT = 300;
/** An SVG is drawn at twice the stored size, then scaled down: crisp edges, bounded pixels. */
const SVG_DRAW_SCALE = 2;
/** A decompression bomb (a tiny file that decodes to gigapixels) is refused before decoding. */
const MAX_INPUT_PIXELS = 25_000_000;
/** sharp's range for the DPI an SVG is drawn at; a canvas too large even at 1 DPI is refused. */
const SVG_DENSITY = { min: 1, max: 100_000 };
/** Logos waiting for their turn; past this an upload is refused rather than queued. */
const MAX_WAITING = 8;

const unreadable = (cause: unknown) =>
  Object.assign(
    new ValidationError(
      'logo_unreadable',
      '"logo" could not be decoded as an image; export it again as PNG, JPEG or SVG',
      'logo',
    ),
    { cause },
  );

/**
 * Every logo becomes a freshly encoded PNG of its pixels, by sharp (libvips; librsvg for SVG:
 * no scripts, and the branding service refuses external references first). Whatever else the
 * uploaded bytes carried (a polyglot's HTML, metadata, a script a deny-list missed) never
 * reaches a browser or Chromium.
 *
 * What an uploader controls is bounded: an SVG's size is read first and it is drawn directly
 * at the size it is stored at (a 10 × 1000 viewBox is drawn 6 × 600, never 1200 × 120,000);
 * a raster's pixels are counted before decoding. All of it runs on libuv's threads, never on
 * the event loop, one logo at a time per process, so an upload cannot stall other requests or
 * take more than one thread.
 */
export class SharpLogoRasterizer implements LogoRasterizer {
  private readonly oneAtATime = pLimit(1);

  async toPng(bytes: Buffer, type: LogoType): Promise<Buffer> {
    if (this.oneAtATime.pendingCount >= MAX_WAITING) {
      throw new AppError('logo_busy', 'Too many logos are being processed; try again shortly.', {
        status: 503,
      });
    }
    return this.oneAtATime(() => this.rasterize(bytes, type));
  }

  private async rasterize(bytes: Buffer, type: LogoType): Promise<Buffer> {
    try {
      const input =
        type === 'image/svg+xml'
          ? sharp(bytes, { density: await svgDensity(bytes), limitInputPixels: MAX_INPUT_PIXELS })
          : sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
      return await input
        .resize({ width: MAX_WIDTH, height: MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
        .png({ compressionLevel: 9 })
        .toBuffer();
    } catch (error) {
      throw unreadable(error);
    }
  }
}

/** The DPI that draws an SVG at twice the stored size, from its own width and height. */
async function svgDensity(svg: Buffer): Promise<number> {
  // Only the declared size is read here, never pixels: no pixel limit applies yet.
  const { width, height, density = 72 } = await sharp(svg, { limitInputPixels: false }).metadata();
  if (!width || !height) throw new Error('the SVG has no size');
  const scale = Math.min(
    (MAX_WIDTH * SVG_DRAW_SCALE) / width,
    (MAX_HEIGHT * SVG_DRAW_SCALE) / height,
  );
  return Math.min(Math.max(density * scale, SVG_DENSITY.min), SVG_DENSITY.max);
}
