export const DEPLOY_NGINX_CONF: string;
export function findNginx(): string | null;
export function renderSite(port: number, nodes: string[]): string;
export interface LocalNginx {
  url: string;
  stop(): Promise<void>;
}
export function startNginx(options: {
  port: number;
  nodes: string[];
  dir: string;
  nginx?: string;
}): Promise<LocalNginx>;
