import { Resvg } from '@resvg/resvg-js';
import { ValidationError, type LogoType } from '@wevion/shared';
import sharp from 'sharp';
import type { LogoRasterizer } from '../ports.ts';

/** Logos print small: this bounds the stored PNG whatever was uploaded. */
const MAX_WIDTH = 600;
const MAX_HEIGHT = 300;
/** A decompression bomb (a tiny file that decodes to gigapixels) is refused before decoding. */
const MAX_INPUT_PIXELS = 25_000_000;

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
 * Every logo becomes a freshly encoded PNG of its pixels: SVG is rasterised by resvg (no
 * scripts, no network, no foreign content), PNG and JPEG are decoded and re-encoded by sharp
 * (libvips). Whatever else the uploaded bytes carried (a polyglot's HTML, metadata, a script in
 * an SVG a deny-list missed) never reaches a browser or Chromium.
 */
export class ResvgSharpLogoRasterizer implements LogoRasterizer {
  async toPng(bytes: Buffer, type: LogoType): Promise<Buffer> {
    let raster: Buffer = bytes;
    if (type === 'image/svg+xml') {
      try {
        raster = new Resvg(bytes, { fitTo: { mode: 'width', value: MAX_WIDTH * 2 } })
          .render()
          .asPng();
      } catch (error) {
        throw unreadable(error);
      }
    }
    try {
      return await sharp(raster, { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate()
        .resize({ width: MAX_WIDTH, height: MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
        .png({ compressionLevel: 9 })
        .toBuffer();
    } catch (error) {
      throw unreadable(error);
    }
  }
}
