import {
  logoKey,
  logoType,
  MAX_LOGO_BYTES,
  unsafeSvgReason,
  ValidationError,
  type WorkspaceBranding,
} from '@wevion/shared';
import { createHash } from 'node:crypto';
import { hasActiveSubscription, PLANS } from './domain/workspace.ts';
import type { User } from './domain/user.ts';
import { GateError } from './gate-error.ts';
import type { LogoRasterizer, LogoStore, WorkspaceStore } from './ports.ts';
import type { WorkspaceAccess } from './workspace-access.ts';

const COLOR = /^#[0-9a-fA-F]{6}$/;

export interface BrandingUpdate {
  primary_color?: string;
  secondary_color?: string;
  logo?: Buffer;
}

/**
 * Workspace branding for PDF reports: admins of plans with custom branding set colours and a
 * logo. The logo is checked by its bytes, re-encoded as a PNG of its pixels, and stored in our
 * bucket under branding/, which is the only place the renderer reads logos from.
 */
export interface BrandingDeps {
  access: Pick<WorkspaceAccess, 'existing'>;
  workspaces: Pick<WorkspaceStore, 'upsert'>;
  rasterizer: LogoRasterizer;
  logos: LogoStore;
}

export class BrandingService {
  constructor(private readonly deps: BrandingDeps) {}

  async get(user: User) {
    const workspace = await this.deps.access.existing(user);
    return { branding: workspace.branding, custom_branding: PLANS[workspace.plan].custom_branding };
  }

  async update(user: User, update: BrandingUpdate): Promise<WorkspaceBranding> {
    const workspace = await this.deps.access.existing(user);
    if (user.role !== 'admin')
      throw new GateError('admin_required', 'Only workspace admins can change branding.');
    if (!hasActiveSubscription(workspace)) {
      throw new GateError(
        'subscription_required',
        'Branding needs an active subscription. Check your plan at /settings/team/billing.',
      );
    }
    if (!PLANS[workspace.plan].custom_branding) {
      throw new GateError(
        'branding_not_in_plan',
        `Custom branding is not part of the ${PLANS[workspace.plan].label} plan; reports use the Wevion theme. Upgrade at /settings/team/billing.`,
      );
    }
    for (const field of ['primary_color', 'secondary_color'] as const) {
      const value = update[field];
      if (value !== undefined && !COLOR.test(value)) {
        throw new ValidationError(
          'invalid_field',
          `"${field}" must be a colour written #RRGGBB`,
          field,
        );
      }
    }
    if (
      update.primary_color === undefined &&
      update.secondary_color === undefined &&
      !update.logo
    ) {
      throw new ValidationError(
        'invalid_body',
        'Send a logo file, primary_color or secondary_color',
      );
    }
    const branding: WorkspaceBranding = {
      logo_key: workspace.branding?.logo_key ?? null,
      primary_color: update.primary_color ?? workspace.branding?.primary_color ?? null,
      secondary_color: update.secondary_color ?? workspace.branding?.secondary_color ?? null,
    };
    if (update.logo) branding.logo_key = await this.storeLogo(workspace.workspace_id, update.logo);
    await this.deps.workspaces.upsert({ ...workspace, branding });
    return branding;
  }

  private async storeLogo(workspaceId: string, logo: Buffer): Promise<string> {
    if (logo.length > MAX_LOGO_BYTES) {
      throw new ValidationError(
        'logo_too_large',
        `"logo" must be at most ${MAX_LOGO_BYTES / 1024} KB`,
        'logo',
      );
    }
    const type = logoType(logo);
    if (!type)
      throw new ValidationError('logo_type', '"logo" must be a PNG, JPEG or SVG image', 'logo');
    if (type === 'image/svg+xml') {
      // Rasterising already drops scripts; refusing references too keeps librsvg off local files.
      const reason = unsafeSvgReason(logo.toString('utf8'));
      if (reason) {
        throw new ValidationError(
          'logo_unsafe',
          `"logo" was refused: ${reason}; send an SVG without scripts or external references`,
          'logo',
        );
      }
    }
    const png = await this.deps.rasterizer.toPng(logo, type);
    if (png.length > MAX_LOGO_BYTES) {
      throw new ValidationError(
        'logo_too_detailed',
        `"logo" is too detailed to embed (${Math.round(png.length / 1024)} KB as PNG at print size); send a simpler image`,
        'logo',
      );
    }
    const digest = createHash('sha256').update(png).digest('hex').slice(0, 16);
    const key = logoKey(workspaceId, digest);
    await this.deps.logos.put(key, png);
    return key;
  }
}
