/**
 * The demo workspaces whose insights `npm run seed` generates. Their ids are the ones the job
 * store's demo workspaces use, so a local export finds data.
 */
export interface DemoWorkspace {
  workspace_id: string;
  name: string;
  timezone: string;
  /** Currencies of its ad accounts, the first being the home currency most accounts use. */
  currencies: readonly string[];
}

export const DEMO_WORKSPACES: readonly DemoWorkspace[] = [
  {
    workspace_id: 'ws_acme',
    name: 'Acme Outdoor GmbH',
    timezone: 'Europe/Berlin',
    currencies: ['EUR', 'GBP', 'USD'],
  },
  {
    workspace_id: 'ws_nova',
    name: 'Nova Retail Inc.',
    timezone: 'America/New_York',
    currencies: ['USD', 'CAD'],
  },
  {
    workspace_id: 'ws_kumo',
    name: 'Kumo Studio 株式会社',
    timezone: 'Asia/Tokyo',
    currencies: ['JPY', 'USD'],
  },
  {
    workspace_id: 'ws_lotus',
    name: 'Lotus Wellness Pvt Ltd',
    timezone: 'Asia/Kolkata',
    currencies: ['INR', 'USD'],
  },
];
