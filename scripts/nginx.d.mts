export const DEPLOY_NGINX_CONF: string;
export function findNginx(): string | null;
export function renderSite(port: number, nodes: string[], pinned?: number[]): string;
export interface LocalNginx {
  url: string;
  /** One per node given `pinned` ports: nginx in front of that node alone. */
  pinnedUrls: string[];
  stop(): Promise<void>;
}
export function startNginx(options: {
  port: number;
  nodes: string[];
  pinned?: number[];
  dir: string;
  nginx?: string;
}): Promise<LocalNginx>;
