/**
 * The regions the wizard offers: where most research accounts run, and where
 * both Graviton and x86_64 workstations are available. The service accepts any
 * region; the current one is added when it is not among these.
 */
export const COMMON_REGIONS: ReadonlyArray<{ id: string; place: string }> = [
  { id: 'us-east-1', place: 'N. Virginia' },
  { id: 'us-east-2', place: 'Ohio' },
  { id: 'us-west-1', place: 'N. California' },
  { id: 'us-west-2', place: 'Oregon' },
  { id: 'ca-central-1', place: 'Canada' },
  { id: 'sa-east-1', place: 'São Paulo' },
  { id: 'eu-west-1', place: 'Ireland' },
  { id: 'eu-west-2', place: 'London' },
  { id: 'eu-west-3', place: 'Paris' },
  { id: 'eu-central-1', place: 'Frankfurt' },
  { id: 'eu-north-1', place: 'Stockholm' },
  { id: 'ap-south-1', place: 'Mumbai' },
  { id: 'ap-southeast-1', place: 'Singapore' },
  { id: 'ap-southeast-2', place: 'Sydney' },
  { id: 'ap-northeast-1', place: 'Tokyo' },
  { id: 'ap-northeast-2', place: 'Seoul' }
];

/** The common regions, with `current` added when it is not one of them. */
export function regionChoices(current: string | null): ReadonlyArray<{ id: string; place: string }> {
  if (!current || COMMON_REGIONS.some(r => r.id === current)) {
    return COMMON_REGIONS;
  }
  return [{ id: current, place: '' }, ...COMMON_REGIONS];
}
