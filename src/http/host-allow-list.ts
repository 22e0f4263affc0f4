import { HealingConfigError } from '../errors.js';

/**
 * The `allowedHosts` option: the `Host` header values the endpoint answers. A page on another
 * origin can reach an endpoint bound to 127.0.0.1 by DNS rebinding (its own name re-pointed at
 * 127.0.0.1), and the browser then sends that name as `Host`: refusing unknown hosts is the
 * defence. Host names and IP literals compare case-insensitively; an entry without a port allows
 * any port, one with a port only that port.
 */

/** `name`, `name:port`, `[v6]` or `[v6]:port`. Plain string checks: the header is attacker text. */
const HOST = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9.])?)(?::([0-9]{1,5}))?$/;

/** Why `entry` is not a usable `allowedHosts` entry, or `undefined`. */
function allowedHostProblem(entry: string): string | undefined {
  if (!HOST.test(entry)) return `expected a host name, an IP address or [IPv6], with an optional :port (like "localhost" or "127.0.0.1:9464"), got ${JSON.stringify(entry.slice(0, 100))}`;
  return undefined;
}

/** A check of the `Host` header against `entries`; a missing or malformed header is refused. */
function hostAllowList(entries: readonly string[]): (host: string | null) => boolean {
  const split = entries.map(splitHost);
  return (host) => {
    if (host === null || host.length > 300 || !HOST.test(host)) return false;
    const presented = splitHost(host);
    return split.some((entry) => entry.name === presented.name && (entry.port === undefined || entry.port === presented.port));
  };
}

function splitHost(value: string): { name: string; port: string | undefined } {
  const port = HOST.exec(value)?.[1];
  const name = port === undefined ? value : value.slice(0, -port.length - 1);
  return { name: name.toLowerCase().replace(/\.$/, ''), port };
}

/** The check for the `allowedHosts` option (`undefined`: every host), or a {@link HealingConfigError} naming the bad entry. */
export function hostCheckOf(entries: readonly string[] | undefined): ((host: string | null) => boolean) | undefined {
  if (entries === undefined) return undefined;
  for (const [index, entry] of entries.entries()) {
    const problem = allowedHostProblem(entry);
    if (problem !== undefined) throw new HealingConfigError(`http.allowedHosts.${index}`, problem);
  }
  return hostAllowList(entries);
}
