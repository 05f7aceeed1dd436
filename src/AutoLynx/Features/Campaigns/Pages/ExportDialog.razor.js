// Hands a campaign export to the browser's own download: a link to the streamed CSV, followed with the page's session
// cookie. The file name comes from the server's Content-Disposition; nothing is buffered in the page.
export function download(url) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
