import fs from 'node:fs';

/** A TCP socket a process listens on: its local address (`127.0.0.1`, `::`...) and port. */
export interface Listener {
  readonly address: string;
  readonly port: number;
}

/** True where {@link tcpListeners} can look (Linux's /proc). */
export const canListListeners = fs.existsSync('/proc/self/fd') && fs.existsSync('/proc/net/tcp');

/**
 * Every TCP port process `pid` listens on, read from the kernel (/proc/<pid>/fd and
 * /proc/net/tcp{,6}) rather than from what the process logs about itself.
 */
export function tcpListeners(pid: number): Listener[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed since the listing
    }
  }
  const found: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const row of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = row.trim().split(/\s+/);
      // f[1] local address:port in hex, f[3] state (0A: LISTEN), f[9] inode
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
      const [hex, port] = f[1]!.split(':') as [string, string];
      found.push({ address: addressOf(hex), port: parseInt(port, 16) });
    }
  }
  return found;
}

/** /proc's hex address (little-endian 32-bit words) as text; IPv6 only for the usual three. */
function addressOf(hex: string): string {
  if (hex.length === 8) {
    return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  }
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${addressOf(hex.slice(24))}`;
  return hex;
}
