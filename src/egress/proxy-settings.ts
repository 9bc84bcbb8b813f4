import { ConfigError } from '../errors';

/** Where outbound HTTP goes: straight out, or through the enterprise proxy. */
export interface ProxySettings {
  /** Proxy for http:// targets (HTTP_PROXY). */
  httpProxy?: URL;
  /** Proxy for https:// targets (HTTPS_PROXY, else HTTP_PROXY, as undici and most tools do). */
  httpsProxy?: URL;
  /** NO_PROXY as given: hosts, .suffixes, *.suffixes, host:port, or * for none. */
  noProxy: string;
}

const read = (env: Record<string, string | undefined>, name: string): string | undefined =>
  (env[name] ?? env[name.toLowerCase()])?.trim() || undefined;

function proxyUrl(name: string, value: string | undefined): URL | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError([`${name} must be a proxy URL such as http://proxy.contoso.com:8080 (see docs/deploy.md)`]);
  }
  return url;
}

/** Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case); undefined proxies mean straight out. */
export function readProxySettings(env: Record<string, string | undefined>): ProxySettings {
  const httpProxy = proxyUrl('HTTP_PROXY', read(env, 'HTTP_PROXY'));
  const httpsProxy = proxyUrl('HTTPS_PROXY', read(env, 'HTTPS_PROXY')) ?? httpProxy;
  return { httpProxy, httpsProxy, noProxy: read(env, 'NO_PROXY') ?? '' };
}

/**
 * Whether NO_PROXY exempts this host and port: the rules of undici's EnvHttpProxyAgent and of
 * proxy-from-env (exact host, .suffix or *.suffix, optional :port, * for every host).
 */
export function bypassesProxy(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.toLowerCase().split(/[,\s]/)) {
    if (!raw) continue;
    if (raw === '*') return true;
    const m = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (m ? m[1] : raw).replace(/^\[|\]$/g, '');
    if (m && Number(m[2]) !== port) continue;
    if (/^[.*]/.test(entryHost)) {
      if (host.endsWith(entryHost.replace(/^\*/, ''))) return true;
    } else if (host === entryHost) return true;
  }
  return false;
}

/** The proxy a request to this target goes through, if any. */
export function proxyFor(
  target: { protocol: 'http:' | 'https:'; hostname: string; port: number },
  settings: ProxySettings,
): URL | undefined {
  const proxy = target.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy || bypassesProxy(target.hostname, target.port, settings.noProxy)) return undefined;
  return proxy;
}

/** The proxy URL without its credentials, for log lines. */
export function describeProxy(url: URL | undefined): string | undefined {
  if (!url) return undefined;
  return `${url.protocol}//${url.username ? '***@' : ''}${url.host}`;
}
