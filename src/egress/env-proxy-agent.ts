import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor, type ProxySettings } from './proxy-settings';

/**
 * An http(s) agent that decides per request: through the proxy (CONNECT for https, an absolute
 * URI for http) or straight out when NO_PROXY names the host. Installed as Node's global agent,
 * it carries what uses the http module without an agent of its own: the Bot Framework token
 * (MSAL) and the signing keys it checks incoming requests with (OpenID metadata).
 */
export class EnvProxyAgent extends Agent {
  private readonly direct: http.Agent;
  private readonly viaProxy = new Map<string, http.Agent>();

  constructor(
    private readonly settings: ProxySettings,
    private readonly secure: boolean,
  ) {
    super({ keepAlive: true });
    this.direct = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  connect(req: http.ClientRequest, options: AgentConnectOpts): http.Agent | Duplex {
    const secure = options.secureEndpoint ?? this.secure;
    const proxy = proxyFor(
      { protocol: secure ? 'https:' : 'http:', hostname: req.host ?? String(options.host), port: options.port },
      this.settings,
    );
    if (!proxy) return this.direct;
    const key = `${secure}:${proxy.href}`;
    let agent = this.viaProxy.get(key);
    if (!agent) {
      // Plain http goes to the proxy with the absolute URI, written into the request when the
      // proxy agent connects. Behind this agent (which decides asynchronously) a request has been
      // ended by then, so on a reused connection it went out with its bare path: one connection
      // per plain-http request. Tunnels (https) are reused: the URI inside is the target's own.
      agent = secure
        ? new HttpsProxyAgent(proxy, { keepAlive: true })
        : new HttpProxyAgent(proxy, { keepAlive: false });
      this.viaProxy.set(key, agent);
    }
    return agent;
  }
}
