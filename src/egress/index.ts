import http from 'node:http';
import https from 'node:https';
import { setGlobalDispatcher } from 'undici';
import { EnvProxyAgent } from './env-proxy-agent';
import { ProxyDispatcher } from './proxy-dispatcher';
import { describeProxy, readProxySettings } from './proxy-settings';

export { bypassesProxy, proxyFor, readProxySettings, type ProxySettings } from './proxy-settings';
export { EnvProxyAgent } from './env-proxy-agent';
export { httpFetch } from './http-fetch';
export { ProxyDispatcher } from './proxy-dispatcher';

export interface OutboundProxy {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy: string;
}

/**
 * Sends the process's outbound HTTP through HTTPS_PROXY / HTTP_PROXY, except to NO_PROXY hosts,
 * for every client the bot has:
 * - fetch (Graph and its token, Google's token, file downloads) through the global undici
 *   dispatcher, which Node's own fetch uses;
 * - the http and https modules' global agents (the Directory API through httpFetch, the Bot
 *   Framework token via MSAL, OpenID signing keys);
 * - the Bot Connector client (@azure/core-rest-pipeline) reads the same variables itself.
 * Process-wide, so only the real process calls it (main), never a test that starts many bots.
 * Returns what it installed, without credentials, or undefined when no proxy is set.
 */
export function installOutboundProxy(env: Record<string, string | undefined>): OutboundProxy | undefined {
  const settings = readProxySettings(env);
  if (!settings.httpProxy && !settings.httpsProxy) return undefined;
  setGlobalDispatcher(new ProxyDispatcher(settings));
  http.globalAgent = new EnvProxyAgent(settings, false);
  https.globalAgent = new EnvProxyAgent(settings, true);
  return {
    httpsProxy: describeProxy(settings.httpsProxy),
    httpProxy: describeProxy(settings.httpProxy),
    noProxy: settings.noProxy,
  };
}
