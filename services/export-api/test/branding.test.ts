import { GetObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startHarness, type Harness } from './harness.ts';
import { contractCheckedHttp } from './openapi-contract.ts';

const BRANDING = '/api/v1/workspaces/current/branding';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#0B5FFF"/></svg>',
);

describe('workspace branding', function () {
  this.timeout(30_000);
  let h: Harness;
  let admin: string;
  // Every response these tests receive is checked against the OpenAPI document.
  const http = contractCheckedHttp(() => h.app.koa.callback());

  before(async () => {
    h = await startHarness();
    admin = await h.token('ws_acme');
  });
  after(() => h.close());

  const put = (token: string) => http().put(BRANDING).set('Authorization', `Bearer ${token}`);

  it('when an admin uploads a PNG logo and colours, then they are stored and travel with the next export', async () => {
    const response = await put(admin)
      .field('primary_color', '#123ABC')
      .field('secondary_color', '#14B8A6')
      .attach('logo', PNG, { filename: 'logo.png', contentType: 'image/png' });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const { branding } = response.body;
    assert.equal(branding.primary_color, '#123ABC');
    assert.match(branding.logo_key, /^branding\/ws_acme\/logo-[0-9a-f]{16}\.png$/);
    const stored = await h.clients.s3.send(
      new GetObjectCommand({ Bucket: h.config.EXPORTS_BUCKET, Key: branding.logo_key }),
    );
    // Stored as a PNG export-api encoded itself: the same pixels, not the uploaded bytes.
    const png = Buffer.from(await stored.Body!.transformToByteArray());
    assert.deepEqual(png.subarray(0, 8), PNG.subarray(0, 8));
    const { width, height } = await sharp(png).metadata();
    assert.deepEqual([width, height], [1, 1]);
    const read = await http().get(BRANDING).set('Authorization', `Bearer ${admin}`);
    assert.deepEqual(read.body, { branding, custom_branding: true });
    assert.deepEqual((await h.workspaces.get('ws_acme'))!.branding, branding);
  });

  it('when only a colour changes, then the logo is kept', async () => {
    const before = (await h.workspaces.get('ws_acme'))!.branding!;
    const response = await put(admin).field('secondary_color', '#FF0066');
    assert.equal(response.status, 200);
    assert.equal(response.body.branding.logo_key, before.logo_key);
    assert.equal(response.body.branding.secondary_color, '#FF0066');
  });

  const storedLogo = async (key: string) =>
    Buffer.from(
      await (
        await h.clients.s3.send(new GetObjectCommand({ Bucket: h.config.EXPORTS_BUCKET, Key: key }))
      ).Body!.transformToByteArray(),
    );

  it('when a clean SVG is uploaded, then it is stored rasterised as PNG; a scripted or linking one is refused', async () => {
    const clean = await put(admin).attach('logo', SVG, {
      filename: 'l.svg',
      contentType: 'image/svg+xml',
    });
    assert.equal(clean.status, 200);
    assert.match(clean.body.branding.logo_key, /\.png$/);
    const png = await storedLogo(clean.body.branding.logo_key);
    assert.equal((await sharp(png).metadata()).format, 'png');
    assert.doesNotMatch(png.toString('latin1'), /<svg/);
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" values="http://evil.example/"/></a></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"><set attributeName="onclick" to="alert(1)"/></rect></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()" width="1" height="1"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/a.png"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><image href="/etc/secret.png"/></svg>',
      '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    ]) {
      const response = await put(admin).attach('logo', Buffer.from(svg), {
        filename: 'l.svg',
        contentType: 'image/svg+xml',
      });
      assert.equal(response.status, 400, svg);
      assert.equal(response.body.error.code, 'logo_unsafe');
      assert.equal(response.body.error.field, 'logo');
    }
  });

  it('when a PNG or JPEG carries more than pixels (a polyglot), then only its pixels are stored', async () => {
    const polyglot = Buffer.concat([PNG, Buffer.from('<html><script>alert(1)</script></html>')]);
    const jpeg = await sharp({
      create: { width: 40, height: 20, channels: 3, background: '#0B5FFF' },
    })
      .jpeg()
      .withMetadata({ exif: { IFD0: { ImageDescription: '<script>alert(1)</script>' } } })
      .toBuffer();
    for (const [name, bytes, type] of [
      ['p.png', polyglot, 'image/png'],
      ['j.jpg', jpeg, 'image/jpeg'],
    ] as const) {
      const response = await put(admin).attach('logo', bytes, {
        filename: name,
        contentType: type,
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const stored = await storedLogo(response.body.branding.logo_key);
      assert.equal((await sharp(stored).metadata()).format, 'png', name);
      assert.doesNotMatch(stored.toString('latin1'), /<script|<html/, name);
    }
  });

  it('when a logo has the right first bytes but does not decode, then 400 logo_unreadable', async () => {
    const fake = Buffer.concat([PNG.subarray(0, 8), Buffer.from('garbage'.repeat(20))]);
    const response = await put(admin).attach('logo', fake, {
      filename: 'f.png',
      contentType: 'image/png',
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'logo_unreadable');
    assert.equal(response.body.error.field, 'logo');
  });

  it('when the logo is not an image, too large, or colours are malformed, then 400 names the field', async () => {
    const text = await put(admin).attach('logo', Buffer.from('GIF89a not really'), {
      filename: 'logo.png',
      contentType: 'image/png',
    });
    assert.equal(text.body.error.code, 'logo_type');
    const huge = await put(admin).attach('logo', Buffer.concat([PNG, Buffer.alloc(600 * 1024)]), {
      filename: 'big.png',
      contentType: 'image/png',
    });
    assert.equal(huge.status, 400);
    assert.equal(huge.body.error.field, 'logo');
    const color = await put(admin).field('primary_color', 'blue');
    assert.equal(color.body.error.field, 'primary_color');
    assert.match(color.body.error.message, /#RRGGBB/);
    const stray = await put(admin).field('font', 'Comic Sans');
    assert.equal(stray.body.error.field, 'font');
    const empty = await put(admin).field('primary_color', '');
    assert.equal(empty.status, 400);
  });

  it('when a media buyer, a plan without branding or no subscription tries, then 403 with a reason', async () => {
    const buyer = await put(await h.token('ws_acme', 'mediabuyer')).field(
      'primary_color',
      '#000000',
    );
    assert.equal(buyer.status, 403);
    assert.equal(buyer.body.reason, 'admin_required');
    const starter = await put(await h.token('ws_kumo')).field('primary_color', '#000000');
    assert.equal(starter.body.reason, 'branding_not_in_plan');
    assert.match(starter.body.error.message, /Starter plan/);
    const unpaid = await put(await h.token('ws_nova')).field('primary_color', '#000000');
    assert.equal(unpaid.body.reason, 'subscription_required');
  });
});
