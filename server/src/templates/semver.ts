/** Orders semantic versions (`1.2.0`, `1.2.0-rc.1`); a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = splitVersion(a);
  const [coreB, preB] = splitVersion(b);
  for (let i = 0; i < 3; i++) {
    if (coreA[i] !== coreB[i]) return coreA[i] - coreB[i];
  }
  if (preA === preB) return 0;
  if (preA === '') return 1;
  if (preB === '') return -1;
  return preA.localeCompare(preB, 'en', { numeric: true });
}

function splitVersion(version: string): [number[], string] {
  const dash = version.indexOf('-');
  const core = dash === -1 ? version : version.slice(0, dash);
  const pre = dash === -1 ? '' : version.slice(dash + 1);
  return [core.split('.').map(part => Number(part) || 0), pre];
}
