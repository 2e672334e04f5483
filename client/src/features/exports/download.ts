/**
 * The address to download an export's CSV from, on this page's origin: the dashboard and the API
 * share one origin, and the session cookie only rides along there (the server's PUBLIC_URL may
 * name another, as behind Vite's dev proxy).
 */
export function downloadHref(url: string): string {
  const target = new URL(url, window.location.href);
  return `${target.pathname}${target.search}`;
}

/** Starts the browser's download; the server sends the file as an attachment, so the page stays. */
export function startDownload(url: string): void {
  const a = document.createElement('a');
  a.href = downloadHref(url);
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}
