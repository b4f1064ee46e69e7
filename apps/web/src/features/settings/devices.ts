/** A user agent as people say it: "Firefox on Windows". Unknown parts fall back to the raw text. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /\bEdg\//.test(userAgent)
    ? 'Edge'
    : /\bOPR\//.test(userAgent)
      ? 'Opera'
      : /\bFirefox\//.test(userAgent)
        ? 'Firefox'
        : /\bHeadlessChrome\//.test(userAgent)
          ? 'Headless Chrome'
          : /\b(Chrome|Chromium|CriOS)\//.test(userAgent)
            ? 'Chrome'
            : /\bVersion\/[\d.]+.*Safari\//.test(userAgent)
              ? 'Safari'
              : /^node\b|undici|\bnode-fetch\b/i.test(userAgent)
                ? 'A program'
                : null;
  const os = /\b(iPhone|iPad)\b/.test(userAgent)
    ? 'iOS'
    : /\bAndroid\b/.test(userAgent)
      ? 'Android'
      : /\bWindows\b/.test(userAgent)
        ? 'Windows'
        : /\bMac OS X\b|\bMacintosh\b/.test(userAgent)
          ? 'macOS'
          : /\bCrOS\b/.test(userAgent)
            ? 'ChromeOS'
            : /\bLinux\b/.test(userAgent)
              ? 'Linux'
              : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}
