/**
 * Logos are checked by their bytes, not their name: PNG, JPEG, or an SVG without scripts, event
 * handlers, foreign objects or references outside itself. export-api stores every logo as a PNG
 * it encoded itself, and the renderer embeds nothing else.
 */
export const MAX_LOGO_BYTES = 512 * 1024;

export type LogoType = 'image/png' | 'image/jpeg' | 'image/svg+xml';

const UNSAFE_SVG = [
  // Any namespace prefix: <h:script> is XHTML's script element all the same.
  /<(?:[\w.-]+:)?script/i,
  /<(?:[\w.-]+:)?foreignObject/i,
  // SMIL can set href or event attributes after load; logos have no need to animate.
  /<(?:[\w.-]+:)?(?:animate|animateMotion|animateTransform|set)\b/i,
  /\son[a-z]+\s*=/i,
  /(?:xlink:)?href\s*=\s*["']\s*(?!#|data:image\/(?:png|jpeg);)/i,
  /<!ENTITY/i,
  /url\(\s*["']?\s*(?!#)/i,
  /@import/i,
];

export function logoType(bytes: Buffer): LogoType | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const text = bytes.toString('utf8');
  if (/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(text))
    return 'image/svg+xml';
  return null;
}

/** Why an SVG logo is refused, or null when it is safe to show. */
export function unsafeSvgReason(svg: string): string | null {
  const hit = UNSAFE_SVG.find((pattern) => pattern.test(svg));
  return hit ? `the SVG contains ${hit.source.replace(/\\s|\\/g, '').slice(0, 40)}` : null;
}

/** A stored logo as a data URL for the PDF: PNG only (what export-api stores), else null. */
export function logoDataUrl(bytes: Buffer): string | null {
  if (logoType(bytes) !== 'image/png' || bytes.length > MAX_LOGO_BYTES) return null;
  return `data:image/png;base64,${bytes.toString('base64')}`;
}
