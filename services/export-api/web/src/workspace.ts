import type { WorkspaceView } from '@wevion/shared/api-contract.ts';
import { longDate } from '@wevion/shared/report-format.ts';
import { api, ApiError } from './api.ts';
import { $, el } from './dom.ts';
import { readView } from './view-form.ts';

/* The workspace, what the user may do in it, and the gates they meet. */
export function showBillingBanner() {
  $('banner').replaceChildren(
    'Exports need an active subscription. ',
    el('a', { href: '/settings/team/billing', textContent: 'Check your plan' }),
    '.',
  );
  $('banner').hidden = false;
}

export function showGate(error: ApiError): boolean {
  const banner = $('banner');
  if (error.reason === 'subscription_required') {
    showBillingBanner();
  } else if (error.status === 404 && error.code === 'cross_channel_disabled') {
    banner.replaceChildren(
      'Cross-channel analytics are disabled for this workspace. Ask an admin to enable them.',
    );
    document.body.classList.add('disabled');
  } else if (error.status === 401) {
    banner.replaceChildren('Your session has expired. Reload the page to sign in again.');
  } else {
    return false;
  }
  banner.hidden = false;
  return true;
}

export let workspace: WorkspaceView | null = null;
/** The zone every date and time on the page is shown in: the workspace's. */
export const zone = () => workspace?.timezone ?? 'UTC';

/** Defaults from the workspace (currency, zone), the quota line, and export rights. */
export async function loadWorkspace() {
  try {
    workspace = await api<WorkspaceView>('/api/v1/workspaces/current');
  } catch (error) {
    if (error instanceof ApiError) showGate(error);
    return;
  }
  // Only the currencies a report can be made in: those with exchange rates.
  const currency = $<HTMLSelectElement>('currency');
  if (!currency.options.length)
    currency.append(...workspace.currencies.map((c) => el('option', { value: c, textContent: c })));
  if (!currency.dataset.touched && workspace.currencies.includes(workspace.currency))
    currency.value = workspace.currency;
  $<HTMLSelectElement>('timezone').options[0]!.textContent =
    `Workspace default (${workspace.timezone})`;
  const { limit, remaining, resets_at: resetsAt } = workspace.quota;
  // Quota months are UTC months: the 1st is the 1st wherever the user is.
  const renews = longDate(resetsAt.slice(0, 10));
  // Without a subscription there is no quota to speak of: the line says what is missing.
  $('quota').replaceChildren(
    ...(!workspace.subscription.active
      ? ['No active subscription · ', billingLink('Check your plan')]
      : limit === null
        ? [`Unlimited exports on ${workspace.plan.label}`]
        : [
            `${remaining} of ${limit} exports left this month · renews ${renews}`,
            ...(remaining === 0 ? [' · ', billingLink('Upgrade')] : []),
          ]),
  );
  if (!workspace.subscription.active) showBillingBanner();
  syncExportButton();
}

export const BILLING = '/settings/team/billing';
export const billingLink = (text: string) => el('a', { href: BILLING, textContent: text });

/** A message that names the billing page, with the path as a link rather than raw text. */
export function withBillingLink(message: string): (Node | string)[] {
  const at = message.indexOf(BILLING);
  if (at < 0) return [message];
  return [
    message.slice(0, at).replace(/\bat $/, 'in '),
    billingLink('billing settings'),
    message.slice(at + BILLING.length),
  ];
}

/** Export is disabled, with the reason beside it, whenever an export could not start. */
export function syncExportButton() {
  const quota = workspace?.quota;
  const view = readView();
  const reason =
    workspace?.user.export_blocked?.message ??
    (quota && quota.remaining === 0
      ? `All ${quota.limit} exports of this month are used; they renew on the 1st. Upgrade at ${BILLING}.`
      : 'problem' in view
        ? view.problem
        : null);
  const button = $<HTMLButtonElement>('export-button');
  button.disabled = reason !== null;
  $('export-blocked').replaceChildren(...withBillingLink(reason ?? ''));
  $('export-blocked').hidden = reason === null;
}
