/**
 * Campaign names as real accounts have them: several scripts, emoji, commas, quotes, line breaks
 * and leading = + - @ that a spreadsheet would run as a formula. Every export path must survive
 * them, so the demo data is full of them.
 */
export const CAMPAIGN_NAMES: readonly string[] = [
  'Black Friday – Retargeting, EU',
  '双十一 品牌推广 (Singles Day)',
  'ブランド認知キャンペーン 東京 Q4',
  'حملة رمضان — عروض خاصة',
  'Летняя распродажа 2026',
  'Καλοκαιρινές προσφορές',
  '🎄 Holiday Gift Guide 🎁',
  'Brand "Always On" – Search',
  '=HYPERLINK("http://example.com","Prospecting")',
  '+Lookalike 1% | Purchasers',
  '-20% Flash Sale',
  '@mentions Awareness Push',
  'Spring Launch\nHero video, 15s',
  'Generic, Non-brand, "Exact"',
  'दिवाली उत्सव अभियान',
  '한국 브랜드 캠페인',
  'Prospecting – Broad – Advantage+',
  'Retargeting 7d Cart Abandoners',
  'App Installs iOS 🇺🇸',
  'Évènement d’été – Île-de-France',
  'Catalog Sales | Dynamic Ads',
  'YouTube Bumper 6s; Awareness',
  'Performance Max – Shoes',
  'Lead Gen B2B (Decision Makers)',
  'שיווק מחדש – ישראל',
  'ยอดขายปลายปี',
  'Ofertas de Verano 🌞',
  'Brand Defense\tExact',
];
