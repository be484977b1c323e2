/**
 * The `~/.ssh/config` block for a workstation: one Host alias per workstation
 * name, so `ssh prism-<name>` and VS Code Remote-SSH reach it without flags.
 */

export function sshConfigBlock(name: string, hostName: string, user: string, identityFile: string): { host: string; block: string } {
  const host = `prism-${name}`;
  const block = [
    `Host ${host}`,
    `  HostName ${hostName}`,
    `  User ${user}`,
    `  IdentityFile ${identityFile}`,
    // Only this key: an agent full of others' keys makes sshd refuse after too many tries.
    '  IdentitiesOnly yes',
    // Keeps a long notebook session's connection alive through NAT and idle firewalls.
    '  ServerAliveInterval 60',
    ''
  ].join('\n');
  return { host, block };
}
